/**
 * edgekue's own Cloudflare Worker, built and run by wrangler from wrangler.toml: the Worker of
 * ./cloudflare.ts on the handlers of ./handlers.ts (the demo's). A Worker of your own runs yours:
 * `export default createWorker(registry)`, from `edgekue/cloudflare` (functions/README.md).
 */
// First, before core's schemas exist: @hono/zod-openapi adds `.openapi()` to zod's types, and zod
// copies methods onto each schema when it is created (the API's schemas extend core's).
import '@hono/zod-openapi';
import { createWorker } from './cloudflare.js';
import { handlers } from './handlers.js';

export {
  createWorker,
  type EdgekueWorker,
  HandlerRegistry,
  type ScheduledController,
  type WorkerEnv,
} from './cloudflare.js';

export default createWorker(handlers);
