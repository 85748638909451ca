/**
 * The Cloudflare Worker: the JSON API, the dashboard and POST /work on `fetch`, the cron tick on
 * `scheduled`. Built and run by wrangler from wrangler.toml. Handlers come from ./handlers.ts.
 */
// First, before core's schemas exist: @hono/zod-openapi adds `.openapi()` to zod's types, and zod
// copies methods onto each schema when it is created (the API's schemas extend core's).
import '@hono/zod-openapi';
import { Redis } from '@upstash/redis/cloudflare';
import type { Context, ExecutionContext } from 'hono';
import { Queue, withoutCommands } from '../core/index.js';
import { runTick, runWake } from '../worker-handlers/index.js';
import type { Wake } from './api/index.js';
import { createApp } from './app.js';
import { type Config, invocationOptions, queueOptions, readConfig, workerCalls } from './config.js';
import { dashboard } from './dashboard/index.js';
import { handlers } from './handlers.js';
import { createWake, type Fetcher } from './wake/index.js';
import { workRoute } from './work-route.js';

/** Vars and secrets (see wrangler.toml), plus an optional service binding to this Worker. */
export interface WorkerEnv {
  [name: string]: unknown;
  /** A service binding to this Worker itself: direct wake-ups then skip the public internet. */
  WORKER?: Fetcher;
}

/** The part of the Workers runtime's controller used here (no @cloudflare/workers-types needed). */
interface ScheduledController {
  readonly scheduledTime: number;
  readonly cron: string;
}

interface Runtime {
  config: Config;
  queue: Queue;
  wake: Wake;
  /** Script calls one invocation may make (EDGEKUE_MAX_CALLS): the platform's subrequest limit. */
  maxCalls: number;
  fetch: (request: Request, env: WorkerEnv, ctx: ExecutionContext) => Response | Promise<Response>;
}

const log = {
  warn: (message: string) => console.warn(message),
  error: (message: string, error?: unknown) => console.error(message, error),
};

// One runtime per isolate and configuration: the queue, the app and the wake-up coalescing state
// are built once, not per request (the env object itself may differ between requests).
let cached: { key: string; runtime: Runtime } | undefined;

function stringVars(env: WorkerEnv): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (typeof value === 'string') vars[name] = value;
  return vars;
}

function runtime(env: WorkerEnv): Runtime {
  const vars = stringVars(env);
  const key = JSON.stringify(vars);
  if (cached?.key === key) return cached.runtime;
  const config = readConfig(vars);
  const maxCalls = workerCalls(config);
  const redis = new Redis({
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
    enableAutoPipelining: true,
    enableTelemetry: false,
  });
  const queue = new Queue(redis, queueOptions(config));
  const batch = invocationOptions(config);
  const { wake } = createWake(config, {
    runLocal: () => runWake(queue, handlers, { ...batch, calls: { remaining: maxCalls } }),
    ...(env.WORKER ? { fetcher: env.WORKER } : {}),
    log,
  });
  const app = createApp({
    queue,
    config,
    wake,
    work: workRoute({ queue, registry: handlers, config, log, maxCalls, wake }),
    remoteAddress: (c: Context) => c.req.header('cf-connecting-ip'),
    dashboard: dashboard({ title: config.EDGEKUE_TITLE }),
    log,
  });
  const made: Runtime = {
    config,
    queue,
    wake,
    maxCalls,
    fetch: (request, e, ctx) => app.fetch(request, e, ctx),
  };
  cached = { key, runtime: made };
  return made;
}

export default {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Response | Promise<Response> {
    return runtime(env).fetch(request, env, ctx);
  },

  /** The cron tick (every minute): promote, recover, run, and keep looking for its budget. */
  scheduled(_controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): void {
    const { queue, config, wake, maxCalls } = runtime(env);
    ctx.waitUntil(
      runTick(queue, handlers, {
        ...invocationOptions(config),
        // A Worker invocation has a subrequest limit: running jobs keep the calls they need to
        // finish, and only new claims stop.
        calls: { remaining: maxCalls },
        onRetry: (jobs) => wake(jobs, ctx),
      }).catch((error: unknown) => log.error('edgekue: cron tick failed', withoutCommands(error))),
    );
  },
};
