/** `edgekue/node`: edgekue as a Node server, and the Node Redis client it talks through. */
import { startNodeServer as startServer } from '../node-server.js';
import { withRegistry } from './registry-required.js';

export { type NodeRedisOptions, nodeRedis, nodeRequester } from '../node-redis.js';
export type { NodeServer, NodeServerOptions } from '../node-server.js';

/**
 * Serves the JSON API and the dashboard, and runs the cron tick on a timer with the handlers of
 * `registry`; configured by `env` (default process.env), as functions/README.md lists.
 */
export const startNodeServer = withRegistry('startNodeServer', startServer);
