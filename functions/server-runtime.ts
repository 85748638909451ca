/**
 * edgekue as a long-lived server, whatever runs it: the app, the wake-ups and the cron tick on a
 * timer, with no runtime API of its own. Node (node-server.ts), Deno (deno.ts) and Bun (bun.ts)
 * each add only their HTTP server, their Redis client and their signals.
 */
import type { Context } from 'hono';
import { type Connection, createQueue, type Queue } from '../core/index.js';
import {
  type HandlerRegistry,
  runTick,
  runWake,
  workerDefaults,
} from '../worker-handlers/index.js';
import type { ErrorLog } from './api/errors.js';
import { createApp } from './app.js';
import { type Config, invocationOptions, queueOptions, readConfig } from './config.js';
import { dashboard } from './dashboard/index.js';
import { handlers } from './handlers.js';
import { createWake, type WakeMode } from './wake/index.js';
import { workRoute } from './work-route.js';

export interface ServerRuntimeOptions {
  /** The variables functions/config.ts reads. */
  env: Record<string, string | undefined>;
  /** How to reach Redis (default: the standard client on env's UPSTASH_REDIS_REST_URL and token). */
  connection?: (config: Config) => Connection;
  registry?: HandlerRegistry;
  /** The client's address, which decides what counts as a loopback caller. */
  remoteAddress?: (c: Context) => string | undefined;
  /** Run the cron tick on a timer (default true). */
  tick?: boolean;
  /** How long one tick runs before the next starts (a Worker's cron fires every minute). */
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

const consoleLog: ErrorLog = {
  warn: (message) => console.error(message),
  error: (message, error) => console.error(message, error),
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export function createServerRuntime(options: ServerRuntimeOptions): ServerRuntime {
  const config = readConfig(options.env);
  const log = options.log ?? consoleLog;
  const registry = options.registry ?? handlers;
  const connection = options.connection?.(config) ?? {
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
  };
  const queue = createQueue(connection, queueOptions(config));
  const stopping = new AbortController();
  const { signal } = stopping;
  const batch = { ...invocationOptions(config), signal };
  const { wake, mode } = createWake(config, {
    runLocal: () => runWake(queue, registry, batch),
    log,
  });
  // A server has no waitUntil: it keeps what it started in the background, to await on stop.
  const background = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    background.add(p);
    void p.finally(() => background.delete(p));
  };
  // Every create in this process wakes a worker, over HTTP or through the core API alike.
  queue.onEnqueue((jobs) => wake(jobs, { waitUntil: track }));
  const app = createApp({
    queue,
    config,
    work: workRoute({ queue, registry, config, signal, log, wake }),
    remoteAddress: options.remoteAddress,
    dashboard: dashboard({ title: config.EDGEKUE_TITLE }),
    log,
  });

  const tickLoop = async () => {
    while (!signal.aborted) {
      try {
        await runTick(queue, registry, {
          ...invocationOptions(config),
          budgetMs: options.tickBudgetMs ?? 60_000,
          intervalMs: options.intervalMs ?? workerDefaults.tickIntervalMs,
          signal,
          onRetry: (jobs) => wake(jobs, { waitUntil: track }),
        });
      } catch (error) {
        log.error('edgekue: tick failed', error);
        await sleep(workerDefaults.tickIntervalMs, signal);
      }
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
