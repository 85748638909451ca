import { type Job, LeaseLost, type Queue } from '../core/index.js';
import { workerDefaults } from './defaults.js';
import { leaseToken, workerName } from './lease-token.js';
import { ack, claim, type Settlement } from './script-calls.js';

/** A job held under a lease: only the holder of `token` can settle it. */
export interface LeasedJob {
  job: Job;
  token: string;
}

export interface ClaimOptions {
  types: ReadonlyArray<string | { type: string; concurrency?: number }>;
  count?: number;
  leaseMs?: number;
  workerId?: string;
}

/**
 * Claims jobs by hand, for code that runs jobs itself rather than through runBatch (and for
 * tests of the lease rules). One script call; it also promotes and recovers.
 */
export async function claimJobs(queue: Queue, options: ClaimOptions): Promise<LeasedJob[]> {
  const token = leaseToken();
  const r = await claim(queue, {
    count: options.count ?? 1,
    lease_ms: options.leaseMs ?? workerDefaults.leaseMs,
    token,
    worker: options.workerId ?? workerName(),
    types: options.types.map((t) =>
      typeof t === 'string'
        ? { type: t, concurrency: 0 }
        : { type: t.type, concurrency: t.concurrency ?? 0 },
    ),
  });
  return r.jobs.map((job) => ({ job, token: job.lease?.token ?? token }));
}

export type Outcome = { ok: true; result?: unknown } | { ok: false; error: string; delay?: number };

/**
 * Settles a leased job: complete, or a failed attempt. Throws LeaseLost when the lease is no
 * longer the caller's (it expired and the job was recovered, perhaps claimed by someone else).
 */
export async function settleJob(
  queue: Queue,
  leased: LeasedJob,
  outcome: Outcome,
): Promise<Exclude<Settlement, 'lost' | 'interrupted'>> {
  const id = leased.job.id!;
  const entry = outcome.ok
    ? {
        id,
        token: leased.token,
        ok: true,
        ...(outcome.result !== undefined ? { result: JSON.stringify(outcome.result) } : {}),
      }
    : { id, token: leased.token, ok: false, error: outcome.error, delay: outcome.delay ?? -1 };
  const r = await ack(queue, [entry], undefined);
  const settled = r.settled[0] ?? 'lost';
  if (settled === 'lost') throw new LeaseLost(id);
  // 'interrupted' answers only an entry sent as interrupted, which this one is not
  return settled as Exclude<Settlement, 'lost' | 'interrupted'>;
}

/** Extends leases by hand; throws LeaseLost for the first lease that is gone. */
export async function extendLeases(
  queue: Queue,
  leased: LeasedJob[],
  leaseMs: number,
): Promise<void> {
  const { status } = await queue.touch(
    leased.map((l) => ({ id: l.job.id!, token: l.token })),
    leaseMs,
  );
  const lost = status.findIndex((s) => s === 'lost' || s === 'missing');
  if (lost >= 0) throw new LeaseLost(leased[lost]!.job.id!);
}
