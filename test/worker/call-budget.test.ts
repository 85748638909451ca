// A Worker invocation may make a bounded number of subrequests: given a call budget, a batch
// stops claiming while it still has the calls to settle what it runs, and never overspends.
import { afterAll, describe, expect, it } from 'vitest';
import { HandlerRegistry, runBatch, runTick } from '../../worker-handlers/index.js';
import { dropQueue, testQueue } from './helpers.js';

const queue = testQueue('calls');
afterAll(() => dropQueue(queue));

describe('call budget', () => {
  it('stops claiming before the budget runs out, and settles what it claimed', async () => {
    await queue.createMany(
      Array.from({ length: 40 }, (_, i) => ({ type: 'counted', data: { i } })),
    );
    const registry = new HandlerRegistry().process('counted', async () => 'ok');
    const calls = { remaining: 20 };
    const r = await runBatch(queue, registry, { budgetMs: 10_000, maxJobs: 2, calls });
    expect(calls.remaining).toBeGreaterThanOrEqual(0);
    expect(r.claimed).toBeGreaterThan(0);
    expect(r.claimed).toBeLessThan(40);
    expect(r.completed).toBe(r.claimed);
    expect(await queue.activeCount('counted')).toBe(0);
    expect(await queue.inactiveCount('counted')).toBe(40 - r.claimed);
  });

  it('ends a tick whose calls are spent', async () => {
    const registry = new HandlerRegistry().process('counted', async () => 'ok');
    const calls = { remaining: 5 };
    const t = await runTick(queue, registry, { budgetMs: 10_000, maxJobs: 2, calls });
    expect(t.claimed).toBe(0);
    expect(t.ms).toBeLessThan(10_000);
    expect(calls.remaining).toBe(5);
  });
});
