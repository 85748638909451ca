import { describe, expect, it } from 'vitest';
import { JOB_FIELDS, type JobState, type Queue, queueKeys } from '../../core/index.js';
import {
  ack,
  ackAndClaim,
  claim,
  idSetMembers,
  jobIdsOf,
  keysOf,
  newQueue,
  raw,
} from './helpers.js';

const states: JobState[] = ['inactive', 'delayed', 'active', 'complete', 'failed'];
const types = ['a', 'b', 'c'];

/** A small deterministic PRNG, so a failure can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Checks every index against the job hashes, and the counts against the indexes. */
async function checkConsistency(queue: Queue): Promise<void> {
  const k = queueKeys(queue.prefix);
  const counts = await queue.counts();
  const all = await jobIdsOf(queue);
  let total = 0;
  for (const state of states) {
    const members = await idSetMembers(k.state(state));
    expect(counts.states[state], state).toBe(members.length);
    total += members.length;
    for (const id of members) {
      expect(await raw.hget(k.job(id), JOB_FIELDS.state), `job ${id}`).toBe(state);
    }
    for (const type of types) {
      const typed = (await idSetMembers(k.typeState(type, state))).length;
      expect(counts.types[type]?.[state] ?? 0, `${type}/${state}`).toBe(typed);
    }
  }
  expect(total).toBe(all.length);
  // the claim queues hold exactly the inactive jobs, the delayed set the delayed ones
  let queued = 0;
  for (const type of types) queued += await raw.zcard(k.queue(type));
  expect(queued).toBe(counts.states.inactive);
  expect(await raw.zcard(k.delayed)).toBe(counts.states.delayed);
  // every live lease is an active job
  const leased = (await raw.zrange<string[]>(k.leases, 0, -1)).map(String);
  for (const id of leased) expect(await raw.hget(k.job(id), JOB_FIELDS.state)).toBe('active');
  const typeCounts = (await raw.hgetall<Record<string, number>>(k.types)) ?? {};
  expect(Object.values(typeCounts).reduce((x, y) => x + Number(y), 0)).toBe(all.length);
}

describe('counts always equal the members of the state sets', () => {
  it('after a random mix of 2,000 operations', async () => {
    const queue = newQueue();
    const rand = prng(20261127);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
    let leases: { id: string; token: string }[] = [];
    let ops = 0;
    let token = 0;
    while (ops < 2_000) {
      const r = rand();
      const ids = await jobIdsOf(queue);
      if (r < 0.3 || ids.length === 0) {
        const n = 1 + Math.floor(rand() * 5);
        await queue.createMany(
          Array.from({ length: n }, () => ({
            type: pick(types),
            data: { w: pick(['red', 'green', 'blue']) },
            options: {
              priority: pick(['low', 'normal', 'high'] as const),
              attempts: 1 + Math.floor(rand() * 3),
              ...(rand() < 0.2 ? { delay: Math.floor(rand() * 3) } : {}),
            },
          })),
        );
      } else if (r < 0.5) {
        const t = `t${token++}`;
        const claimed = await claim(queue, [pick(types), pick(types)], 1 + Math.floor(rand() * 4), {
          token: t,
          leaseMs: rand() < 0.1 ? 1 : 60_000,
        });
        leases.push(...claimed.map((c) => ({ id: c.id, token: t })));
      } else if (r < 0.7 && leases.length > 0) {
        const batch = leases.splice(0, 1 + Math.floor(rand() * 3));
        const done = batch.map((l) => ({ id: l.id, token: l.token, ok: rand() < 0.6, error: 'x' }));
        if (rand() < 0.5) {
          await ack(queue, done);
        } else {
          // the claim riding on the ack, as a worker's: the ack's id-set writes wait for the
          // claim's, and expired leases it recovers may be claimed again in the same call
          const t = `t${token++}`;
          const next = await ackAndClaim(queue, done, {
            types: [pick(types), pick(types)],
            count: 1 + Math.floor(rand() * 4),
            token: t,
            leaseMs: rand() < 0.3 ? 1 : 60_000,
          });
          leases.push(...next.claimed.map((id) => ({ id, token: t })));
        }
      } else if (r < 0.8) {
        await queue.setState([pick(ids)], pick(states));
      } else if (r < 0.87) {
        await queue.remove([pick(ids)]);
      } else if (r < 0.92) {
        await queue.setPriority(pick(ids), pick(['low', 'critical', 3]));
      } else if (r < 0.96) {
        await queue.promote();
      } else {
        await queue.recover();
        leases = leases.filter(() => rand() < 0.9);
      }
      ops++;
      if (ops % 500 === 0) await checkConsistency(queue);
    }
    await checkConsistency(queue);
  }, 120_000);
});

