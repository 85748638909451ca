// keepComplete / keepFailed: a queue that keeps at most N finished jobs removes the oldest beyond
// it as jobs finish, in the same call that settles them, with every index and count following
// (a full Redis is the other way to find out that finished jobs pile up).
import { describe, expect, it } from 'vitest';
import { Queue, type QueueOptions } from '../../core/index.js';
import { HandlerRegistry, runWake } from '../../worker-handlers/index.js';
import { claim } from '../../worker-handlers/script-calls.js';
import { jobIdsOf } from '../core/helpers.js';
import { testRedis } from '../support/stack.js';
import { dropAfterAll, sleep, workerPrefix } from './helpers.js';

const kept = dropAfterAll();

function queue(
  options: Pick<QueueOptions, 'keepComplete' | 'keepFailed' | 'keepCompleteMs' | 'keepFailedMs'>,
): Queue {
  return kept(
    new Queue(testRedis({ enableAutoPipelining: true }), {
      prefix: workerPrefix('keep'),
      ...options,
    }),
  );
}

/** Jobs 0..n-1 of type `t`; those whose n is in `failing` fail (one attempt). */
async function finish(q: Queue, n: number, failing: Set<number>, maxJobs = 4): Promise<string[]> {
  const jobs = await q.createMany(
    Array.from({ length: n }, (_, i) => ({ type: 't', data: { i } })),
  );
  const registry = new HandlerRegistry().process('t', async (job) => {
    const { i } = job.data as { i: number };
    if (failing.has(i)) throw new Error(`job ${i} fails`);
    return i;
  });
  for (;;) {
    const r = await runWake(q, registry, { maxJobs, leaseMs: 5_000, budgetMs: 10_000 });
    if (r.claimed === 0) break;
  }
  return jobs.map((j) => j.id!);
}

const idsOf = async (q: Queue, state: 'complete' | 'failed') =>
  (await q.range({ state, from: 0, to: -1 })).map((j) => j.id!);

