import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

export interface WakeServer {
  /** The POST /work URL. */
  readonly url: string;
  /** Resolves once no woken run is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A worker's POST /work endpoint: answers 202 at once and runs `run` (a worker-handlers runWake)
 * after the response, as a Worker's waitUntil would. A wake-up arriving while a run is in flight
 * asks for one more run after it, so no job created meanwhile is left waiting.
 */
export async function startWakeServer(run: () => Promise<unknown>): Promise<WakeServer> {
  let running: Promise<void> | undefined;
  let again = false;
  const loop = async () => {
    try {
      do {
        again = false;
        await run().catch((error: unknown) => {
          process.stderr.write(`woken run failed: ${String(error)}\n`);
        });
      } while (again);
    } finally {
      running = undefined;
    }
  };
  const app = new Hono();
  app.post('/work', (c) => {
    if (running) again = true;
    else running = loop();
    return c.body(null, 202);
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/work`,
    async idle() {
      while (running) await running;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
