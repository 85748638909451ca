import { describe, expect, it } from 'vitest';
import { ack, claim, jobIdsOf, newQueue, ranked } from './helpers.js';

/**
 * A page of all jobs is merged from the five state indexes (there is no index of all jobs): it
 * must equal ZRANGE semantics over every job id, whatever the states, gaps and ranks.
 */
describe('a page of all jobs', () => {
  it('equals ranks over every job id, in both orders, at any depth', async () => {
    const queue = newQueue();
    const created = await queue.createMany(
      Array.from({ length: 400 }, (_, i) => ({
        type: i % 3 === 0 ? 'a' : 'b',
        data: { i },
        options: { attempts: 1, ...(i % 11 === 0 ? { delay: 60_000 } : {}) },
      })),
    );
    expect(created).toHaveLength(400);
    const leased = await claim(queue, ['a', 'b'], 120);
    await ack(
      queue,
      leased.slice(0, 90).map((j, k) => ({ id: j.id, ok: k % 4 !== 0, error: 'boom' })),
    );
    // gaps in the ids
    await queue.remove(['5', '6', '7', '200', '399', '400']);

    const all = await jobIdsOf(queue);
    expect(all).toHaveLength(394);
    const counts = await queue.counts();
    expect(Object.values(counts.states).every((n) => n > 0)).toBe(true);

    const pages: [number, number][] = [
      [0, 0],
      [0, 9],
      [1, 1],
      [37, 61],
      [150, 199],
      [380, 393],
      [390, 500],
      [393, 393],
      [394, 400],
      [0, -1],
      [-10, -1],
      [-500, 3],
      [10, 5],
    ];
    for (const order of ['asc', 'desc'] as const) {
      for (const [from, to] of pages) {
        const page = (await queue.range({ from, to, order })).map((j) => j.id);
        expect(page, `${order} ${from}..${to}`).toEqual(ranked(all, from, to, order));
      }
    }
  });

  it('is empty on an empty queue', async () => {
    const queue = newQueue();
    expect(await queue.range({ from: 0, to: 10 })).toEqual([]);
    expect(await queue.range({ from: 0, to: -1, order: 'desc' })).toEqual([]);
  });
});
