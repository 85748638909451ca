import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import {
  createQueue,
  ID_SET_BUCKET,
  ID_SET_GROUP,
  idSetBucket,
  type JobFields,
  type Queue,
  type QueueOptions,
  readJobFields,
} from '../../core/index.js';
import { claimedJobFields } from '../../worker-handlers/script-calls.js';
import { testRedis } from '../support/stack.js';

/** A queue on the shared test bridge under a fresh prefix, spoken to with the unmodified client. */
export function newQueue(options: QueueOptions = {}): Queue {
  return createQueue(
    { url: inject('bridgeUrl'), token: inject('bridgeToken') },
    { prefix: `t-${randomBytes(5).toString('hex')}`, ...options },
  );
}

/** Raw Redis access for checks behind the queue's back (the same client, through the bridge). */
export const raw = testRedis();

/**
 * Every job id of a queue, ascending, from the job hashes themselves (the test prefixes hold no
 * glob characters). `client`: another stack's client, for a queue that is not on the shared one.
 */
export async function jobIdsOf(queue: Queue, client = raw): Promise<string[]> {
  const base = queue.keys.base;
  return (await client.keys(`${base}job:*`))
    .map((key) => key.slice(`${base}job:`.length))
    .filter((id) => !id.includes(':'))
    .sort((a, b) => Number(a) - Number(b));
}

/** ZRANGE's ranks from..to (negative from the end) over ids in ascending order. */
export function ranked(
  ids: readonly string[],
  from: number,
  to: number,
  order: 'asc' | 'desc',
): string[] {
  const list = order === 'asc' ? ids : [...ids].reverse();
  const n = list.length;
  const a = Math.max(0, from < 0 ? n + from : from);
  const b = Math.min(to < 0 ? n + to : to, n - 1);
  return a > b ? [] : list.slice(a, b + 1);
}

/** Every key under a queue's prefix, sorted. */
export async function keysOf(queue: Queue): Promise<string[]> {
  return (await raw.keys(`${queue.keys.base}*`)).sort();
}

interface ClaimOptions {
  token?: string;
  leaseMs?: number;
  concurrency?: number;
}

/** A claim's request as a worker sends it (alone, or riding on an ack). */
function claimRequest(types: string[], count: number, opts: ClaimOptions) {
  return {
    count,
    lease_ms: opts.leaseMs ?? 60_000,
    token: opts.token ?? 'token-1',
    worker: 'test-worker',
    types: types.map((type) => ({ type, concurrency: opts.concurrency ?? 0 })),
  };
}

/** Claims jobs like a worker would, with a fixed token. */
export async function claim(
  queue: Queue,
  types: string[],
  count = 1,
  opts: ClaimOptions = {},
): Promise<{ id: string; hash: JobFields }[]> {
  const request = claimRequest(types, count, opts);
  const r = await queue.scripts.run<{ jobs: string[][] | object; now: number }>('claim', request);
  const jobs = Array.isArray(r.jobs) ? r.jobs : [];
  return jobs.map((flat) => {
    // the fields a claim leaves out for the caller to fill in, as a worker does
    const hash = readJobFields(claimedJobFields(flat, request, r.now));
    return { id: hash.id!, hash };
  });
}

export interface Done {
  id: string;
  token?: string;
  ok: boolean;
  result?: unknown;
  error?: string;
  delay?: number;
}

/**
 * An ack that claims the next jobs in the same call, as a worker's does: the settlements, and
 * the ids it claimed under `next.token`.
 */
export async function ackAndClaim(
  queue: Queue,
  done: Done[],
  next: ClaimOptions & { types: string[]; count: number },
): Promise<{ settled: string[]; claimed: string[] }> {
  const request = claimRequest(next.types, next.count, next);
  const r = await queue.scripts.run<{
    settled: string[] | object;
    jobs: string[][] | object;
    now: number;
  }>('ack', { done: ackEntries(done), claim: request });
  const jobs = Array.isArray(r.jobs) ? r.jobs : [];
  return {
    settled: Array.isArray(r.settled) ? r.settled : [],
    claimed: jobs.map((flat) => readJobFields(claimedJobFields(flat, request, r.now)).id!),
  };
}

