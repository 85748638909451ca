// Vercel's entry: copied to the project's root as api/index.ts (Vercel serves functions from api/).
import { vercelFunction } from '../functions/vercel.js';

export default vercelFunction();
