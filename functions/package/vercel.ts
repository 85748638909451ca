/** `edgekue/vercel`: a Vercel function of your own, `export default vercelFunction({ registry })`. */
import { vercelFunction as functionFor } from '../vercel.js';
import { withRegistry } from './registry-required.js';

export { EVENT_STREAM_MS, type VercelFunctionOptions } from '../vercel.js';

/** The Web handler Vercel's Node.js runtime calls, running the handlers of `registry`. */
export const vercelFunction = withRegistry('vercelFunction', functionFor);