/** An ack's entries as a worker sends them. */
function ackEntries(done: Done[]) {
  return done.map((d) => ({
    id: d.id,
    token: d.token ?? 'token-1',
    ok: d.ok,
    result: d.result === undefined ? undefined : JSON.stringify(d.result),
    error: d.error,
    delay: d.delay ?? -1,
  }));
}

export async function ack(queue: Queue, done: Done[]): Promise<string[]> {
  const r = await queue.scripts.run<{ settled: string[] | object }>('ack', {
    done: ackEntries(done),
  });
  return Array.isArray(r.settled) ? r.settled : [];
}

/** The events of a queue's stream so far, as [event, id] pairs (args kept alongside). */
export async function eventsOf(queue: Queue) {
  const { events } = await queue.eventStream.read('0', 10_000);
  return events;
}

/** The ids a bucket's bitmap holds: bit k (first byte's high bit first) is id bucket * 128 + k. */
async function bitmapIds(key: string): Promise<string[]> {
  const bucket = Number(key.slice(key.lastIndexOf(':') + 1));
  const bits = await raw.eval<[], number[]>(
    "local s = redis.call('GET', KEYS[1]) or '' local on = {} for k = 0, #s * 8 - 1 do if redis.call('GETBIT', KEYS[1], k) == 1 then on[#on + 1] = k end end return on",
    [key],
    [],
  );
  return bits.map((k) => String(bucket * ID_SET_BUCKET + k));
}

/**
 * The ids of an id set (jobs:<state>, jobs:<type>:<state>), ascending, read from its buckets.
 * Throws when its counts disagree with its buckets, or a bucket holds an id of another bucket or
 * is missing from the counts.
 */
export async function idSetMembers(set: string): Promise<string[]> {
  const counts = (await raw.hgetall<Record<string, string | number>>(set)) ?? {};
  const bucketKeys = (await raw.keys(`${set}:*`)).filter((k) =>
    /^\d+$/.test(k.slice(set.length + 1)),
  );
  const ids: string[] = [];
  for (const key of bucketKeys) {
    const field = key.slice(set.length + 1);
    const members = await bitmapIds(key);
    if (members.length !== Number(counts[field] ?? 0)) {
      throw new Error(`${key} holds ${members.length} ids, its count says ${counts[field]}`);
    }
    for (const id of members) {
      if (idSetBucket(set, id) !== key) throw new Error(`${key} holds id ${id} of another bucket`);
    }
    ids.push(...members);
  }
  const fields = Object.keys(counts).filter((f) => /^\d+$/.test(f));
  if (fields.length !== bucketKeys.length)
    throw new Error(`${set} counts buckets that do not exist`);
  // each group of ID_SET_GROUP buckets is counted too (g<group>), and only while it holds ids
  const groups = new Map<string, number>();
  for (const f of fields) {
    const g = `g${Math.floor(Number(f) / ID_SET_GROUP)}`;
    groups.set(g, (groups.get(g) ?? 0) + Number(counts[f]));
  }
  const groupFields = Object.keys(counts).filter((f) => f.startsWith('g'));
  if (groupFields.length !== groups.size) throw new Error(`${set} counts groups that are empty`);
  for (const [g, n] of groups) {
    if (Number(counts[g] ?? 0) !== n)
      throw new Error(`${set} counts ${counts[g]} ids in group ${g}, its buckets hold ${n}`);
  }
  const other = Object.keys(counts).filter((f) => !/^(\d+|g\d+|n)$/.test(f));
  if (other.length > 0) throw new Error(`${set} has unknown fields ${other.join(', ')}`);
  if (ids.length !== Number(counts.n ?? 0)) {
    throw new Error(`${set} holds ${ids.length} ids, its total says ${counts.n}`);
  }
  return ids.sort((a, b) => Number(a) - Number(b));
}
