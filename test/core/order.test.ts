import { describe, expect, it } from 'vitest';
import { priorities } from '../../core/index.js';
import { claim, newQueue } from './helpers.js';

const names = Object.keys(priorities) as (keyof typeof priorities)[];

describe('claim order: priority first, then FIFO', () => {
  it('holds over 1,000 jobs of mixed priorities', async () => {
    const queue = newQueue();
    // deterministic mix of names and raw numbers
    const specs = Array.from({ length: 1_000 }, (_, i) => {
      const p = i % 7 === 0 ? ((i * 37) % 41) - 20 : names[(i * 13) % names.length]!;
      return { type: 'mixed', data: { i }, options: { priority: p } };
    });
    const jobs = await queue.createMany(specs);
    const expected = jobs
      .map((j) => ({ id: Number(j.id), p: j.priority() }))
      .sort((a, b) => a.p - b.p || a.id - b.id)
      .map((j) => String(j.id));
    const claimed: string[] = [];
    for (let n = 0; n < 10; n++) {
      claimed.push(...(await claim(queue, ['mixed'], 100)).map((c) => c.id));
    }
    expect(claimed).toEqual(expected);
    expect(await claim(queue, ['mixed'], 100)).toEqual([]);
  });

  it('merges several types by the same order', async () => {
    const queue = newQueue();
    await queue.createMany([
      { type: 'a', options: { priority: 'low' } }, // 1
      { type: 'b', options: { priority: 'high' } }, // 2
      { type: 'a', options: { priority: 'high' } }, // 3
      { type: 'c', options: { priority: 'critical' } }, // 4 (not served)
      { type: 'b' }, // 5
    ]);
    const claimed = await claim(queue, ['a', 'b'], 10);
    expect(claimed.map((c) => c.id)).toEqual(['2', '3', '5', '1']);
    expect(claimed.every((c) => c.hash.state === 'active')).toBe(true);
  });

  it('a priority change moves a waiting job in line', async () => {
    const queue = newQueue();
    await queue.createMany([{ type: 'a' }, { type: 'a' }, { type: 'a' }]);
    await queue.setPriority('3', 'critical');
    expect((await claim(queue, ['a'], 1))[0]!.id).toBe('3');
  });

  it('a type never has more live leases than its concurrency', async () => {
    const queue = newQueue();
    await queue.createMany(Array.from({ length: 10 }, () => ({ type: 'limited' })));
    const first = await claim(queue, ['limited'], 10, { concurrency: 3, token: 'a' });
    const second = await claim(queue, ['limited'], 10, { concurrency: 3, token: 'b' });
    expect(first).toHaveLength(3);
    expect(second).toHaveLength(0);
    expect(await queue.activeCount('limited')).toBe(3);
  });
});
