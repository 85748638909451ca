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
import {
  createServerRuntime,
  listenAddress,
  type RuntimeServer,
  type RuntimeServerOptions,
  runAsProgram,
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

export type BunServerOptions = RuntimeServerOptions;
export type BunServer = RuntimeServer;

/** Serves the app on Bun.serve and runs the cron tick on a timer. A bad configuration throws. */
export function startBunServer(options: BunServerOptions = {}): Promise<BunServer> {
  const env = options.env ?? process.env;
  const runtime = createServerRuntime({
    env,
    registry: options.registry,
    remoteAddress: (c) => (c.env as BunHttpServer | undefined)?.requestIP(c.req.raw)?.address,
  });
  const address = listenAddress(env, options);
  const server = Bun.serve({
    ...address,
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

// Run as the program (bun functions/bun.ts), not when imported (edgekue/bun).
if ((import.meta as { main?: boolean }).main) {
  runAsProgram(
    () => startBunServer(),
    (signal, handler) => process.on(signal, handler),
    (code) => process.exit(code),
  );
}
