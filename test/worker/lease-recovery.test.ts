// Leases: a vanished worker's job is recovered when its lease runs out and retried per its
// attempts; a stale token can settle nothing (LeaseLost); a running handler whose lease is taken
// away sees its signal fire.
import { afterAll, describe, expect, it } from 'vitest';
import { LeaseLost } from '../../core/index.js';
import {
  claimJobs,
  extendLeases,
  HandlerRegistry,
  runBatch,
  settleJob,
} from '../../worker-handlers/index.js';
import { dropQueue, rawJob, sleep, testQueue, waitFor } from './helpers.js';

const queue = testQueue('lease');
afterAll(() => dropQueue(queue));

describe('leases', () => {
  it('recovers the job of a worker that claimed and vanished, and retries it', async () => {
    const job = await queue.create('vanish', { n: 1 }).attempts(2).save();
    const [leased] = await claimJobs(queue, { types: ['vanish'], leaseMs: 1_000 });
    expect(leased?.job.id).toBe(job.id);
    expect((await rawJob(queue, job.id!)).state).toBe('active');
    // The worker never acks nor extends. Once the lease has run out, the next claim recovers it.
    await sleep(1_100);
    const ran: string[] = [];
    const registry = new HandlerRegistry().process('vanish', async (j) => {
      ran.push(j.id!);
      return 'second time lucky';
    });
    const r = await runBatch(queue, registry, { budgetMs: 5_000, leaseMs: 1_000 });
    expect(r.completed).toBe(1);
    expect(ran).toEqual([job.id]);
    const done = await queue.getJob(job.id!);
    expect(done.state()).toBe('complete');
    expect(done.attempts()).toEqual({ made: 2, remaining: 0, max: 2 });
  });

  it('fails a vanished job for good when no attempt is left', async () => {
    const job = await queue.create('vanish-once').save();
    await claimJobs(queue, { types: ['vanish-once'], leaseMs: 500 });
    await sleep(600);
    expect((await queue.recover()).recovered).toBeGreaterThanOrEqual(1);
    const failed = await queue.getJob(job.id!);
    expect(failed.state()).toBe('failed');
    expect(failed.error).toBe('lease expired');
  });

  it('refuses a stale token: LeaseLost, and the new holder settles the job', async () => {
    const job = await queue.create('stale').attempts(3).save();
    const [first] = await claimJobs(queue, { types: ['stale'], leaseMs: 500 });
    await sleep(600);
    const [second] = await claimJobs(queue, { types: ['stale'], leaseMs: 10_000 });
    expect(second?.job.id).toBe(job.id);
    expect(second?.token).not.toBe(first?.token);
    await expect(settleJob(queue, first!, { ok: true, result: 'stale' })).rejects.toBeInstanceOf(
      LeaseLost,
    );
    await expect(extendLeases(queue, [first!], 10_000)).rejects.toBeInstanceOf(LeaseLost);
    expect((await rawJob(queue, job.id!)).state).toBe('active');
    await expect(settleJob(queue, second!, { ok: true, result: 'fresh' })).resolves.toBe(
      'complete',
    );
    const done = await queue.getJob(job.id!);
    expect(done.result).toBe('fresh');
    expect(done.attempts().made).toBe(2);
  });

  it("fires a running handler's signal with LeaseLost when its lease is taken away", async () => {
    const job = await queue.create('taken').save();
    let reason: unknown;
    const registry = new HandlerRegistry().process('taken', (_job, _done, ctx) => {
      ctx.signal.addEventListener('abort', () => {
        reason = ctx.signal.reason;
      });
      // never calls done: only the lost lease ends it
    });
    const batch = runBatch(queue, registry, { budgetMs: 10_000, leaseMs: 600, graceMs: 1_000 });
    await waitFor('the job to be active', async () => (await rawJob(queue, job.id!)).lease);
    // Someone moves it by hand (as the dashboard can): the lease is gone.
    await queue.setState([job.id!], 'inactive');
    const r = await batch;
    expect(reason).toBeInstanceOf(LeaseLost);
    expect(r.lost).toBe(1);
    expect(r.completed + r.failed + r.shutdown).toBe(0);
    expect((await rawJob(queue, job.id!)).state).toBe('inactive');
  });

  it('recovers a job moved to active by hand once its hand lease runs out, and retries it', async () => {
    const job = await queue.create('by-hand').attempts(2).save();
    await queue.setState([job.id!], 'active', { leaseMs: 300 });
    expect((await rawJob(queue, job.id!)).state).toBe('active');
    // no worker holds it, and none can take it from active before the lease runs out
    expect(await claimJobs(queue, { types: ['by-hand'], leaseMs: 10_000 })).toEqual([]);
    await sleep(400);
    expect((await queue.recover()).recovered).toBeGreaterThanOrEqual(1);
    const retried = await queue.getJob(job.id!);
    expect(retried.state()).toBe('inactive');
    expect(retried.error).toBe('lease expired');
    const [leased] = await claimJobs(queue, { types: ['by-hand'], leaseMs: 10_000 });
    expect(leased?.job.id).toBe(job.id);
    await expect(settleJob(queue, leased!, { ok: true })).resolves.toBe('complete');
  });

  it("leaves a worker's lease alone when its active job is moved to active again", async () => {
    const job = await queue.create('held').save();
    const [leased] = await claimJobs(queue, { types: ['held'], leaseMs: 300 });
    expect(leased?.job.id).toBe(job.id);
    await queue.setState([job.id!], 'active');
    // the worker vanishes: its lease, still in recovery's sight, runs out
    await sleep(400);
    expect((await queue.recover()).recovered).toBeGreaterThanOrEqual(1);
    const failed = await queue.getJob(job.id!);
    expect(failed.state()).toBe('failed');
    expect(failed.error).toBe('lease expired');
  });

  it('keeps a long job leased: heartbeats extend leases shorter than the job', async () => {
    const job = await queue.create('long').save();
    const registry = new HandlerRegistry().process('long', async () => {
      await sleep(1_500);
      return 'done';
    });
    const r = await runBatch(queue, registry, { budgetMs: 10_000, leaseMs: 600 });
    expect(r).toMatchObject({ claimed: 1, completed: 1, lost: 0 });
    expect((await queue.getJob(job.id!)).attempts().made).toBe(1);
  });
});
