import { JOB_FIELDS, Job, list, type Queue } from '../core/index.js';

/** The claim half of claim.lua and ack.lua: which jobs, for how long, to whom. */
export interface ClaimRequest {
  count: number;
  lease_ms: number;
  token: string;
  worker: string;
  types: { type: string; concurrency: number }[];
  /** Claim no more once the answer holds this many bytes of job values (the first always comes). */
  max_bytes?: number;
}

export interface Claimed {
  jobs: Job[];
  /** Redis time of the call (ms). */
  now: number;
  /** Delayed jobs the call promoted, and when the next one falls due (-1: none waits). */
  promoted: number;
  nextDue: number;
  /** Jobs inactive, delayed or active after the call: 0 is an empty queue. */
  waiting: number;
  /** A claim that leased nothing: when the earliest lease held elsewhere ends (-1: none). */
  nextLease: number;
}

/** One settled job, as ack.lua takes it. */
export interface AckEntry {
  id: string;
  token: string;
  ok: boolean;
  /** JSON text */
  result?: string;
  error?: string;
  /** A custom backoff's delay in ms, -1 for none. */
  delay?: number;
  /** Cut short by the end of its invocation: given back without counting an attempt (ack.lua). */
  interrupted?: boolean;
  /** Given back to delayed for this many ms (its cut handler may still be running), not inactive. */
  hold?: number;
  /** Claimed after shutdown began and never run: given back without counting an interruption. */
  unstarted?: boolean;
}

/** What ack.lua did with a job: 'interrupted' is a run given back without counting an attempt. */
export type Settlement = 'complete' | 'retry' | 'failed' | 'lost' | 'interrupted';

type FlatJob = string[];

/**
 * A claimed job's fields as the claim left them out (lib/claim.lua): the caller's token and
 * worker name, state active, updated_at = started_at, and lease_until = now + lease_ms unless a
 * ttl shortened it (then it is there). A replayed answer has them all: nothing is added.
 */
export function claimedJobFields(flat: readonly string[], request: ClaimRequest, now: number) {
  const out = [...flat];
  const has = new Set<string>();
  let startedAt: string | undefined;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    has.add(flat[i]!);
    if (flat[i] === JOB_FIELDS.started_at) startedAt = flat[i + 1];
  }
  const add = (field: string, value: string | undefined) => {
    if (value !== undefined && !has.has(field)) out.push(field, value);
  };
  add(JOB_FIELDS.state, 'active');
  add(JOB_FIELDS.lease, request.token);
  add(JOB_FIELDS.workerId, request.worker);
  add(JOB_FIELDS.updated_at, startedAt);
  add(JOB_FIELDS.lease_until, String(now + request.lease_ms));
  return out;
}

function toJobs(
  queue: Queue,
  rows: FlatJob[] | object | undefined,
  request: ClaimRequest | undefined,
  now: number,
): Job[] {
  return list(rows as FlatJob[]).map((flat) => {
    const fields = request ? claimedJobFields(list(flat), request, now) : list(flat);
    return Job.fromHash(queue, fields);
  });
}

/**
 * ack.lua's input for finished jobs: the lease tokens once (a batch's jobs share one), and a job
 * completed without a result as [id, token index], a tenth of the bytes of { id, token, ok }.
 */
function ackInput(done: AckEntry[], maxLogLines: number) {
  const tokens: string[] = [];
  const index = new Map<string, number>();
  const entries = done.map((d) => {
    let k = index.get(d.token);
    if (k === undefined) {
      k = tokens.push(d.token) - 1;
      index.set(d.token, k);
    }
    if (d.ok && d.result === undefined) return [d.id, k];
    const { token: _token, ...rest } = d;
    return { ...rest, k };
  });
  // the log's cap, for the line ack.lua writes to a job given back
  return done.some((d) => d.interrupted)
    ? { tokens, done: entries, max_log: maxLogLines }
    : { tokens, done: entries };
}

/**
 * Promotes due jobs, recovers expired leases and claims, in one script call. The same `callId`
 * again (a retry of a call whose answer was lost) gets the jobs of the first answer back.
 */
export async function claim(
  queue: Queue,
  request: ClaimRequest,
  callId?: string,
): Promise<Claimed> {
  const r = await queue.scripts.run<{
    jobs: FlatJob[] | object;
    now: number;
    promoted?: number;
    next_due?: number;
    waiting?: number;
    next_lease?: number;
  }>('claim', { ...request, request: callId });
  return {
    jobs: toJobs(queue, r.jobs, request, r.now),
    now: r.now,
    promoted: r.promoted ?? 0,
    nextDue: r.next_due ?? -1,
    waiting: r.waiting ?? 1,
    nextLease: r.next_lease ?? -1,
  };
}

/**
 * Settles finished jobs and, when asked, claims their replacements, in one script call. The same
 * `callId` again (a retry of a call whose answer was lost) gets the first answer back.
 */
export async function ack(
  queue: Queue,
  done: AckEntry[],
  request: ClaimRequest | undefined,
  callId?: string,
): Promise<{ settled: Settlement[]; jobs: Job[]; now: number; retries: Job[] }> {
  const r = await queue.scripts.run<{
    settled: Settlement[] | object;
    jobs: FlatJob[] | object;
    now: number;
    retries?: [number, string, number][] | object;
  }>('ack', {
    request: callId,
    ...ackInput(done, queue.options.maxLogLines),
    ...(request ? { claim: request } : {}),
  });
  // A retry put off by its backoff, or a cut run given back to delayed, as a delayed job due at
  // promote_at (what a wake-up reads).
  const retries = list(r.retries as [number, string, number][]).map(([id, type, at]) =>
    Job.fromHash(queue, [
      'id',
      String(id),
      JOB_FIELDS.type,
      type,
      JOB_FIELDS.state,
      'delayed',
      JOB_FIELDS.promote_at,
      String(at),
    ]),
  );
  return {
    settled: list(r.settled as Settlement[]),
    jobs: toJobs(queue, r.jobs, request, r.now),
    now: r.now,
    retries,
  };
}
