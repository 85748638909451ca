import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { endpoint, errors, json } from '../endpoint.js';
import { countMessageSchema, idParams, messageSchema, stateParams, typeQuery } from '../schema.js';

/**
 * Beyond Kue: retry one job, and retry or remove a whole state (optionally one type) in bounded
 * script calls. `/jobs/:id/retry` takes digits only, so `/jobs/failed/retry` reaches the bulk route.
 */
export function bulkRoutes(app: OpenAPIHono, { queue }: ApiDeps): void {
  endpoint(
    app,
    createRoute({
      method: 'post',
      path: '/jobs/{id}/retry',
      tags: ['edgekue'],
      summary: 'Sends a job back to inactive with its attempts reset',
      request: { params: idParams },
      responses: { 200: json(messageSchema, "{message:'job <id> retried'}"), ...errors(400, 404) },
    }),
    async (c, { params }) => {
      await queue.retry(params.id);
      return c.json({ message: `job ${params.id} retried` });
    },
    '/jobs/:id{[0-9]+}/retry',
  );

  endpoint(
    app,
    createRoute({
      method: 'post',
      path: '/jobs/{state}/retry',
      tags: ['edgekue'],
      summary: 'Retries every job of a state (of one type with ?type=)',
      request: { params: stateParams, query: typeQuery },
      responses: { 200: json(countMessageSchema, 'how many jobs moved'), ...errors(400) },
    }),
    async (c, { params, query }) => {
      const count = await queue.retryAll(params.state, query.type);
      return c.json({ message: `retried ${count} ${params.state} jobs`, count });
    },
  );

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
