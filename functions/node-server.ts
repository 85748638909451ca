/**
 * edgekue on Node, for self-hosting: the same app as the Worker on @hono/node-server, and the
 * same cron tick on a timer. Reads process.env (see functions/config.ts; PORT and HOST choose
 * where to listen) and prints `ready <url>` once it serves. Handlers come from ./handlers.ts.
 *
 *   UPSTASH_REDIS_REST_URL=... UPSTASH_REDIS_REST_TOKEN=... node_modules/.bin/tsx functions/node-server.ts
 *
 * (`npx tsx` too, but npx does not pass SIGTERM on: under a process manager, call tsx itself.)
 */
// First, before core's schemas exist: @hono/zod-openapi adds `.openapi()` to zod's types, and zod
// copies methods onto each schema when it is created (the API's schemas extend core's).
import '@hono/zod-openapi';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Queue } from '../core/index.js';
import type { HandlerRegistry } from '../worker-handlers/index.js';
import { nodeRedis } from './node-redis.js';
import {
  createServerRuntime,
  listenAddress,
  onStopSignals,
  startFailure,
} from './server-runtime.js';
import type { WakeMode } from './wake/index.js';

export interface NodeServerOptions {
  env?: Record<string, string | undefined>;
  port?: number;
  host?: string;
  registry?: HandlerRegistry;
  /** Run the cron tick on a timer (default true). */
  tick?: boolean;
  /** How often a tick starts, and how long it may run (default EDGEKUE_TICK_MS, a minute). */
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

export async function startNodeServer(options: NodeServerOptions = {}): Promise<NodeServer> {
  const env = options.env ?? process.env;
  const runtime = createServerRuntime({
    env,
    // node:http rather than Node's fetch: a third of the CPU per request (node-redis.ts)
    connection: (config) => ({
      redis: nodeRedis({
        url: config.UPSTASH_REDIS_REST_URL,
        token: config.UPSTASH_REDIS_REST_TOKEN,
        timeoutMs: config.EDGEKUE_REDIS_TIMEOUT_MS,
      }),
    }),
    registry: options.registry,
    remoteAddress: (c) => getConnInfo(c).remote.address,
    tick: options.tick,
    tickBudgetMs: options.tickBudgetMs,
    intervalMs: options.intervalMs,
  });

  const { port, hostname } = listenAddress(env, { port: options.port, hostname: options.host });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: runtime.fetch, port, hostname }, () => resolve(s as Server));
    s.once('error', reject);
  }).catch(async (error: unknown) => {
    await runtime.stop();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  runtime.startTicking();

  let closing: Promise<void> | undefined;
  return {
    url,
    queue: runtime.queue,
    wakeMode: runtime.wakeMode,
    close() {
      closing ??= (async () => {
        const stopped = runtime.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Event streams stay open: give them a moment, then cut them.
        const cut = setTimeout(() => server.closeAllConnections(), 1_000);
        await closed;
        clearTimeout(cut);
        await stopped;
      })();
      return closing;
    },
  };
}

async function main(): Promise<void> {
  const server = await startNodeServer();
  process.stdout.write(`ready ${server.url}\n`);
  const stop = onStopSignals(
    () => server.close(),
    (code) => process.exit(code),
  );
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(startFailure(error));
    process.exit(1);
  });
}
