import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Job, Queue } from '../../core/index.js';
import { readConfig } from '../../functions/config.js';
import { directWake } from '../../functions/wake/index.js';
import { workRoute } from '../../functions/work-route.js';
import type { HandlerRegistry } from '../../worker-handlers/index.js';
import type { BridgeAccess } from './client.js';

export interface WakeServer {
  /** What the create path calls with the jobs it created: edgekue's direct wake-up. */
  wake(jobs: Job[]): void;
  /** Resolves once no woken run is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * edgekue's own wake-up path on Node: a tiny Hono server with the real `POST /work` route
 * (functions/work-route.ts: checks the worker secret, answers 202, runs runWake in waitUntil), and
 * the real direct wake-up (functions/wake/direct.ts: POST /work with the secret) on the create side.
 */
export async function startWakeServer(
  queue: Queue,
  registry: HandlerRegistry,
  bridge: BridgeAccess,
): Promise<WakeServer> {
  const secret = randomBytes(24).toString('hex');
  const config = readConfig({
    UPSTASH_REDIS_REST_URL: bridge.url,
    UPSTASH_REDIS_REST_TOKEN: bridge.token,
    EDGEKUE_WORKER_SECRET: secret,
  });
  const log = { error: (m: string, e?: unknown) => process.stderr.write(`${m}: ${String(e)}\n`) };
  const work = workRoute({ queue, registry, config, log });
  const running = new Set<Promise<unknown>>();
  const waitUntil = (promise: Promise<unknown>) => {
    const tracked = promise.catch(() => {}).finally(() => running.delete(tracked));
    running.add(tracked);
  };
  const app = new Hono();
  app.post('/work', (c) => work(c.req.raw, { waitUntil }));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const wake = directWake({
    url: `http://127.0.0.1:${port}/work`,
    secret,
    log: { warn: (m) => process.stderr.write(`${m}\n`) },
  });
  return {
    wake: (jobs) => wake(jobs, { waitUntil }),
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
