/**
 * edgekue as a long-lived server, whatever runs it: the app, the wake-ups and the cron tick on a
 * timer, with no runtime API of its own. Node (node-server.ts), Deno (deno.ts) and Bun (bun.ts)
 * each add only their HTTP server, their client address and their signals; Node also its Redis
 * client (node-redis.ts).
 */
import { Redis } from '@upstash/redis';
import type { Context } from 'hono';
import {
  type Connection,
  createQueue,
  type Job,
  type Queue,
  sleep,
  withoutCommands,
} from '../core/index.js';
import {
  type HandlerRegistry,
  invocationBounds,
  RunningBatches,
  runTick,
  runWake,
  workerDefaults,
} from '../worker-handlers/index.js';
import type { ErrorLog } from './api/errors.js';
import { requeuedJob } from './api/index.js';
import { createApp } from './app.js';
import {
  type Config,
  ConfigError,
  configWarnings,
  invocationOptions,
  queueOptions,
  readConfig,
  redisOptions,
} from './config.js';
import { dashboard } from './dashboard/index.js';
import { handlers } from './handlers.js';
import { createWake, type WakeMode } from './wake/index.js';
import { workRoute } from './work-route.js';

export interface ServerRuntimeOptions {
  /** The variables functions/config.ts reads. */
  env: Record<string, string | undefined>;
  /**
   * How to reach Redis (default: the standard client on env's UPSTASH_REDIS_REST_URL and token,
   * each request timed out after EDGEKUE_REDIS_TIMEOUT_MS).
   */
  connection?: (config: Config) => Connection;
  registry?: HandlerRegistry;
  /** The client's address, which decides what counts as a loopback caller. */
  remoteAddress?: (c: Context) => string | undefined;
  /** Run the cron tick on a timer (default true). */
  tick?: boolean;
  /**
   * How often a tick starts (default EDGEKUE_TICK_MS, a minute: a Worker's cron fires every
   * minute); a tick runs while jobs wait, up to the budget.
   */
  tickBudgetMs?: number;
  intervalMs?: number;
  log?: ErrorLog;
}

export interface ServerRuntime {
  readonly config: Config;
  readonly queue: Queue;
  readonly wakeMode: WakeMode;
  /** The whole HTTP surface (createApp), for the runtime's server. */
  readonly fetch: (request: Request, env?: unknown) => Response | Promise<Response>;
  /** Starts the cron tick loop (unless `tick: false`); call once the server listens. */
  startTicking(): void;
  /** Stops claiming, lets running jobs finish within their grace, and waits for the wake-ups. */
  stop(): Promise<void>;
}

/** A server's invocation budget unless EDGEKUE_BUDGET_MS is set: the longest allowed, a day. */
export const SERVER_BUDGET_MS = invocationBounds.maxMs;

const consoleLog: ErrorLog = {
  warn: (message) => console.error(message),
  error: (message, error) => console.error(message, error),
};

export function createServerRuntime(options: ServerRuntimeOptions): ServerRuntime {
  const config = readConfig(options.env);
  const log = options.log ?? consoleLog;
  const registry = options.registry ?? handlers;
  for (const warning of configWarnings(config)) log.warn(warning);
  const connection = options.connection?.(config) ?? {
    redis: new Redis({ ...redisOptions(config), enableAutoPipelining: true }),
  };
  const queue = createQueue(connection, queueOptions(config));
  const stopping = new AbortController();
  const { signal } = stopping;
  // A server's runs need not end with an invocation, as a Worker's must: unless EDGEKUE_BUDGET_MS
  // is set, its ticks and wake-ups may run a day, so a long job is not cut (and run again) at
  // the end of a tick or a wake-up. A stop signal still cuts it after the grace.
  const budgetMs =
    (options.env.EDGEKUE_BUDGET_MS ?? '') === '' ? SERVER_BUDGET_MS : config.EDGEKUE_BUDGET_MS;
  // The batches this server runs, where its wake-ups put a job created meanwhile (a free slot).
  const running = new RunningBatches();
  // A server has no waitUntil: it keeps what it started in the background, to await on stop.
  const background = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    background.add(p);
    void p.finally(() => background.delete(p));
  };
  const batch = {
    ...invocationOptions(config),
    budgetMs,
    signal,
    running,
    // a retry put off by its backoff, from a tick or a wake-up's run, starts when it falls due
    onRetry: (jobs: Job[]) => wake(jobs, { waitUntil: track }),
  };
  const { wake, mode } = createWake(config, {
    runLocal: () => runWake(queue, registry, batch),
    log,
    running,
  });
  // Every create in this process wakes a worker, over HTTP or through the core API alike, and so
  // does every retry, move to inactive and resume (the API routes leave it to these: no `wake`).
  queue.onEnqueue((jobs) => wake(jobs, { waitUntil: track }));
  queue.onRequeue((type) => wake([requeuedJob(queue, type)], { waitUntil: track }));
  const app = createApp({
    queue,
    config,
    work: workRoute({ queue, registry, config, signal, log, wake, wakeMode: mode }),
    remoteAddress: options.remoteAddress,
    dashboard: dashboard({ title: config.EDGEKUE_TITLE }),
    log,
  });

  // A tick that cannot reach Redis says so once, and again when it can (a wrong token or URL
  // is otherwise silent until a request comes).
  let unreachable = false;
  const periodMs = options.tickBudgetMs ?? config.EDGEKUE_TICK_MS;
  const tickLoop = async () => {
    while (!signal.aborted) {
      // A tick starts once a period, as a cron fires: one that found the queue empty ends after
      // its one call, and the next waits for the period's end (not at once: that spun on Redis).
      // One that finds work runs (looking every interval) while jobs wait, for up to the
      // budget; one that cannot reach Redis ends at once, to say so and try at the next period.
      const began = Date.now();
      try {
        const result = await runTick(queue, registry, {
          ...batch,
          budgetMs: Math.max(periodMs, budgetMs),
          intervalMs: options.intervalMs ?? workerDefaults.tickIntervalMs,
          endOnError: true,
          // the next tick, a period later, looks for what no wake-up announces
          maxIdleMs: periodMs,
        });
        if (result.errors > 0 && !unreachable) {
          log.warn(
            `edgekue: the cron tick cannot reach Redis: ${withoutCommands(result.lastError ?? 'no answer')}`,
          );
        } else if (result.errors === 0 && unreachable) {
          log.warn('edgekue: the cron tick reaches Redis again');
        }
        unreachable = result.errors > 0;
      } catch (error) {
        log.error('edgekue: tick failed', withoutCommands(error));
      }
      // (a stop that came while the tick ran ends the wait at once)
      await sleep(began + periodMs - Date.now(), signal);
    }
  };
  let ticking: Promise<void> = Promise.resolve();
  let started = false;

  let stopped: Promise<void> | undefined;
  return {
    config,
    queue,
    wakeMode: mode,
    fetch: (request, env) => app.fetch(request, env),
    startTicking() {
      if (started || options.tick === false || signal.aborted) return;
      started = true;
      ticking = tickLoop();
    },
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await ticking;
        await Promise.allSettled([...background]);
      })();
      return stopped;
    },
  };
}

