// Graceful shutdown: at budget - grace an invocation stops claiming and fires its handlers'
// signals; what still runs at the end of the budget fails with `Shutdown` and is retried.
import { afterAll, describe, expect, it } from 'vitest';
import { HandlerRegistry, runBatch, Shutdown } from '../../worker-handlers/index.js';
import { dropQueue, testQueue } from './helpers.js';

const queue = testQueue('shutdown');
afterAll(() => dropQueue(queue));

describe('shutdown', () => {
  it('fails a handler that overruns its budget with Shutdown, then retries it', async () => {
    const job = await queue.create('slow').attempts(2).save();
    let reason: unknown;
    const stubborn = new HandlerRegistry().process('slow', (_job, _done, ctx) => {
      ctx.signal.addEventListener('abort', () => {
        reason = ctx.signal.reason;
      });
      // ignores the signal and never finishes
    });
    const r = await runBatch(queue, stubborn, { budgetMs: 1_000, graceMs: 400, leaseMs: 5_000 });
    expect(r).toMatchObject({ claimed: 1, completed: 0, failed: 0, shutdown: 1 });
    expect(reason).toBeInstanceOf(Shutdown);
    const retried = await queue.getJob(job.id!);
    expect(retried.state()).toBe('inactive');
    expect(retried.error).toBe('Shutdown');
    expect(retried.attempts()).toMatchObject({ made: 1, remaining: 1 });

    const quick = new HandlerRegistry().process('slow', async () => 'fine now');
    expect((await runBatch(queue, quick, { budgetMs: 5_000 })).completed).toBe(1);
    expect((await queue.getJob(job.id!)).state()).toBe('complete');
  });

  it('lets a cooperative handler stop when the signal fires, and fails it with Shutdown', async () => {
    const job = await queue.create('polite').attempts(1).save();
    const registry = new HandlerRegistry().process('polite', async (_job, ctx) => {
      await new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(new Error('aborted by signal')));
      });
    });
    const r = await runBatch(queue, registry, { budgetMs: 1_500, graceMs: 1_000 });
    expect(r.shutdown).toBe(1);
    const failed = await queue.getJob(job.id!);
    expect(failed.state()).toBe('failed');
    expect(failed.error).toBe('Shutdown');
  });

  it('completes a job that finishes within the grace, and claims nothing more', async () => {
    await queue.createMany([{ type: 'graceful' }, { type: 'graceful' }]);
    const registry = new HandlerRegistry().process('graceful', 1, async (_job, ctx) => {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      return 'finished after the signal';
    });
    const r = await runBatch(queue, registry, { budgetMs: 1_000, graceMs: 600 });
    expect(r).toMatchObject({ claimed: 1, completed: 1, shutdown: 0 });
    expect(await queue.inactiveCount('graceful')).toBe(1);
  });

  it('shuts down at once when the caller aborts (SIGTERM)', async () => {
    const job = await queue.create('sigterm').attempts(3).save();
    const controller = new AbortController();
    const registry = new HandlerRegistry().process('sigterm', (_job, _done) => {
      controller.abort(); // and never calls done
    });
    const r = await runBatch(queue, registry, {
      budgetMs: 60_000,
      graceMs: 300,
      signal: controller.signal,
    });
    expect(r.shutdown).toBe(1);
    expect(r.ms).toBeLessThan(60_000);
    expect((await queue.getJob(job.id!)).error).toBe('Shutdown');
  });
});
