import { type Queue, sleep } from '../core/index.js';
import { graceFor, workerDefaults } from './defaults.js';
import { errorText } from './handler.js';
import { checkInvocationOptions } from './options.js';
import type { HandlerRegistry } from './registry.js';
import {
  type BatchHooks,
  type BatchOptions,
  type BatchResult,
  type CallBudget,
  runCheckedBatch,
} from './run-batch.js';

/** What a whole invocation (a tick or a wake-up) takes: a batch's options, and its lanes. */
export interface InvocationOptions extends BatchOptions {
  /**
   * Batches run side by side, each leasing up to `maxJobs` per call, so one batch's jobs run while
   * another's ack travels: an invocation holds up to `lanes × maxJobs` leases. Lanes past the first
   * start only when a first claim comes back full (a backlog), so a light or empty queue costs
   * what one lane does. Default 1.
   */
  lanes?: number;
}

export interface TickOptions extends InvocationOptions {
  /**
   * How long a tick waits to try again after a claim that failed (Redis unreachable). A tick that
   * found nothing to claim does not poll: it looks again when the next delayed job falls due or
   * the next lease held elsewhere ends, or ends.
   */
  intervalMs?: number;
  /**
   * A tick that found nothing to claim ends rather than wait longer than this for a job to fall
   * due or a lease to end: a server, whose tick may run a day, passes its tick period, so that
   * its next tick looks a period later (for jobs created elsewhere, a timed pause that ended)
   * instead of one tick sleeping hours until a far-off reminder. Default: the budget bounds it.
   */
  maxIdleMs?: number;
  /**
   * End at the first claim that fails (Redis unreachable) instead of trying again every interval
   * for the rest of the budget: a server with long ticks reports it and tries at its next tick.
   */
  endOnError?: boolean;
}

export interface WakeOptions extends InvocationOptions {
  /** Wait this long at most for a delayed job about to fall due (a QStash delivery can be early). */
  dueHorizonMs?: number;
}

export interface TickResult {
  claimed: number;
  completed: number;
  failed: number;
  shutdown: number;
  lost: number;
  promoted: number;
  /** Batches run; on an idle queue, the number of script calls made. */
  batches: number;
  /** Claims that failed (Redis unreachable), and the last reason. */
  errors: number;
  lastError?: string;
  /**
   * The invocation ended (its budget, its calls or a stop) while there was work it could have
   * gone on with: its last claim took jobs, or runs it cut were given back. A platform with
   * remote wake-ups (QStash, direct) starts another invocation for them rather than leave them
   * to the next cron tick.
   */
  moreWaiting: boolean;
  ms: number;
}

function add(total: TickResult, r: BatchResult): void {
  total.claimed += r.claimed;
  total.completed += r.completed;
  total.failed += r.failed;
  total.shutdown += r.shutdown;
  total.lost += r.lost;
  total.promoted += r.promoted;
  total.batches++;
}

/** Promotes until nothing due is left (a claim promotes a bounded number only). */
async function promoteAll(
  queue: Queue,
  limit: number,
  total: TickResult,
  calls: CallBudget,
): Promise<void> {
  while (calls.remaining > 1) {
    calls.remaining--;
    const r = await queue.promote(limit);
    total.promoted += r.promoted;
    if (r.promoted < limit) return;
  }
}

/**
 * When to look again after a batch that found nothing: when the next delayed job falls due, or
 * when the earliest lease held elsewhere ends (to recover it, should its worker have vanished),
 * in Redis time translated to the local clock; never on an empty queue. Not at an interval:
 * looking again does not make claimable what this worker could not claim (a type it has no
 * handler for, a paused type, a full concurrency), new jobs wake a worker themselves, and the
 * next tick finds what came without one. A far-off reminder costs a tick one call.
 */
function nextLook(r: BatchResult): number | undefined {
  if (r.waiting === 0 && r.claimed === 0) return undefined;
  const ends = [r.nextDue, r.nextLease].filter((ms) => ms >= 0);
  if (ends.length === 0 || r.now <= 0) return undefined;
  return Date.now() + Math.max(0, Math.min(...ends) - r.now) + 1;
}

