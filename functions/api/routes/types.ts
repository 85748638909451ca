import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { jobStates } from '../../../core/index.js';
import { type ApiDeps, wakeForInactive } from '../deps.js';
import { endpoint, errors, json } from '../endpoint.js';
import { parse, readJson } from '../input.js';
import {
  pauseBodySchema,
  pausedSchema,
  type TypeSummary,
  throughputQuery,
  throughputSchema,
  typeParams,
  typeSummaryListSchema,
} from '../schema.js';

/** What the dashboard reads beyond Kue's routes: throughput, per-type counts, pause and resume. */
export function typeRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const { queue } = deps;
  endpoint(
    app,
    createRoute({
      method: 'get',
      path: '/throughput',
      tags: ['dashboard'],
      summary: 'Completed and failed jobs per minute',
      request: { query: throughputQuery },
      responses: { 200: json(throughputSchema, 'per-minute counts'), ...errors(400) },
    }),
    async (c, { query }) => c.json(await queue.throughput(query.minutes ?? 60)),
  );

  endpoint(
    app,
    createRoute({
      method: 'get',
      path: '/types',
      tags: ['dashboard'],
      summary: 'Every job type with its counts per state and whether it is paused',
      responses: { 200: json(typeSummaryListSchema, 'types, sorted by name'), ...errors() },
    }),
    async (c) => {
      // (counts.paused lists the pauses in force by Redis' clock, not this server's)
      const counts = await queue.counts();
      const names = new Set([...Object.keys(counts.types), ...Object.keys(counts.paused)]);
      const zero = Object.fromEntries(jobStates.map((s) => [s, 0])) as TypeSummary['counts'];
      const list: TypeSummary[] = [...names].sort().map((type) => {
        const until = counts.paused[type];
        return {
          type,
          counts: { ...zero, ...counts.types[type] },
          paused: until !== undefined,
        };
      });
      return c.json(list);
    },
  );

  endpoint(
    app,
    createRoute({
      method: 'post',
      path: '/types/{type}/pause',
      tags: ['dashboard'],
      summary: 'Pauses claiming of a type on every worker, until resumed or for ms',
      request: {
        params: typeParams,
        body: { content: { 'application/json': { schema: pauseBodySchema } }, required: false },
      },
      responses: { 200: json(pausedSchema, 'the types now paused'), ...errors(400, 415, 507) },
    }),
    async (c, { params }) => {
      const body = parse(pauseBodySchema, (await readJson(c)) ?? {});
      return c.json({ paused: await queue.pause(params.type, body.ms ?? 0) });
    },
  );

  endpoint(
    app,
    createRoute({
      method: 'post',
      path: '/types/{type}/resume',
      tags: ['dashboard'],
      summary: 'Resumes claiming of a paused type',
      request: { params: typeParams },
      responses: { 200: json(pausedSchema, 'the types still paused'), ...errors(400) },
    }),
    async (c, { params }) => {
      const paused = await queue.resume(params.type);
      wakeForInactive(deps, c, params.type);
      return c.json({ paused });
    },
  );
}
