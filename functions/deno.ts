/**
 * edgekue on Deno, for self-hosting: the same app as the Worker on Deno.serve, and the same cron
 * tick on a timer (server-runtime.ts). Reads the environment (see functions/config.ts; PORT and
 * HOST choose where to listen, PORT=0 any free port) and prints `ready <url>` once it serves.
 * Handlers come from ./handlers.ts (startDenoServer({ registry }): yours; the package's
 * `edgekue/deno`). From a checkout with node_modules installed:
 *
 *   node_modules/.bin/deno run --allow-net --allow-env --allow-read --unstable-sloppy-imports functions/deno.ts
 *
 * (`--unstable-sloppy-imports`: the sources import `./x.js` for `./x.ts`, as tsc wants.)
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

/** The part of Deno's API used here (the project is typechecked without Deno's types). */
interface ServeInfo {
  readonly remoteAddr: { readonly hostname: string };
}
interface DenoHttpServer {
  shutdown(): Promise<void>;
}
interface DenoApi {
  readonly env: { toObject(): Record<string, string> };
  serve(
    options: {
      port: number;
      hostname: string;
      onListen?: (addr: { hostname: string; port: number }) => void;
    },
    handler: (request: Request, info: ServeInfo) => Response | Promise<Response>,
  ): DenoHttpServer;
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  exit(code: number): never;
}
declare const Deno: DenoApi;

export type DenoServerOptions = RuntimeServerOptions;
export type DenoServer = RuntimeServer;

/**
 * Serves the app on Deno.serve and runs the cron tick on a timer. A bad configuration throws at
 * once (not in the promise), as the entry's start prints it.
 */
export function startDenoServer(options: DenoServerOptions = {}): Promise<DenoServer> {
  const env = options.env ?? Deno.env.toObject();
  const runtime = createServerRuntime({
    env,
    registry: options.registry,
    remoteAddress: (c) => (c.env as ServeInfo | undefined)?.remoteAddr?.hostname,
  });
  const address = listenAddress(env, options);
  return new Promise((resolve) => {
    const server = Deno.serve(
      {
        ...address,
        onListen: ({ hostname, port }) => {
          const host = hostname.includes(':') ? `[${hostname}]` : hostname;
          runtime.startTicking();
          resolve({
            url: `http://${host}:${port}`,
            queue: runtime.queue,
            close: async () => {
              const stopped = runtime.stop();
              // An open event stream would hold a graceful shutdown open: it is not waited for
              // past a moment.
              await Promise.race([server.shutdown(), new Promise((r) => setTimeout(r, 1_000))]);
              await stopped;
            },
          });
        },
      },
      (request, info) => runtime.fetch(request, info),
    );
  });
}

// Run as the program (deno run functions/deno.ts), not when imported (edgekue/deno).
if ((import.meta as { main?: boolean }).main) {
  runAsProgram(
    () => startDenoServer(),
    (signal, handler) => Deno.addSignalListener(signal, handler),
    (code) => Deno.exit(code),
  );
}
