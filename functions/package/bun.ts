/** `edgekue/bun`: edgekue as a Bun server on the handlers you register. */
import { startBunServer as startServer } from '../bun.js';
import { withRegistry } from './registry-required.js';

export type { BunServer, BunServerOptions } from '../bun.js';

/**
 * Serves the JSON API and the dashboard on Bun.serve and runs the cron tick on a timer with the
 * handlers of `registry`; configured by `env` (default process.env), as functions/README.md lists.
 */
export const startBunServer = withRegistry('startBunServer', startServer);
