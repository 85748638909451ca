import type { Wake } from '../api/index.js';
import { coalesce, type WakeLog } from './coalesce.js';

/**
 * Runs the worker in the process (or isolate) that created the jobs: no extra hop, nothing to
 * configure. On Workers it runs in the creating request's waitUntil; on Node, beside the server.
 */
export function inProcessWake(run: () => Promise<unknown>, log: WakeLog): Wake {
  const kick = coalesce(run, { cooldownMs: 0, log, what: 'in-process worker run' });
  return (jobs, ctx) => {
    if (jobs.some((job) => job.state() === 'inactive')) kick(ctx);
  };
}
