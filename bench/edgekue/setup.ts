// What every edgekue measurement shares: the queues, the handler registry and the create and
// drain loops of the two paths.
import type { NewJob, Queue } from '../../core/index.js';
import { scripts } from '../../core/scripts/index.generated.js';
import { HandlerRegistry, runWake, type TickResult } from '../../worker-handlers/index.js';
import type { Progress } from '../progress.js';
import type { AdminRedis } from '../redis-admin.js';
import type { ChildParams } from '../settings.js';
import { forEachConcurrent, JOB_TYPE, Limiter, type Payload, payload, work } from '../workload.js';
import { type BridgeAccess, benchQueue, ScriptTally } from './client.js';

export type EdgekueMode = 'batch' | 'single';

/** The id set of complete jobs (core/keys.ts `state('complete')`). */
export const COMPLETE_KEY = '{q}:jobs:complete';

/** What a phase's handler does when a job starts (swapped per phase). */
export interface Hooks {
  onStart: (data: Payload) => void;
}

/**
 * The handler registry every edgekue invocation uses. The batch path holds up to `batchSize`
 * leases per invocation but runs at most `concurrency` handler bodies at once, so every system
 * does the work with the same concurrency.
 */
function registryFor(mode: EdgekueMode, concurrency: number, hooks: Hooks): HandlerRegistry {
  const registry = new HandlerRegistry();
  if (mode === 'batch') {
    const limiter = new Limiter(concurrency);
    registry.process(JOB_TYPE, async (job) => {
      const data = job.data as Payload;
      await limiter.run(async () => {
        hooks.onStart(data);
        await work(data);
      });
    });
  } else {
    registry.process(JOB_TYPE, async (job) => {
      const data = job.data as Payload;
      hooks.onStart(data);
      await work(data);
    });
  }
  return registry;
}

/** Woken invocations until one finds the queue empty (each has the default 25 s budget). */
export async function drain(
  queue: Queue,
  registry: HandlerRegistry,
  maxJobs: number,
  lanes: number,
): Promise<number> {
  let completed = 0;
  for (;;) {
    const r: TickResult = await runWake(queue, registry, { maxJobs, lanes });
    if (r.failed > 0 || r.lost > 0 || r.shutdown > 0) {
      throw new Error(`edgekue run: ${r.failed} failed, ${r.lost} lost, ${r.shutdown} shut down`);
    }
    completed += r.completed;
    if (r.claimed === 0) return completed;
  }
}

export function perJob(value: number, n: number): number {
  return n > 0 ? value / n : 0;
}

/** A departure from a path's set-up, measured beside it to show what a change would buy. */
export interface Variant {
  /** Queue option jobEvents (default on). */
  jobEvents?: boolean;
  /** Worker invocations side by side, and jobs each leases per call. */
  invocations?: number;
  maxJobs?: number;
  /** Batch path: lanes per invocation (default: the settings'). */
  lanes?: number;
  /** Skip the MEMORY USAGE breakdown (a few seconds at N = 20,000). */
  noBreakdown?: boolean;
}

/** Queues, handlers and helpers one edgekue child uses. */
export function setUp(
  mode: EdgekueMode,
  s: ChildParams,
  admin: AdminRedis,
  progress: Progress,
  variant: Variant = {},
) {
  const N = s.n;
  const C = s.concurrency;
  const maxJobs = variant.maxJobs ?? (mode === 'batch' ? s.batchSize : C);
  const lanes = variant.lanes ?? (mode === 'batch' ? s.lanes : 1);
  const bridge: BridgeAccess = { url: s.bridgeUrl, token: s.bridgeToken };
  const tally = new ScriptTally();
  const queueOptions = { jobEvents: variant.jobEvents ?? true };
  const producer = benchQueue(bridge, tally, queueOptions);
  const hooks: Hooks = { onStart: () => {} };
  const registry = registryFor(mode, C, hooks);
  // One invocation. One-job path: it holds one lease per concurrency slot (C), and the acks of
  // jobs that finish together go out in one call that claims their slots' replacements, as a
  // BullMQ worker of concurrency C fetches the next job with each completion. Batch path: up to
  // batchSize leases per call, in `lanes` batches side by side (one's jobs run while the other's
  // ack travels), handler bodies limited to C at once.
  const invocations = variant.invocations ?? 1;
  const workerQueues = Array.from({ length: invocations }, () =>
    benchQueue(bridge, tally, queueOptions),
  );

  const reset = async () => {
    await admin.flushAll();
    // Scripts are cached by Redis as on Upstash after their first use: load them up front so
    // no NOSCRIPT fallback lands in the counts.
    for (const script of Object.values(scripts)) await admin.loadScript(script.source);
  };

  const createAll = async (queue: Queue, phase: string) => {
    if (mode === 'batch') {
      for (let from = 0; from < N; from += s.batchSize) {
        const items: NewJob[] = [];
        for (let i = from; i < Math.min(N, from + s.batchSize); i++) {
          items.push({ type: JOB_TYPE, data: payload(i) });
        }
        await queue.createMany(items);
        progress.step(phase, Math.min(N, from + s.batchSize), N);
      }
    } else {
      await forEachConcurrent(
        N,
        C,
        (i) => queue.create(JOB_TYPE, payload(i)).save(),
        (d) => progress.step(phase, d, N),
      );
    }
  };

  return {
    maxJobs,
    lanes,
    bridge,
    tally,
    producer,
    hooks,
    registry,
    workerQueues,
    workerQueue: workerQueues[0]!,
    reset,
    createAll,
  };
}
