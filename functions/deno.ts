/**
 * edgekue on Deno, for self-hosting: the same app as the Worker on Deno.serve, and the same cron
 * tick on a timer (server-runtime.ts). Reads the environment (see functions/config.ts; PORT and
 * HOST choose where to listen, PORT=0 any free port) and prints `ready <url>` once it serves.
 * Handlers come from ./handlers.ts. From a checkout with node_modules installed:
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
  onStopSignals,
  startOrExit,
} from './server-runtime.js';

/** The part of Deno's API used here (the project is typechecked without Deno's types). */
interface ServeInfo {
  readonly remoteAddr: { readonly hostname: string };
}
interface DenoServer {
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
  ): DenoServer;
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  exit(code: number): never;
}
declare const Deno: DenoApi;

function main(): void {
  const env = Deno.env.toObject();
  const runtime = createServerRuntime({
    env,
    remoteAddress: (c) => (c.env as ServeInfo | undefined)?.remoteAddr?.hostname,
  });
  const server = Deno.serve(
    {
      ...listenAddress(env),
      onListen: ({ hostname, port }) => {
        const host = hostname.includes(':') ? `[${hostname}]` : hostname;
        console.log(`ready http://${host}:${port}`);
        runtime.startTicking();
      },
    },
    (request, info) => runtime.fetch(request, info),
  );
  const stop = onStopSignals(
    async () => {
      const stopped = runtime.stop();
      // An open event stream would hold a graceful shutdown open: it is not waited for past a moment.
      await Promise.race([server.shutdown(), new Promise((r) => setTimeout(r, 1_000))]);
      await stopped;
    },
    (code) => Deno.exit(code),
  );
  Deno.addSignalListener('SIGINT', stop);
  Deno.addSignalListener('SIGTERM', stop);
}

startOrExit(main, (code) => Deno.exit(code));
