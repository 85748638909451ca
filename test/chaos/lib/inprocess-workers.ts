// Worker loops inside the scenario's own process (when the scenario needs to see every job a
// handler runs, or the fault is in the network rather than the worker): back-to-back cron ticks
// (runTick) with their own Redis client each, until stopped. An invocation that fails (Redis or
// the network down) is retried after a short pause, as the next cron tick would.
import type { Job } from '../../../core/index.js';
import { type Handler, HandlerRegistry, runTick } from '../../../worker-handlers/index.js';
import { chaosQueue } from './queue.js';
import { loopUntil } from './util.js';
import type { WorkerTotals } from './worker-pool.js';

export interface InProcessWorkersOptions {
  count: number;
  url: string;
  token: string;
  prefix: string;
  eventsMax: number;
  types: string[];
  leaseMs: number;
  maxJobs: number;
  /** Batches each invocation runs side by side under a backlog (default 1). */
  lanes?: number;
  intervalMs?: number;
  budgetMs?: number;
  handler: (job: Job) => Promise<unknown>;
}

export function startInProcessWorkers(o: InProcessWorkersOptions): {
  totals: WorkerTotals;
  stop(): Promise<WorkerTotals>;
} {
  const stop = new AbortController();
  const totals: WorkerTotals = {
    claimed: 0,
    completed: 0,
    failed: 0,
    lost: 0,
    shutdown: 0,
    errors: 0,
  };
  const handler: Handler = async (job) => o.handler(job);
  const loops = Array.from({ length: o.count }, (_, i) => {
    const queue = chaosQueue({
      url: o.url,
      token: o.token,
      prefix: o.prefix,
      eventsMax: o.eventsMax,
    });
    const registry = new HandlerRegistry();
    for (const type of o.types) registry.process(type, handler);
    return loopUntil(
      stop.signal,
      1_000_000,
      async () => {
        const r = await runTick(queue, registry, {
          budgetMs: o.budgetMs ?? 5_000,
          leaseMs: o.leaseMs,
          maxJobs: o.maxJobs,
          lanes: o.lanes ?? 1,
          intervalMs: o.intervalMs ?? 100,
          workerId: `inproc-${i}`,
          signal: stop.signal,
        });
        totals.claimed += r.claimed;
        totals.completed += r.completed;
        totals.failed += r.failed;
        totals.lost += r.lost;
        totals.shutdown += r.shutdown;
        // a tick may report the invocations that failed on Redis instead of throwing
        totals.errors += (r as { errors?: number }).errors ?? 0;
      },
      () => {
        totals.errors++;
      },
    );
  });
  return {
    totals,
    async stop() {
      stop.abort();
      await Promise.all(loops);
      return totals;
    },
  };
}
