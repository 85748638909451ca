// An invocation that ends for want of budget or calls, with work left that it could have run,
// says so (moreWaiting), so a platform with remote wake-ups starts another invocation for it
// instead of leaving it to the next cron tick; one that ran out of work does not.
import { describe, expect, it } from 'vitest';
import { HandlerRegistry, runTick, runWake } from '../../worker-handlers/index.js';
import { dropAfterAll, testQueue } from './helpers.js';

const kept = dropAfterAll();
const quick = new HandlerRegistry().process('q', async () => 'ok');

describe('moreWaiting', () => {
  it('is false when the queue ran dry, or had nothing this worker can run', async () => {
    const queue = kept(testQueue('dry'));
    expect((await runWake(queue, quick, { budgetMs: 5_000 })).moreWaiting).toBe(false);
    await queue.createMany(Array.from({ length: 5 }, () => ({ type: 'q' })));
    await queue.create('no-handler').save();
    const r = await runTick(queue, quick, { budgetMs: 5_000, maxJobs: 2 });
    expect(r.completed).toBe(5);
    expect(r.moreWaiting).toBe(false);
  });

  it('is true when the calls ran out with jobs still waiting', async () => {
    const queue = kept(testQueue('calls-out'));
    await queue.createMany(Array.from({ length: 40 }, () => ({ type: 'q' })));
    const r = await runWake(queue, quick, {
      budgetMs: 10_000,
      maxJobs: 2,
      calls: { remaining: 25 },
    });
    expect(r.completed).toBeGreaterThan(0);
    expect(await queue.inactiveCount('q')).toBe(40 - r.completed);
    expect(r.moreWaiting).toBe(true);
  });

  it('is true when the budget ended runs it gave back', async () => {
    const queue = kept(testQueue('given-back'));
    const slow = new HandlerRegistry().process('slow', async (_job, ctx) => {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      throw ctx.signal.reason;
    });
    await queue.create('slow').save();
    const r = await runWake(queue, slow, { budgetMs: 1_000, graceMs: 300 });
    expect(r.shutdown).toBe(1);
    expect(await queue.inactiveCount('slow')).toBe(1);
    expect(r.moreWaiting).toBe(true);
  });
});