describe('keepComplete and keepFailed', () => {
  it('keep the newest N complete and failed jobs; the others are gone with their indexes', async () => {
    const q = queue({ keepComplete: 3, keepFailed: 2 });
    const failing = new Set([1, 4, 7, 10]);
    const ids = await finish(q, 12, failing);
    const complete = ids.filter((_, i) => !failing.has(i));
    const failed = ids.filter((_, i) => failing.has(i));
    expect(await idsOf(q, 'complete')).toEqual(complete.slice(-3));
    expect(await idsOf(q, 'failed')).toEqual(failed.slice(-2));
    const counts = await q.counts(['t']);
    expect(counts.states).toMatchObject({ complete: 3, failed: 2, active: 0, inactive: 0 });
    expect(counts.types.t).toMatchObject({ complete: 3, failed: 2 });
    const kept = [...complete.slice(-3), ...failed.slice(-2)].sort((a, b) => Number(a) - Number(b));
    expect((await q.range({ from: 0, to: -1 })).map((j) => j.id)).toEqual(kept);
    expect(await jobIdsOf(q)).toEqual(kept); // the hashes went too
    await expect(q.getJob(complete[0]!)).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    const { events } = await q.eventStream.read('0', 1_000);
    expect(events.filter((e) => e.event === 'remove')).toHaveLength(12 - 5);
  });

  it('keep everything when unset, and 0 keeps none', async () => {
    const all = queue({});
    await finish(all, 6, new Set([2]));
    expect(await all.counts()).toMatchObject({ states: { complete: 5, failed: 1 } });
    const none = queue({ keepComplete: 0 });
    await finish(none, 6, new Set([2]));
    expect(await none.counts()).toMatchObject({ states: { complete: 0, failed: 1 } });
  });

  it('trims as leases are recovered (cron or claim) and as jobs are moved by hand', async () => {
    const q = queue({ keepComplete: 2, keepFailed: 1 });
    const make = async (n: number) =>
      (await q.createMany(Array.from({ length: n }, (_, i) => ({ type: 'r', data: { i } })))).map(
        (j) => j.id!,
      );
    const lease = (token: string) =>
      claim(q, {
        count: 10,
        lease_ms: 1,
        token,
        worker: 'gone',
        types: [{ type: 'r', concurrency: 0 }],
      });

    // three leases run out: the recovery fails them (one attempt each) and keeps the newest
    const first = await make(3);
    await lease('a');
    await sleep(20);
    expect((await q.recover()).recovered).toBe(3);
    expect(await idsOf(q, 'failed')).toEqual(first.slice(-1));

    // the same through a claim, which recovers expired leases before it claims
    const second = await make(2);
    await lease('b');
    await sleep(20);
    await lease('c');
    expect(await idsOf(q, 'failed')).toEqual(second.slice(-1));

    // jobs moved to complete by hand
    const third = await make(3);
    await q.setState(third, 'complete');
    expect(await idsOf(q, 'complete')).toEqual(third.slice(-2));
    expect(await jobIdsOf(q)).toEqual([second[1], ...third.slice(-2)]);
    expect(await q.counts(['r'])).toMatchObject({
      states: { complete: 2, failed: 1, active: 0, inactive: 0 },
      types: { r: { complete: 2, failed: 1 } },
    });
  });

  it('drains a backlog over a few calls once the option is set', async () => {
    const prefix = workerPrefix('keeplater');
    const before = kept(new Queue(testRedis({ enableAutoPipelining: true }), { prefix }));
    await finish(before, 300, new Set(), 100);
    const after = new Queue(testRedis({ enableAutoPipelining: true }), {
      prefix,
      keepComplete: 10,
    });
    await finish(after, 2, new Set());
    // each call removes at most 200: one ack leaves 300 + 2 - 200 = 102 (or fewer with two acks)
    const left = (await after.counts()).states.complete;
    expect(left).toBeLessThan(302);
    await finish(after, 1, new Set());
    expect((await after.counts()).states.complete).toBe(10);
  });

  it('keepCompleteMs and keepFailedMs remove jobs finished longer ago, as jobs finish and on a claim', async () => {
    const age = 2_000;
    const q = queue({ keepCompleteMs: age, keepFailedMs: age });
    const first = await finish(q, 5, new Set([2]));
    // young: all kept
    expect(await q.counts()).toMatchObject({ states: { complete: 4, failed: 1 } });
    await sleep(age + 300);
    // the next jobs to finish take the aged ones with them
    const second = await finish(q, 3, new Set());
    expect(await idsOf(q, 'complete')).toEqual(second);
    expect(await idsOf(q, 'failed')).toEqual([]);
    expect(await jobIdsOf(q)).toEqual(second);
    await expect(q.getJob(first[0]!)).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    // nothing finishes any more: a claim on the empty queue (a cron tick's) ages them out
    await sleep(age + 300);
    const tick = await claim(q, {
      count: 10,
      lease_ms: 5_000,
      token: 'tick',
      worker: 'cron',
      types: [{ type: 't', concurrency: 0 }],
    });
    expect(tick.jobs).toEqual([]);
    expect(await q.counts(['t'])).toMatchObject({
      states: { complete: 0, failed: 0 },
      types: { t: { complete: 0, failed: 0 } },
    });
    expect(await jobIdsOf(q)).toEqual([]);
    const { events } = await q.eventStream.read('0', 1_000);
    expect(events.filter((e) => e.event === 'remove')).toHaveLength(8);
  });

  it('an age and a count apply together', async () => {
    const q = queue({ keepComplete: 2, keepCompleteMs: 1_500 });
    const old = await finish(q, 3, new Set());
    expect(await idsOf(q, 'complete')).toEqual(old.slice(-2)); // the count
    await sleep(1_800);
    const fresh = await finish(q, 1, new Set());
    expect(await idsOf(q, 'complete')).toEqual(fresh); // the age
  });

  it('the age looks from the lowest id and stops at the first job young enough', async () => {
    const q = queue({ keepCompleteMs: 2_000 });
    // created first, finished a second after the others: it holds them back until it ages too
    const [late] = await q.createMany([{ type: 'slow', data: {} }]);
    const early = await finish(q, 3, new Set());
    await sleep(1_200);
    await runWake(
      q,
      new HandlerRegistry().process('slow', async () => {}),
      { maxJobs: 1 },
    );
    await sleep(1_100);
    const next = await finish(q, 1, new Set());
    expect(await idsOf(q, 'complete')).toEqual([late!.id!, ...early, ...next]);
    await sleep(1_200);
    const last = await finish(q, 1, new Set());
    expect(await idsOf(q, 'complete')).toEqual([...next, ...last]);
  });
});