/**
 * Where a server listens: what its caller gives, else PORT and HOST (PORT unset or empty is 3000,
 * 0 any free port). PORT is checked either way.
 */
export function listenAddress(
  env: Record<string, string | undefined>,
  given: { port?: number | undefined; hostname?: string | undefined } = {},
): {
  port: number;
  hostname: string;
} {
  const text = env.PORT ?? '';
  const port = text === '' ? 3000 : Number(text);
  if (!/^\d+$/.test(text === '' ? '3000' : text) || port > 65_535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got "${text}"`);
  }
  return { port: given.port ?? port, hostname: given.hostname ?? (env.HOST || '127.0.0.1') };
}

/** What a start that failed prints: its message alone (a configuration error is one to fix, not a stack to read). */
export function startFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `edgekue: could not start: ${text}`;
}

/** What a runtime's server function takes (startDenoServer, startBunServer). */
export interface RuntimeServerOptions {
  /** The variables functions/config.ts reads (default: the runtime's environment). */
  env?: Record<string, string | undefined>;
  /** Where to listen (default: PORT and HOST, else 3000 on 127.0.0.1; 0 is any free port). */
  port?: number;
  hostname?: string;
  /** The handlers to run (default: the demo's, ./handlers.ts). */
  registry?: HandlerRegistry;
}

/** A runtime's server once it serves. */
export interface RuntimeServer {
  readonly url: string;
  readonly queue: Queue;
  /** Stops taking requests, shuts running jobs down gracefully, and resolves when all is done. */
  close(): Promise<void>;
}

/**
 * A runtime's server run as its program: `ready <url>` once it serves, the graceful stop on
 * SIGINT and SIGTERM, and a start that fails (a bad variable, a port in use), thrown or rejected,
 * printed as one line with exit code 1.
 */
export function runAsProgram(
  start: () => Promise<RuntimeServer>,
  onSignal: (signal: 'SIGINT' | 'SIGTERM', handler: () => void) => void,
  exit: (code: number) => void,
): void {
  const failed = (error: unknown) => {
    console.error(startFailure(error));
    exit(1);
  };
  let started: Promise<RuntimeServer>;
  try {
    started = start();
  } catch (error) {
    failed(error);
    return;
  }
  started.then((server) => {
    console.log(`ready ${server.url}`);
    const stop = onStopSignals(() => server.close(), exit);
    onSignal('SIGINT', stop);
    onSignal('SIGTERM', stop);
  }, failed);
}

/**
 * The same signal delivered twice closer together than this is one stop: `kill -- -<pgid>`,
 * systemd and container runtimes signal the whole process group, and a wrapper in it (tsx, npm)
 * forwards the signal to the server as well.
 */
const REPEATED_SIGNAL_MS = 1_000;

/**
 * The shutdown every server runs on SIGINT and SIGTERM: the first stops claiming and lets running
 * jobs end within their grace, then exits 0; a second (a second or more later: see
 * REPEATED_SIGNAL_MS) exits at once, leaving what still runs to lease recovery.
 */
export function onStopSignals(
  stop: () => Promise<void>,
  exit: (code: number) => void,
  log: (line: string) => void = (line) => console.error(line),
  now: () => number = Date.now,
): () => void {
  let first: number | undefined;
  return () => {
    if (first !== undefined) {
      if (now() - first < REPEATED_SIGNAL_MS) return;
      log('edgekue: stopping now; jobs still running are retried once their leases expire');
      exit(1);
      return;
    }
    first = now();
    log(
      'edgekue: shutting down: no new claims; running handlers see their signal and have the grace to finish',
    );
    void stop().then(
      () => exit(0),
      (error: unknown) => {
        log(`edgekue: shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      },
    );
  };
}
