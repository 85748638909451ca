/** `edgekue/node`: edgekue as a Node server, and the Node Redis client it talks through. */
import type { HandlerRegistry } from '../../worker-handlers/index.js';
import {
  type NodeServer,
  type NodeServerOptions,
  startNodeServer as startServer,
} from '../node-server.js';
import { registryRequired } from './registry-required.js';

export { type NodeRedisOptions, nodeRedis, nodeRequester } from '../node-redis.js';
export type { NodeServer } from '../node-server.js';

export type ServerOptions = NodeServerOptions & { registry: HandlerRegistry };

/**
 * Serves the JSON API and the dashboard, and runs the cron tick on a timer with the handlers of
 * `registry`; configured by `env` (default process.env), as functions/README.md lists.
 */
export function startNodeServer(options: ServerOptions): Promise<NodeServer> {
  registryRequired('startNodeServer', options?.registry);
  return startServer(options);
}
