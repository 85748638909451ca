import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { jobStates, ValidationError } from '../../../core/index.js';
import { type ApiDeps, wakeForInactive } from '../deps.js';
import { document, endpoint, errors, json } from '../endpoint.js';
import { parse } from '../input.js';
import {
  countMessageSchema,
  idSchema,
  messageSchema,
  stateParams,
  stateSchema,
  typeQuery,
} from '../schema.js';

/**
 * Beyond Kue: retry one job, and retry or remove a whole state (optionally one type) in bounded
 * script calls. One documented path serves both retries (OpenAPI forbids two templates of the
 * same shape); Hono tells them apart: digits are an id, anything else must be a state.
 */
export function bulkRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const { queue } = deps;
  document(
    app,
    createRoute({
      method: 'post',
      path: '/jobs/{target}/retry',
      tags: ['edgekue'],
      summary: 'Retries a job by id, or every job of a state (of one type with ?type=)',
      description:
        'A job id sends that job back to inactive with its attempts reset and answers {message}; a state does so for every job in it and answers {message, count}.',
      request: { params: z.object({ target: z.union([idSchema, stateSchema]) }), query: typeQuery },
      responses: {
        200: json(messageSchema.or(countMessageSchema), 'what was retried'),
        ...errors(400, 404, 507),
      },
    }),
  );

  app.post('/jobs/:id{[0-9]+}/retry', async (c) => {
    const id = parse(idSchema, c.req.param('id'), 'id');
    await queue.retry(id);
    wakeForInactive(deps, c);
    return c.json({ message: `job ${id} retried` });
  });

  app.post('/jobs/:state/retry', async (c) => {
    const raw = c.req.param('state');
    const parsed = stateSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ValidationError(
        `state: "${raw.slice(0, 40)}" is neither a job id nor a state (${jobStates.join(', ')})`,
        'state',
      );
    }
    const state = parsed.data;
    const { type } = parse(typeQuery, c.req.query());
    const count = await queue.retryAll(state, type);
    if (count > 0) wakeForInactive(deps, c, type);
    return c.json({ message: `retried ${count} ${state} jobs`, count });
  });

  endpoint(
    app,
    createRoute({
      method: 'delete',
      path: '/jobs/{state}',
      tags: ['edgekue'],
      summary: 'Removes every job of a state (of one type with ?type=)',
      request: { params: stateParams, query: typeQuery },
      responses: { 200: json(countMessageSchema, 'how many jobs were removed'), ...errors(400) },
    }),
    async (c, { params, query }) => {
      const count = await queue.removeAll(params.state, query.type);
      return c.json({ message: `removed ${count} ${params.state} jobs`, count });
    },
  );
}
