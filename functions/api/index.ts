import { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from './deps.js';
import { docRoutes } from './docs.js';
import { onError } from './errors.js';
import { bulkRoutes } from './routes/bulk.js';
import { createRoutes } from './routes/create.js';
import { eventRoutes } from './routes/events.js';
import { jobRoutes } from './routes/job.js';
import { rangeRoutes } from './routes/ranges.js';
import { statsRoutes } from './routes/stats.js';
import { typeRoutes } from './routes/types.js';

export type { ApiDeps, EventStreamOptions, WaitUntil, Wake } from './deps.js';
export { defaultEventStreamOptions, requeuedJob } from './deps.js';
export { nextRangeHeader } from './routes/ranges.js';

/**
 * The JSON API as one OpenAPIHono: Kue's routes and shapes, edgekue's additions, and the
 * OpenAPI document built from their schemas. Auth, CORS and limits are the app's (functions/app.ts).
 */
export function api(deps: ApiDeps, title = 'edgekue'): OpenAPIHono {
  const app = new OpenAPIHono();
  // Its own error mapping, not only the parent's: Hono's route() hands a sub-app's errors to the
  // parent's handler only when the sub-app's is the default of the parent's Hono copy, so with a
  // second copy of hono installed (a project's own version beside edgekue's) every JobNotFound
  // or bad input became a text 500.
  app.onError(onError(deps.log));
  // registration order matters where paths overlap: /job/types and /job/search before /job/:id
  statsRoutes(app, deps);
  jobRoutes(app, deps);
  createRoutes(app, deps);
  rangeRoutes(app, deps);
  bulkRoutes(app, deps);
  typeRoutes(app, deps);
  eventRoutes(app, deps);
  docRoutes(app, title);
  return app;
}
