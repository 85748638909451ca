import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';
import { endpoint, errors, json } from '../endpoint.js';
import {
  countSchema,
  searchQuery,
  statsSchema,
  stringListSchema,
  typeStateParams,
} from '../schema.js';

/** Kue's read-only overview routes: /stats, /job/types, /job/search, /jobs/:type/:state/stats. */
export function statsRoutes(app: OpenAPIHono, { queue }: ApiDeps): void {
  endpoint(
    app,
    createRoute({
      method: 'get',
      path: '/stats',
      tags: ['kue'],
      summary: 'Job counts per state and total work time',
      responses: { 200: json(statsSchema, 'counts'), ...errors() },
    }),
    async (c) => c.json(await queue.stats()),
  );

  endpoint(
    app,
    createRoute({
      method: 'get',
      path: '/job/types',
      tags: ['kue'],
      summary: 'Job types that have jobs',
      responses: { 200: json(stringListSchema, 'type names, sorted'), ...errors() },
    }),
    async (c) => c.json(await queue.types()),
  );

  endpoint(
    app,
    createRoute({
      method: 'get',
      path: '/job/search',
      tags: ['kue'],
      summary: 'Ids of the jobs whose indexed words include every word of q',
      description:
        'At most the queue\'s maxSearchResults ids (default 10,000): a q whose every word is in more jobs is refused with 400 ("add a word to narrow it"). Beyond Kue, `state` and `type` keep only the matching jobs in that state, of that type.',
      request: { query: searchQuery },
      responses: { 200: json(stringListSchema, 'job ids, ascending'), ...errors(400) },
    }),
    async (c, { query }) =>
      c.json(query.q ? await queue.search(query.q, { state: query.state, type: query.type }) : []),
  );

  endpoint(
    app,
    createRoute({
      method: 'get',
      path: '/jobs/{type}/{state}/stats',
      tags: ['kue'],
      summary: 'How many jobs of a type are in a state',
      request: { params: typeStateParams },
      responses: { 200: json(countSchema, 'the count'), ...errors(400) },
    }),
    async (c, { params }) => {
      const counts = await queue.counts([params.type]);
      return c.json({ count: counts.types[params.type]?.[params.state] ?? 0 });
    },
  );
}
