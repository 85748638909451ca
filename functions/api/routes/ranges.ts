import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { JobState, RangeQuery } from '../../../core/index.js';
import type { ApiDeps } from '../deps.js';
import { document, errors, json } from '../endpoint.js';
import { parse } from '../input.js';
import {
  jobListSchema,
  maxRange,
  orderSchema,
  rangeSchema,
  stateSchema,
  typeSchema,
} from '../schema.js';

/**
 * Kue's pages of jobs: /jobs/:from..:to/:order?, /jobs/:state/:from..:to/:order? and
 * /jobs/:type/:state/:from..:to/:order?. `from..to` are inclusive ranks in id order. Hono matches
 * any segment holding `..` as the range, so a malformed one answers 400 (it names the fault)
 * rather than 404.
 */
const range = ':range{[^/]*\\.\\.[^/]*}';

/**
 * Set on a page that stopped at the page byte budget (EDGEKUE_PAGE_BYTES) before its last job:
 * `from..to` of the rest, to ask for next. A page without it holds every job of its range.
 */
export const nextRangeHeader = 'Edgekue-Next-Range';

const rankDoc = z.string().openapi({ description: 'a rank from 0, inclusive', example: '0' });
const docParams = {
  all: z.object({ from: rankDoc, to: rankDoc }),
  state: z.object({ state: stateSchema, from: rankDoc, to: rankDoc }),
  type: z.object({ type: typeSchema, state: stateSchema, from: rankDoc, to: rankDoc }),
};

function documentRange(app: OpenAPIHono, path: string, params: z.ZodObject, summary: string) {
  for (const withOrder of [false, true]) {
    document(
      app,
      createRoute({
        method: 'get',
        path: withOrder ? `${path}/{order}` : path,
        tags: ['kue'],
        summary,
        description: `At most ${maxRange} jobs per page; order is asc (default) or desc by id.`,
        request: { params: withOrder ? params.extend({ order: orderSchema }) : params },
        responses: {
          200: {
            ...json(jobListSchema, 'jobs in Kue toJSON() shape'),
            headers: z.object({
              [nextRangeHeader]: z.string().optional().openapi({
                description:
                  'from..to of the rest of the page, when the jobs reached the page byte budget before its end (large jobs): ask for it next',
                example: '12..999',
              }),
            }),
          },
          ...errors(400),
        },
      }),
    );
  }
}

function rangeQuery(c: Context) {
  const [from, to] = (c.req.param('range') ?? '').split('..');
  const bounds = parse(rangeSchema, { from, to });
  const order = parse(orderSchema.optional(), c.req.param('order'), 'order');
  return { ...bounds, order: order ?? 'asc' };
}

export function rangeRoutes(app: OpenAPIHono, { queue, pageBytes }: ApiDeps): void {
  const answer = async (c: Context, q: RangeQuery) => {
    const page = await queue.rangePage(q, pageBytes);
    if (page.next !== null) c.header(nextRangeHeader, `${page.next}..${q.to}`);
    return c.json(page.jobs.map((j) => j.toJSON()));
  };

  documentRange(app, '/jobs/{from}..{to}', docParams.all, 'A page of all jobs');
  documentRange(app, '/jobs/{state}/{from}..{to}', docParams.state, 'A page of jobs in a state');
  documentRange(
    app,
    '/jobs/{type}/{state}/{from}..{to}',
    docParams.type,
    'A page of jobs of a type in a state',
  );

  app.get(`/jobs/${range}/:order?`, (c) => answer(c, rangeQuery(c)));

  app.get(`/jobs/:state/${range}/:order?`, async (c) => {
    const state: JobState = parse(stateSchema, c.req.param('state'), 'state');
    return answer(c, { ...rangeQuery(c), state });
  });

  app.get(`/jobs/:type/:state/${range}/:order?`, async (c) => {
    const type = parse(typeSchema, c.req.param('type'), 'type');
    const state: JobState = parse(stateSchema, c.req.param('state'), 'state');
    return answer(c, { ...rangeQuery(c), state, type });
  });
}
