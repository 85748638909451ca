/** `edgekue/vercel`: a Vercel function of your own, `export default vercelFunction({ registry })`. */
import type { HandlerRegistry } from '../../worker-handlers/index.js';
import { vercelFunction as functionFor, type VercelFunctionOptions } from '../vercel.js';
import { registryRequired } from './registry-required.js';

export { EVENT_STREAM_MS } from '../vercel.js';

export type FunctionOptions = VercelFunctionOptions & { registry: HandlerRegistry };

/** The Web handler Vercel's Node.js runtime calls, running the handlers of `registry`. */
export function vercelFunction(options: FunctionOptions): ReturnType<typeof functionFor> {
  registryRequired('vercelFunction', options?.registry);
  return functionFor(options);
}
