// edgekue's whole HTTP app (createApp: the JSON API, the dashboard, POST /work) served by
// @hono/node-server in a process of its own, with auth configured, for the abuse scenario: a
// crash shows as an exit, and hostile requests travel over real sockets. Settings arrive as JSON
// in CHAOS_APP; it answers `{ t: 'ready', url, routes }` and logs the app's errors to the parent.
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { z } from 'zod';
import { createApp } from '../../../functions/app.js';
import { envSchema } from '../../../functions/config.js';
import { workRoute } from '../../../functions/work-route.js';
import { HandlerRegistry } from '../../../worker-handlers/index.js';
import { parentChannel } from '../lib/processes.js';
import { chaosQueue } from '../lib/queue.js';
import { heapReport } from './heap-report.js';

const settingsSchema = z.object({
  bridgeUrl: z.string(),
  bridgeToken: z.string(),
  prefix: z.string(),
  authToken: z.string().min(16),
  user: z.string(),
  password: z.string().min(8),
  workerSecret: z.string().min(16),
});

const parent = parentChannel();
const s = settingsSchema.parse(JSON.parse(process.env.CHAOS_APP ?? '{}'));
const config = envSchema.parse({
  UPSTASH_REDIS_REST_URL: s.bridgeUrl,
  UPSTASH_REDIS_REST_TOKEN: s.bridgeToken,
  EDGEKUE_PREFIX: s.prefix,
  EDGEKUE_AUTH_TOKEN: s.authToken,
  EDGEKUE_AUTH_USER: s.user,
  EDGEKUE_AUTH_PASSWORD: s.password,
  EDGEKUE_WORKER_SECRET: s.workerSecret,
  EDGEKUE_BUDGET_MS: '2000',
});
const queue = chaosQueue({ url: s.bridgeUrl, token: s.bridgeToken, prefix: s.prefix });
const log = {
  warn: (message: string) => parent.send({ t: 'log', level: 'warn', message }),
  error: (message: string, error?: unknown) =>
    parent.send({
      t: 'log',
      level: 'error',
      message: `${message} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    }),
};
const app = createApp({
  queue,
  config,
  // No handlers: a woken run only promotes and recovers; the abuse is in reaching it at all.
  work: workRoute({ queue, registry: new HandlerRegistry(), config, log }),
  remoteAddress: (c: Context) => getConnInfo(c).remote.address,
  log,
  events: { pollMs: 100, heartbeatMs: 500, maxLifetimeMs: 1_500 },
});

process.on('message', (m: { t?: string }) => {
  if (m?.t === 'mem') parent.send({ t: 'mem', ...heapReport() });
});
process.on('uncaughtException', (error) => {
  parent.send({ t: 'crash', message: error.stack ?? error.message });
  process.exit(70);
});
process.on('unhandledRejection', (error) => {
  parent.send({
    t: 'crash',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exit(70);
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  parent.send({
    t: 'ready',
    url: `http://127.0.0.1:${info.port}`,
    routes: app.routes.map((r) => ({ method: r.method, path: r.path })),
  });
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
});
