/** `edgekue/http`: the JSON API and the dashboard as a Hono app, and the configuration it reads. */
// First, before core's schemas exist (functions/worker.ts says why).
import '@hono/zod-openapi';

export { notFound } from '../api/errors.js';
export { type AppOptions, createApp } from '../app.js';
export {
  type Config,
  ConfigError,
  configWarnings,
  type Env,
  envSchema,
  invocationOptions,
  queueOptions,
  readConfig,
  redisOptions,
} from '../config.js';
export { type DashboardOptions, dashboard } from '../dashboard/index.js';
