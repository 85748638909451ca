// Concurrency is global: with a limit of 3 and four invocations running at once, never more
// than 3 jobs of the type are active, sampled in Redis throughout and counted in the handlers.
import { afterAll, describe, expect, it } from 'vitest';
import { HandlerRegistry, runBatch } from '../../worker-handlers/index.js';
import { dropQueue, sleep, testQueue } from './helpers.js';

const queue = testQueue('concurrency');
afterAll(() => dropQueue(queue));

describe('concurrency', () => {
  it('keeps at most 3 jobs of a type active across four invocations', async () => {
    const jobs = await queue.createMany(
      Array.from({ length: 24 }, (_, i) => ({ type: 'limited', data: { i } })),
    );
    let inHandlers = 0;
    let maxInHandlers = 0;
    const registry = new HandlerRegistry().process('limited', 3, async () => {
      inHandlers++;
      maxInHandlers = Math.max(maxInHandlers, inHandlers);
      await sleep(60);
      inHandlers--;
      return 'ok';
    });
    const samples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push(await queue.activeCount('limited'));
        await sleep(10);
      }
    })();
    // Four invocations at once, each willing to run 10 jobs; each retries its claim until the
    // queue is drained, as successive wake-ups would.
    const invocation = async () => {
      let completed = 0;
      while ((await queue.inactiveCount('limited')) > 0) {
        const r = await runBatch(queue, registry, {
          budgetMs: 20_000,
          leaseMs: 2_000,
          maxJobs: 10,
        });
        completed += r.completed;
        if (r.claimed === 0) await sleep(20);
      }
      return completed;
    };
    const completed = await Promise.all([invocation(), invocation(), invocation(), invocation()]);
    sampling = false;
    await sampler;
    expect(completed.reduce((a, b) => a + b, 0)).toBe(24);
    expect(Math.max(...samples)).toBeLessThanOrEqual(3);
    expect(maxInHandlers).toBeLessThanOrEqual(3);
    // The limit was reached, so the test would have seen a breach.
    expect(maxInHandlers).toBe(3);
    expect(samples.length).toBeGreaterThan(10);
    const done = await queue.getJobs(jobs.map((j) => j.id!));
    expect(done.every((j) => j.state() === 'complete')).toBe(true);
  });
});
