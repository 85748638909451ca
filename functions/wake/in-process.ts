import type { Job } from '../../core/index.js';
import type { RunningBatches } from '../../worker-handlers/index.js';
import type { WaitUntil, Wake } from '../api/index.js';
import { coalesce, type WakeLog } from './coalesce.js';

/**
 * Runs the worker in the process (or isolate) that created the jobs: no extra hop, nothing to
 * configure. On Workers it runs in the creating request's waitUntil; on Node, beside the server.
 */
export function inProcessWake(run: () => Promise<unknown>, log: WakeLog): Wake {
  const kick = localRuns(run, log);
  return (jobs, ctx) => {
    if (hasInactive(jobs)) kick(ctx);
  };
}

/** One run at a time in this process, a call meanwhile asking for one more after it. */
function localRuns(run: () => Promise<unknown>, log: WakeLog) {
  return coalesce(run, { cooldownMs: 0, log, what: 'in-process worker run' });
}

const hasInactive = (jobs: Job[]) => jobs.some((job) => job.state() === 'inactive');

const DAY_MS = 24 * 3_600_000;
/** Due times a server's wake-up keeps timers for. */
const MAX_DUES = 1_000;

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
  const kick = localRuns(run, log);
  // Local times jobs fall due, ascending (a few ms apart count as one), and the timer for the
  // first; bounded: past MAX_DUES the server's ticks find the rest.
  const dues: number[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armedAt = Number.POSITIVE_INFINITY;
  let lastCtx: WaitUntil | undefined;
  const now = (ctx: WaitUntil) => {
    if (!running.wake()) kick(ctx);
  };
  const arm = () => {
    const first = dues[0];
    if (first === undefined || first >= armedAt) return;
    clearTimeout(timer);
    armedAt = first;
    timer = setTimeout(fire, Math.max(0, first - Date.now()));
    // a pending due time does not keep a stopping server alive: its next start's tick finds it
    (timer as { unref?: () => void }).unref?.();
  };
  const fire = () => {
    armedAt = Number.POSITIVE_INFINITY;
    timer = undefined;
    while (dues.length > 0 && (dues[0] ?? 0) <= Date.now() + 5) dues.shift();
    if (lastCtx) now(lastCtx);
    arm();
  };
  return (jobs, ctx) => {
    lastCtx = ctx;
    if (hasInactive(jobs)) now(ctx);
    for (const job of jobs) {
      if (job.state() !== 'delayed') continue;
      const wait = Math.max(0, dueIn(job)) + 1;
      // (past a day the server's ticks find it; a timer past 2^31 ms would fire at once)
      if (!Number.isFinite(wait) || wait > DAY_MS) continue;
      const at = Date.now() + wait;
      const k = dues.findIndex((d) => d >= at - 5);
      if (k >= 0 && (dues[k] ?? 0) <= at + 5) continue;
      if (dues.length >= MAX_DUES && (k < 0 || k >= MAX_DUES)) continue;
      dues.splice(k < 0 ? dues.length : k, 0, at);
      if (dues.length > MAX_DUES) dues.pop();
    }
    arm();
  };
}
