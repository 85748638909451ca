/** `edgekue/cloudflare`: a Worker of your own, `export default createWorker(registry)`. */
import type { HandlerRegistry } from '../../worker-handlers/index.js';
import { type EdgekueWorker, createWorker as workerFor } from '../cloudflare.js';
import { registryRequired } from './registry-required.js';

export {
  type EdgekueWorker,
  HandlerRegistry,
  type ScheduledController,
  type WorkerEnv,
} from '../cloudflare.js';

/** The Worker's `fetch` and `scheduled` for the handlers of `registry`. */
export function createWorker(registry: HandlerRegistry): EdgekueWorker {
  registryRequired('createWorker(registry)', registry);
  return workerFor(registry);
}
