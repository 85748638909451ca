/**
 * edgekue on Node, for self-hosting: the same app as the Worker on @hono/node-server, and the
 * same cron tick on a timer. Reads process.env (see functions/config.ts; PORT and HOST choose
 * where to listen) and prints `ready <url>` once it serves. Handlers come from ./handlers.ts.
 *
 *   UPSTASH_REDIS_REST_URL=... UPSTASH_REDIS_REST_TOKEN=... npx tsx functions/node-server.ts
 */
// First, before core's schemas exist: @hono/zod-openapi adds `.openapi()` to zod's types, and zod
// copies methods onto each schema when it is created (the API's schemas extend core's).
import '@hono/zod-openapi';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createQueue, type Queue } from '../core/index.js';
import {
  type HandlerRegistry,
  runTick,
  runWake,
  workerDefaults,
} from '../worker-handlers/index.js';
import { createApp } from './app.js';
import { invocationOptions, queueOptions, readConfig } from './config.js';
import { dashboard } from './dashboard/index.js';
import { handlers } from './handlers.js';
import { nodeRedis } from './node-redis.js';
import { createWake, type WakeMode } from './wake/index.js';
import { workRoute } from './work-route.js';

export interface NodeServerOptions {
  env?: Record<string, string | undefined>;
  port?: number;
  host?: string;
  registry?: HandlerRegistry;
  /** Run the cron tick on a timer (default true). */
  tick?: boolean;
  /** How long one tick runs before the next starts (a Worker's cron fires every minute). */
  tickBudgetMs?: number;
  intervalMs?: number;
}

export interface NodeServer {
  readonly url: string;
  readonly queue: Queue;
  readonly wakeMode: WakeMode;
  /** Stops taking requests, shuts running jobs down gracefully, and resolves when all is done. */
  close(): Promise<void>;
}

const log = {
  warn: (message: string) => console.error(message),
  error: (message: string, error?: unknown) => console.error(message, error),
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

export async function startNodeServer(options: NodeServerOptions = {}): Promise<NodeServer> {
  const env = options.env ?? process.env;
  const config = readConfig(env);
  const registry = options.registry ?? handlers;
  // node:http rather than Node's fetch: a third of the CPU per request (node-redis.ts)
  const redis = nodeRedis({
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
  });
  const queue = createQueue({ redis }, queueOptions(config));
  const stopping = new AbortController();
  const { signal } = stopping;
  const batch = { ...invocationOptions(config), signal };
  const { wake, mode } = createWake(config, {
    runLocal: () => runWake(queue, registry, batch),
    log,
  });
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
    remoteAddress: (c) => getConnInfo(c).remote.address,
    dashboard: dashboard({ title: config.EDGEKUE_TITLE }),
    log,
  });

  const port = options.port ?? Number(env.PORT ?? 3000);
  const hostname = options.host ?? env.HOST ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname }, () => resolve(s as Server));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  const ticking =
    options.tick === false
      ? Promise.resolve()
      : (async () => {
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
        })();

  let closing: Promise<void> | undefined;
  return {
    url,
    queue,
    wakeMode: mode,
    close() {
      closing ??= (async () => {
        stopping.abort();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Event streams stay open: give them a moment, then cut them.
        const cut = setTimeout(() => server.closeAllConnections(), 1_000);
        await closed;
        clearTimeout(cut);
        await ticking;
        await Promise.allSettled([...background]);
      })();
      return closing;
    },
  };
}

async function main(): Promise<void> {
  const server = await startNodeServer();
  process.stdout.write(`ready ${server.url}\n`);
  let signals = 0;
  const stop = () => {
    signals++;
    if (signals > 1) process.exit(1);
    console.error('edgekue: shutting down (running jobs get their grace)');
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
