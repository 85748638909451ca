/**
 * edgekue as a Vercel Function (Node.js runtime, Web handler): the same app as the Worker, and
 * the cron tick on `GET /cron`, which Vercel Cron calls with `Authorization: Bearer $CRON_SECRET`.
 * Like a Worker, an invocation is stateless and time-limited: wake-ups and their jobs run in
 * Vercel's waitUntil (@vercel/functions), and a tick runs for EDGEKUE_BUDGET_MS (keep it under the
 * function's maxDuration). Wiring: infra/deploy/vercel/ (api/index.ts and vercel.json).
 */
// First, before core's schemas exist: @hono/zod-openapi adds `.openapi()` to zod's types, and zod
// copies methods onto each schema when it is created (the API's schemas extend core's).
import '@hono/zod-openapi';
import { Redis } from '@upstash/redis';
import { waitUntil } from '@vercel/functions';
import { type ExecutionContext, Hono } from 'hono';
import { createQueue, withoutCommands } from '../core/index.js';
import { type HandlerRegistry, runTick, runWake } from '../worker-handlers/index.js';
import { notFound } from './api/errors.js';
import type { WaitUntil } from './api/index.js';
import { createApp } from './app.js';
import { bearerToken, secretMatcher } from './auth/safe-equal.js';
import {
  configWarnings,
  invocationOptions,
  queueOptions,
  readConfig,
  redisOptions,
} from './config.js';
import { dashboard } from './dashboard/index.js';
import { handlers } from './handlers.js';
import { reportRun } from './run-report.js';
import { continueElsewhere, createWake } from './wake/index.js';
import { workRoute } from './work-route.js';

export interface VercelFunctionOptions {
  /** Read at the first request (default: process.env). */
  env?: () => Record<string, string | undefined>;
  registry?: HandlerRegistry;
}

/** How long one GET /events stream lasts: under the function's maxDuration (vercel.json: 60 s). */
export const EVENT_STREAM_MS = 50_000;

const log = {
  warn: (message: string) => console.warn(message),
  // (a line alone when there is no error to show, not `message undefined`)
  error: (message: string, error?: unknown) =>
    error === undefined ? console.error(message) : console.error(message, error),
};

// Vercel's waitUntil keeps the invocation alive for the promise; failures are only logged.
const vercelWaitUntil: WaitUntil = {
  waitUntil: (p) => {
    waitUntil(
      p.catch((error: unknown) =>
        log.error('edgekue: background task failed', withoutCommands(error)),
      ),
    );
  },
};

// What Hono's handlers see as c.executionCtx, so the API's wake-ups use Vercel's waitUntil.
const executionContext = {
  waitUntil: vercelWaitUntil.waitUntil,
  passThroughOnException: () => {},
  props: {},
} as unknown as ExecutionContext;

function build(options: VercelFunctionOptions): Hono {
  const env = options.env?.() ?? process.env;
  const registry = options.registry ?? handlers;
  const config = readConfig(env);
  for (const warning of configWarnings(config)) log.warn(warning);
  // each request times out after EDGEKUE_REDIS_TIMEOUT_MS (a subscription does not)
  const redis = new Redis({ ...redisOptions(config), enableAutoPipelining: true });
  const queue = createQueue({ redis }, queueOptions(config));
  const { wake, mode } = createWake(config, {
    runLocal: () =>
      runWake(queue, registry, invocationOptions(config)).then((result) => {
        reportRun(log, 'a wake-up', result);
        return result;
      }),
    log,
  });
  const app = createApp({
    queue,
    config,
    wake,
    work: workRoute({ queue, registry, config, log, wake, wakeMode: mode }),
    // No remoteAddress: nothing reaches a Vercel Function over loopback, so every caller needs the
    // configured auth (and is told so without the word about "this machine").
    dashboard: dashboard({ title: config.EDGEKUE_TITLE }),
    log,
    // A stream ends itself (the client resumes from its last id) before vercel.json's maxDuration
    // of 60 s would cut it.
    events: { maxLifetimeMs: EVENT_STREAM_MS },
  });

  const cronSecret = env.CRON_SECRET ? secretMatcher(env.CRON_SECRET) : undefined;
  const outer = new Hono({ strict: false });
  // Before the app's auth: Vercel Cron presents CRON_SECRET, not edgekue's credentials.
  outer.get('/cron', async (c) => {
    if (!cronSecret) {
      return c.json(
        { error: 'set CRON_SECRET: Vercel Cron sends it, and /cron runs nothing without it' },
        403,
      );
    }
    const presented = bearerToken(c.req.header('authorization'));
    if (presented === undefined || !(await cronSecret(presented)))
      return c.json({ error: 'wrong or missing CRON_SECRET' }, 401);
    const result = await runTick(queue, registry, {
      ...invocationOptions(config),
      onRetry: (jobs) => wake(jobs, vercelWaitUntil),
    });
    continueElsewhere(result, mode, wake, queue, vercelWaitUntil);
    return c.json(result);
  });
  outer.route('/', app);
  // a path the app does not know is its {error} 404, not Hono's text one (the outer app answers it)
  outer.notFound(notFound);
  return outer;
}

/** The Web handler Vercel's Node.js runtime calls: `export default vercelFunction()`. */
export function vercelFunction(options: VercelFunctionOptions = {}): {
  fetch(request: Request): Promise<Response>;
} {
  let app: Hono | undefined;
  return {
    fetch: async (request) => {
      try {
        app ??= build(options);
      } catch (error) {
        // Read at the first request: a bad variable fails every request until it is fixed, and
        // the client is told no more than that (the log names the variable).
        log.error('edgekue: not configured', error instanceof Error ? error.message : error);
        return Response.json(
          { error: "edgekue is not configured: see the function's log" },
          { status: 500 },
        );
      }
      return app.fetch(request, {}, executionContext);
    },
  };
}
