import type { Job } from '../../core/index.js';
import type { RunningBatches } from '../../worker-handlers/index.js';
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

const DAY_MS = 24 * 3_600_000;

/** How long until a delayed job falls due, by the Redis times it carries (local clock if none). */
function dueIn(job: Job): number {
  const at = Number(job.promote_at);
  const created = Number(job.created_at);
  return Number.isFinite(created) && created > 0 ? at - created : at - Date.now();
}

/**
 * A long-lived server's in-process wake-up: a created job goes to a batch already running here
 * that has a free slot (it would otherwise wait for that batch, and its longest job, to end),
 * else starts a run; a delayed job or a retry starts one when it falls due, from a timer, instead
 * of at the next tick. Not for Workers: a request cannot keep a timer, nor do I/O for a batch
 * another request runs.
 */
export function serverInProcessWake(
  run: () => Promise<unknown>,
  running: RunningBatches,
  log: WakeLog,
): Wake {
  const kick = coalesce(run, { cooldownMs: 0, log, what: 'in-process worker run' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = Number.POSITIVE_INFINITY;
  return (jobs, ctx) => {
    const now = () => {
      if (!running.wake()) kick(ctx);
    };
    if (jobs.some((job) => job.state() === 'inactive')) now();
    for (const job of jobs) {
      if (job.state() !== 'delayed') continue;
      const wait = Math.max(0, dueIn(job)) + 1;
      // (past a day the server's ticks find it; a timer past 2^31 ms would fire at once)
      if (!Number.isFinite(wait) || wait > DAY_MS || Date.now() + wait >= timerAt) continue;
      clearTimeout(timer);
      timerAt = Date.now() + wait;
      timer = setTimeout(() => {
        timerAt = Number.POSITIVE_INFINITY;
        now();
      }, wait);
      // a pending due time does not keep a stopping server alive: its next start's tick finds it
      (timer as { unref?: () => void }).unref?.();
    }
  };
}
