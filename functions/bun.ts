/**
 * edgekue on Bun, for self-hosting: the same app as the Worker on Bun.serve, and the same cron
 * tick on a timer (server-runtime.ts). Reads the environment (see functions/config.ts; PORT and
 * HOST choose where to listen, PORT=0 any free port) and prints `ready <url>` once it serves.
 * Handlers come from ./handlers.ts (startBunServer({ registry }): yours; the package's
 * `edgekue/bun`). From a checkout with node_modules installed:
 *
 *   node_modules/.bin/bun functions/bun.ts
 */
// First, before core's schemas exist: @hono/zod-openapi adds `.openapi()` to zod's types, and zod
// copies methods onto each schema when it is created (the API's schemas extend core's).
import '@hono/zod-openapi';
import type { Queue } from '../core/index.js';
import type { HandlerRegistry } from '../worker-handlers/index.js';
import {
  createServerRuntime,
  listenAddress,
  onStopSignals,
  startOrExit,
} from './server-runtime.js';

/** The part of Bun's API used here (the project is typechecked without Bun's types). */
interface BunHttpServer {
  readonly hostname: string;
  readonly port: number;
  requestIP(request: Request): { address: string } | null;
  stop(closeActiveConnections?: boolean): Promise<void>;
}
interface BunApi {
  serve(options: {
    port: number;
    hostname: string;
    // Event streams stay open for minutes; Bun's default would cut them after 10 s.
    idleTimeout: number;
    fetch: (request: Request, server: BunHttpServer) => Response | Promise<Response>;
  }): BunHttpServer;
}
declare const Bun: BunApi;

export interface BunServerOptions {
  /** The variables functions/config.ts reads (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Where to listen (default: PORT and HOST, else 3000 on 127.0.0.1; 0 is any free port). */
  port?: number;
  hostname?: string;
  /** The handlers to run (default: the demo's, ./handlers.ts). */
  registry?: HandlerRegistry;
}

export interface BunServer {
  readonly url: string;
  readonly queue: Queue;
  /** Stops taking requests, shuts running jobs down gracefully, and resolves when all is done. */
  close(): Promise<void>;
}

/** Serves the app on Bun.serve and runs the cron tick on a timer. A bad configuration throws. */
export function startBunServer(options: BunServerOptions = {}): Promise<BunServer> {
  const env = options.env ?? process.env;
  const runtime = createServerRuntime({
    env,
    ...(options.registry ? { registry: options.registry } : {}),
    remoteAddress: (c) => (c.env as BunHttpServer | undefined)?.requestIP(c.req.raw)?.address,
  });
  const address = listenAddress(env);
  const server = Bun.serve({
    port: options.port ?? address.port,
    hostname: options.hostname ?? address.hostname,
    idleTimeout: 0,
    fetch: (request, srv) => runtime.fetch(request, srv),
  });
  const host = server.hostname.includes(':') ? `[${server.hostname}]` : server.hostname;
  runtime.startTicking();
  return Promise.resolve({
    url: `http://${host}:${server.port}`,
    queue: runtime.queue,
    close: async () => {
      const stopped = runtime.stop();
      // Requests in flight get a moment; then every connection is cut, event streams included.
      // (Bun 1.3's stop() then stop(true) leaves open streams open: only stop(true) alone cuts them.)
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 1_000))]);
      await server.stop(true);
      await stopped;
    },
  });
}

function main(): void {
  void startBunServer().then((server) => {
    console.log(`ready ${server.url}`);
    const stop = onStopSignals(
      () => server.close(),
      (code) => process.exit(code),
    );
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

// Run as the program (bun functions/bun.ts), not when imported (edgekue/bun).
if ((import.meta as { main?: boolean }).main) startOrExit(main, (code) => process.exit(code));