describe("an ack's claim", () => {
  it('sees the jobs the ack settled leave the active set (concurrency limits read its count)', async () => {
    const queue = newQueue();
    await queue.createMany(Array.from({ length: 6 }, () => ({ type: 'a' })));
    const first = await claim(queue, ['a'], 2, { token: 'l1', concurrency: 2 });
    expect(first).toHaveLength(2);
    // both running: a claim alone finds no room under the limit
    expect(await claim(queue, ['a'], 2, { token: 'l2', concurrency: 2 })).toHaveLength(0);
    const next = await ackAndClaim(
      queue,
      first.map((j) => ({ id: j.id, token: 'l1', ok: true })),
      { types: ['a'], count: 2, token: 'l3', concurrency: 2 },
    );
    expect(next.settled).toEqual(['complete', 'complete']);
    expect(next.claimed).toHaveLength(2);
    await checkConsistency(queue);
  });

  it('leaves the active set holding the claimed jobs when the ack empties its bucket and the claim refills it', async () => {
    const queue = newQueue();
    await queue.createMany(Array.from({ length: 20 }, () => ({ type: 'a' })));
    const k = queueKeys(queue.prefix);
    const first = await claim(queue, ['a'], 10, { token: 'l1' });
    const next = await ackAndClaim(
      queue,
      first.map((j) => ({ id: j.id, token: 'l1', ok: true })),
      { types: ['a'], count: 10, token: 'l2' },
    );
    expect(next.claimed).toHaveLength(10);
    expect((await idSetMembers(k.state('active'))).sort()).toEqual([...next.claimed].sort());
    expect(await idSetMembers(k.state('complete'))).toHaveLength(10);
    await checkConsistency(queue);
  });
});

describe('id set buckets', () => {
  it('are 16-byte bitmaps, bit k of bucket b standing for id 128 b + k', async () => {
    const queue = newQueue();
    await queue.createMany(Array.from({ length: 300 }, () => ({ type: 'a' })));
    const k = queueKeys(queue.prefix);
    // ids 1..300: bucket 0 holds 1..127, bucket 1 all 128 of 128..255, bucket 2 256..300
    const buckets = [0, 1, 2].map((b) => `${k.state('inactive')}:${b}`);
    expect(await Promise.all(buckets.map((key) => raw.type(key)))).toEqual([
      'string',
      'string',
      'string',
    ]);
    expect(await Promise.all(buckets.map((key) => raw.bitcount(key, 0, -1)))).toEqual([
      127, 128, 45,
    ]);
    expect(await raw.getbit(buckets[0]!, 0)).toBe(0);
    expect(await raw.getbit(buckets[2]!, 300 - 256)).toBe(1);
    expect(await raw.getbit(buckets[2]!, 301 - 256)).toBe(0);
    for (const key of buckets.slice(0, 2)) expect(await raw.strlen(key)).toBe(16);
    // claiming moves ids to the active set: bits clear in one bitmap and set in the other
    await claim(queue, ['a'], 130);
    expect(await raw.bitcount(buckets[0]!, 0, -1)).toBe(0);
    expect(await raw.exists(buckets[0]!)).toBe(0);
    expect(await raw.bitcount(buckets[1]!, 0, -1)).toBe(125);
    expect(await raw.getbit(`${k.state('active')}:1`, 129 - 128)).toBe(1);
    expect(await idSetMembers(k.state('active'))).toHaveLength(130);
  });
});

describe('removal leaves nothing behind', () => {
  it('after removing every job only bookkeeping keys remain', async () => {
    const queue = newQueue();
    await queue.createMany(
      Array.from({ length: 60 }, (_, i) => ({
        type: types[i % 3]!,
        data: { title: `job number ${i}` },
        options: { unique: `u${i}`, ...(i % 5 === 0 ? { delay: 60_000 } : {}) },
      })),
    );
    const claimed = await claim(queue, types, 20);
    await ack(
      queue,
      claimed.slice(0, 10).map((c, i) => ({ id: c.id, ok: i % 2 === 0, error: 'e' })),
    );
    await (await queue.getJob('3')).log('a line');
    await queue.pause('a');
    await queue.resume('a');
    for (const state of states) await queue.removeAll(state);
    const left = await keysOf(queue);
    const bookkeeping = left.filter(
      (k) =>
        k === queue.keys.ids ||
        k === queue.keys.events ||
        k === queue.keys.stats ||
        k.startsWith(`${queue.keys.base}throughput:`) ||
        k.startsWith(`${queue.keys.base}request:`),
    );
    expect(left).toEqual(bookkeeping);
    expect(left).toContain(queue.keys.ids);
  });
});

describe('prefixes', () => {
  it('two queues with different prefixes never see each other', async () => {
    const one = newQueue();
    const two = newQueue();
    await one.createMany([{ type: 'shared', data: { word: 'alpha' } }, { type: 'only-one' }]);
    await two.create('shared', { word: 'beta' }).save();
    expect(await one.types()).toEqual(['only-one', 'shared']);
    expect(await two.types()).toEqual(['shared']);
    expect((await one.stats()).inactiveCount).toBe(2);
    expect((await two.stats()).inactiveCount).toBe(1);
    expect(await one.search('beta')).toEqual([]);
    expect(await two.search('beta')).toEqual(['1']);
    const claimedByTwo = await claim(two, ['shared', 'only-one'], 10);
    expect(claimedByTwo.map((c) => c.hash.data)).toEqual(['{"word":"beta"}']);
    expect((await one.getJob('1')).data).toEqual({ word: 'alpha' });
    for (const key of await keysOf(one)) expect(key.startsWith(`{${one.prefix}}:`)).toBe(true);
  });
});
