// What every edgekue measurement in Node shares: the queues, the handlers and the create loop of
// the two paths (bench/edgekue/runs.ts), the reset between passes.
import type { Queue } from '../../core/index.js';
import { scripts } from '../../core/scripts/index.generated.js';
import type { Progress } from '../progress.js';
import type { AdminRedis } from '../redis-admin.js';
import type { ChildParams } from '../settings.js';
import { type BridgeAccess, benchQueue, ScriptTally } from './client.js';
import { createJobs, type EdgekueMode, type Hooks, registryFor } from './runs.js';

export { drain, type EdgekueMode } from './runs.js';

/** The id set of complete jobs (core/keys.ts `state('complete')`). */
export const COMPLETE_KEY = '{q}:jobs:complete';

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
  /** One-job path: each producer with its own client, so no two saves share a call. */
  separateProducers?: boolean;
  /** The client on Node's fetch (as core's connect() builds it) instead of node:http. */
  fetchClient?: boolean;
  /** Batch path: producers calling createMany side by side (default: the concurrency). */
  producers?: number;
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
  // The clients' way to the bridge (through the latency proxy when --rtt adds one).
  const bridge: BridgeAccess = { url: s.clientBridgeUrl, token: s.bridgeToken };
  const tally = new ScriptTally();
  const queueOptions = { jobEvents: variant.jobEvents ?? true, fetch: variant.fetchClient };
  const producer = benchQueue(bridge, tally, queueOptions);
  const producers = variant.separateProducers
    ? Array.from({ length: C }, () => benchQueue(bridge, tally, queueOptions))
    : [producer];
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

  const createAll = (queues: Queue | Queue[], phase: string) =>
    createJobs(
      queues,
      mode,
      { n: N, batchSize: s.batchSize, concurrency: C, producers: variant.producers },
      (d) => progress.step(phase, d, N),
    );

  return {
    maxJobs,
    lanes,
    bridge,
    tally,
    producer,
    producers,
    hooks,
    registry,
    workerQueues,
    workerQueue: workerQueues[0]!,
    reset,
    createAll,
  };
}
