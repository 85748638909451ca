/** `edgekue/deno`: edgekue as a Deno server on the handlers you register. */
import { startDenoServer as startServer } from '../deno.js';
import { withRegistry } from './registry-required.js';

export type { DenoServer, DenoServerOptions } from '../deno.js';

/**
 * Serves the JSON API and the dashboard on Deno.serve and runs the cron tick on a timer with the
 * handlers of `registry`; configured by `env` (default Deno.env), as functions/README.md lists.
 */
export const startDenoServer = withRegistry('startDenoServer', startServer);
