// A job's ttl bounds its time in active: an overrunning handler is aborted and its attempt
// failed with "TTL exceeded"; a vanished worker's job is recovered at its ttl, not its lease.
import { afterAll, describe, expect, it } from 'vitest';
import { claimJobs, HandlerRegistry, runBatch, TtlExceeded } from '../../worker-handlers/index.js';
import { dropQueue, rawJob, sleep, testQueue } from './helpers.js';

const queue = testQueue('ttl');
afterAll(() => dropQueue(queue));

describe('ttl', () => {
  it('aborts a handler that overruns its ttl and fails the attempt', async () => {
    const job = await queue.create('overrun').ttl(400).attempts(2).save();
    let reason: unknown;
    const registry = new HandlerRegistry().process('overrun', (j, done, ctx) => {
      ctx.signal.addEventListener('abort', () => {
        reason = ctx.signal.reason;
      });
      if (j.attempts().made === 0) return; // the first run never finishes
      done(null, 'second run is quick');
    });
    const r = await runBatch(queue, registry, { budgetMs: 10_000, leaseMs: 5_000 });
    expect(reason).toBeInstanceOf(TtlExceeded);
    expect(r).toMatchObject({ claimed: 2, failed: 1, completed: 1 });
    const done = await queue.getJob(job.id!);
    expect(done.state()).toBe('complete');
    expect(done.attempts().made).toBe(2);
  });

  it('caps the lease at the ttl, so recovery fails a vanished job with TTL exceeded', async () => {
    const job = await queue.create('ttl-vanish').ttl(300).save();
    const [leased] = await claimJobs(queue, { types: ['ttl-vanish'], leaseMs: 60_000 });
    const h = await rawJob(queue, job.id!);
    expect(Number(h.lease_until) - Number(h.started_at)).toBe(300);
    expect(leased).toBeDefined();
    await sleep(400);
    await queue.recover();
    const failed = await queue.getJob(job.id!);
    expect(failed.state()).toBe('failed');
    expect(failed.error).toBe('TTL exceeded');
  });
});
