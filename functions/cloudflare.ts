/**
 * edgekue as a Cloudflare Worker, for the handlers you register: `export default
 * createWorker(registry)` in your Worker's entry (wrangler.toml's `main`). The JSON API, the
 * dashboard and POST /work answer on `fetch`, the cron tick runs on `scheduled`. The package's
 * `edgekue/cloudflare`; functions/worker.ts is edgekue's own Worker, on the demo handlers.
 */
// First, before core's schemas exist: @hono/zod-openapi adds `.openapi()` to zod's types, and zod
// copies methods onto each schema when it is created (the API's schemas extend core's).
import '@hono/zod-openapi';
import { Redis } from '@upstash/redis/cloudflare';
import type { Context, ExecutionContext } from 'hono';
import { Queue, withoutCommands } from '../core/index.js';
import { type HandlerRegistry, runTick, runWake } from '../worker-handlers/index.js';
import type { Wake } from './api/index.js';
import { createApp } from './app.js';
import {
  type Config,
  ConfigError,
  configWarnings,
  invocationOptions,
  queueOptions,
  readConfig,
  redisOptions,
  workerCalls,
} from './config.js';
import { dashboard } from './dashboard/index.js';
import { reportRun } from './run-report.js';
import { continueElsewhere, createWake, type Fetcher, type WakeMode } from './wake/index.js';
import { workRoute } from './work-route.js';

/** Vars and secrets (see wrangler.toml), plus an optional service binding to this Worker. */
export interface WorkerEnv {
  [name: string]: unknown;
  /** A service binding to this Worker itself: direct wake-ups then skip the public internet. */
  WORKER?: Fetcher;
}

/** The part of the Workers runtime's controller used here (no @cloudflare/workers-types needed). */
export interface ScheduledController {
  readonly scheduledTime: number;
  readonly cron: string;
}

interface Runtime {
  config: Config;
  queue: Queue;
  wake: Wake;
  mode: WakeMode;
  /** Script calls one invocation may make (EDGEKUE_MAX_CALLS): the platform's subrequest limit. */
  maxCalls: number;
  fetch: (request: Request, env: WorkerEnv, ctx: ExecutionContext) => Response | Promise<Response>;
}

const log = {
  warn: (message: string) => console.warn(message),
  // (a line alone when there is no error to show, not `message undefined`)
  error: (message: string, error?: unknown) =>
    error === undefined ? console.error(message) : console.error(message, error),
};

export { HandlerRegistry } from '../worker-handlers/index.js';

/** The Worker's two handlers, as `export default` gives them to the Workers runtime. */
export interface EdgekueWorker {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Response | Promise<Response>;
  scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): void;
}

function stringVars(env: WorkerEnv): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (typeof value === 'string') vars[name] = value;
  return vars;
}

function notConfigured(error: ConfigError): string {
  return `edgekue is not configured: ${error.message}`;
}

/**
 * The Worker for a registry of handlers: `export default createWorker(registry)` in a Worker of
 * your own (wrangler.toml's `main`), with the same vars and secrets as edgekue's.
 */
export function createWorker(registry: HandlerRegistry): EdgekueWorker {
  // One runtime per isolate and configuration: the queue, the app and the wake-up coalescing
  // state are built once, not per request (the env object itself may differ between requests).
  let cached: { key: string; runtime: Runtime } | undefined;
  // A configuration that fails is told once per isolate in the log, and to every request.
  let refused: { key: string; error: ConfigError } | undefined;

  function build(vars: Record<string, string>, env: WorkerEnv): Runtime {
    const config = readConfig(vars);
    const maxCalls = workerCalls(config);
    for (const warning of configWarnings(config)) log.warn(warning);
    const redis = new Redis({
      ...redisOptions(config),
      enableAutoPipelining: true,
      enableTelemetry: false,
    });
    const queue = new Queue(redis, queueOptions(config));
    const batch = invocationOptions(config);
    const { wake, mode } = createWake(config, {
      runLocal: () =>
        runWake(queue, registry, { ...batch, calls: { remaining: maxCalls } }).then((result) => {
          reportRun(log, 'a wake-up', result);
          return result;
        }),
      ...(env.WORKER ? { fetcher: env.WORKER } : {}),
      log,
    });
    const app = createApp({
      queue,
      config,
      wake,
      work: workRoute({ queue, registry, config, log, maxCalls, wake, wakeMode: mode }),
      remoteAddress: (c: Context) => c.req.header('cf-connecting-ip'),
      dashboard: dashboard({ title: config.EDGEKUE_TITLE }),
      log,
    });
    return {
      config,
      queue,
      wake,
      mode,
      maxCalls,
      fetch: (request, e, ctx) => app.fetch(request, e, ctx),
    };
  }

  /** The runtime, or the ConfigError its vars fail with (logged the first time). */
  function runtime(env: WorkerEnv): Runtime | ConfigError {
    const vars = stringVars(env);
    const key = JSON.stringify(vars);
    if (cached?.key === key) return cached.runtime;
    if (refused?.key === key) return refused.error;
    try {
      const made = build(vars, env);
      cached = { key, runtime: made };
      return made;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      refused = { key, error };
      log.error(notConfigured(error));
      return error;
    }
  }

  return {
    fetch(request, env, ctx) {
      const made = runtime(env);
      if (made instanceof ConfigError) {
        return Response.json({ error: notConfigured(made) }, { status: 500 });
      }
      return made.fetch(request, env, ctx);
    },

    /** The cron tick (every minute): promote, recover, run, and keep looking for its budget. */
    scheduled(_controller, env, ctx) {
      const made = runtime(env);
      if (made instanceof ConfigError) return;
      const { queue, config, wake, mode, maxCalls } = made;
      ctx.waitUntil(
        runTick(queue, registry, {
          ...invocationOptions(config),
          // A Worker invocation has a subrequest limit: running jobs keep the calls they need to
          // finish, and only new claims stop.
          calls: { remaining: maxCalls },
          onRetry: (jobs) => wake(jobs, ctx),
        }).then(
          (result) => {
            reportRun(log, 'the cron tick', result);
            continueElsewhere(result, mode, wake, queue, ctx);
          },
          (error: unknown) => log.error('edgekue: cron tick failed', withoutCommands(error)),
        ),
      );
    },
  };
}