async function loop(
  queue: Queue,
  registry: HandlerRegistry,
  options: InvocationOptions,
  idle: (r: BatchResult, polledAt: number) => number | undefined,
  retryAt: (polledAt: number) => number | undefined,
): Promise<TickResult> {
  checkInvocationOptions(options);
  const start = Date.now();
  const budgetMs = options.budgetMs ?? workerDefaults.budgetMs;
  const graceMs = graceFor(budgetMs, options.graceMs);
  const deadline = start + budgetMs;
  const maxJobs = Math.max(1, options.maxJobs ?? workerDefaults.maxJobs);
  const lanes = Math.max(1, Math.floor(options.lanes ?? 1));
  const promoteLimit = Math.max(maxJobs, 100);
  const calls: CallBudget = options.calls ?? { remaining: Number.POSITIVE_INFINITY };
  const total: TickResult = {
    claimed: 0,
    completed: 0,
    failed: 0,
    shutdown: 0,
    lost: 0,
    promoted: 0,
    batches: 0,
    errors: 0,
    moreWaiting: false,
    ms: 0,
  };
  // What the last claim that went out took, and whether the loop ended for want of work (or of
  // Redis) rather than of budget or calls.
  let lastClaimed = 0;
  let endedIdle = false;
  // Claiming stops at deadline - grace: a batch started later would only shut down at once.
  const open = () =>
    Date.now() < deadline - graceMs && !options.signal?.aborted && calls.remaining > 1;
  const { lanes: _lanes, ...batchOptions } = options;
  const batch = (hooks: BatchHooks) =>
    runCheckedBatch(
      queue,
      registry,
      { ...batchOptions, budgetMs: deadline - Date.now(), graceMs, calls },
      { ...hooks, heldElsewhere: (lanes - 1) * maxJobs },
    );

  // Lanes past the first run while claims come back non-empty; the first lane alone promotes,
  // looks again when idle and waits for due jobs, so the extra lanes add no idle calls.
  const extraLanes: Promise<void>[] = [];
  let extraRunning = 0;
  const extraLane = async () => {
    extraRunning++;
    try {
      while (open()) {
        const r = await batch({});
        add(total, r);
        if (r.claimed === 0 || r.now === 0) return;
      }
    } catch (error) {
      total.errors++;
      total.lastError = errorText(error);
    } finally {
      extraRunning--;
    }
  };
  const hooks: BatchHooks = {
    onFirstClaim: (claimed) => {
      if (claimed < maxJobs) return;
      // Counted before starting any: a lane started once the invocation has closed ends before
      // its first await, so extraRunning would never reach lanes - 1 (a loop without end).
      const missing = lanes - 1 - extraRunning;
      for (let k = 0; k < missing && open(); k++) extraLanes.push(extraLane());
    },
  };

  while (open()) {
    const polledAt = Date.now();
    let r: BatchResult;
    try {
      r = await batch(hooks);
    } catch (error) {
      // Redis unreachable for the claim: nothing was taken; look again at the next interval.
      total.errors++;
      total.lastError = errorText(error);
      const at = retryAt(polledAt);
      if (at === undefined || at >= deadline - graceMs) {
        endedIdle = true;
        break;
      }
      await sleep(at - Date.now(), options.signal);
      continue;
    }
    add(total, r);
    // No claim went out (out of calls, or shutting down): nothing more to do in this invocation.
    if (r.now === 0) break;
    lastClaimed = r.claimed;
    if (r.promoted >= promoteLimit) {
      await promoteAll(queue, promoteLimit, total, calls).catch((error: unknown) => {
        total.errors++;
        total.lastError = errorText(error);
      });
    }
    // The queue had work: look again at once; the claim that finds it empty says what is due.
    if (r.claimed > 0) continue;
    const at = idle(r, polledAt);
    if (at === undefined || at >= deadline - graceMs) {
      endedIdle = true;
      break;
    }
    await sleep(at - Date.now(), options.signal);
  }
  await Promise.all(extraLanes);
  total.moreWaiting = !endedIdle && (lastClaimed > 0 || total.shutdown > 0);
  total.ms = Date.now() - start;
  return total;
}

/**
 * The cron tick: promotes due delayed jobs and recovers expired leases (both inside the claim),
 * runs what it finds, and for the rest of its budget looks again every interval, or when the next
 * delayed job falls due. On an empty queue that is one script call per tick.
 */
export function runTick(
  queue: Queue,
  registry: HandlerRegistry,
  options: TickOptions = {},
): Promise<TickResult> {
  const intervalMs = options.intervalMs ?? workerDefaults.tickIntervalMs;
  return loop(
    queue,
    registry,
    options,
    (r, polledAt) => {
      const at = nextLook(r);
      const max = options.maxIdleMs;
      return at !== undefined && max !== undefined && at - polledAt > max ? undefined : at;
    },
    (polledAt) => (options.endOnError ? undefined : polledAt + intervalMs),
  );
}

/**
 * A woken invocation: runs what is there and stops when the queue is empty, waiting only for a
 * delayed job due within `dueHorizonMs` (the wake-up for it may arrive a little early).
 */
export function runWake(
  queue: Queue,
  registry: HandlerRegistry,
  options: WakeOptions = {},
): Promise<TickResult> {
  const horizon = options.dueHorizonMs ?? workerDefaults.dueHorizonMs;
  return loop(
    queue,
    registry,
    options,
    (r) => {
      if (r.nextDue < 0 || r.now <= 0) return undefined;
      const wait = r.nextDue - r.now;
      return wait <= horizon ? Date.now() + wait + 1 : undefined;
    },
    () => undefined,
  );
}
