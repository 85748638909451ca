// A run whose job was taken from it (a retry by hand while it ran, the job claimed again) is
// stale: it may neither end its job's newer run, nor write into the job, and a job removed
// while it runs costs its batch nothing but its own ack.
import { describe, expect, it } from 'vitest';
import { claimJobs, HandlerRegistry, runBatch } from '../../worker-handlers/index.js';
import { dropAfterAll, sleep, testQueue } from './helpers.js';

const kept = dropAfterAll();

/** A promise and the function that settles it. */
function gate(): [Promise<void>, () => void] {
  let open = () => {};
  const p = new Promise<void>((resolve) => {
    open = resolve;
  });
  return [p, open];
}

describe('a stale run', () => {
  it('claimed again by its own batch: the newer run is heartbeated and waited for, the job completes with its result', async () => {
    const queue = kept(testQueue('stale-same'));
    const [firstStarted, startFirst] = gate();
    const [firstMayReturn, releaseFirst] = gate();
    const [secondStarted, startSecond] = gate();
    let runs = 0;
    let secondReturned = 0;
    const registry = new HandlerRegistry().process('x', async (job) => {
      if ((job.data as { quick?: boolean }).quick) {
        await sleep(150);
        return 'quick';
      }
      const run = ++runs;
      if (run === 1) {
        startFirst();
        await firstMayReturn;
        return 'run 1';
      }
      startSecond();
      // longer than the lease: only heartbeats keep it
      await sleep(2_500);
      secondReturned = Date.now();
      return 'run 2';
    });
    const long = await queue.create('x', {}).priority('high').save();
    await queue.create('x', { quick: true }).save();
    let batchEnded = 0;
    const batch = runBatch(queue, registry, {
      budgetMs: 20_000,
      leaseMs: 1_000,
      maxJobs: 2,
    }).then((r) => {
      batchEnded = Date.now();
      return r;
    });
    await firstStarted;
    // the dashboard's Retry on a job that looks stuck; the quick job's ack claims it again
    await queue.retry(long.id!);
    await secondStarted;
    releaseFirst();
    const result = await batch;
    expect(secondReturned).toBeGreaterThan(0);
    expect(batchEnded).toBeGreaterThanOrEqual(secondReturned);
    const job = await queue.getJob(long.id!);
    expect(job.state()).toBe('complete');
    expect(job.result).toBe('run 2');
    expect(job.attempts().made).toBe(1);
    expect(result).toMatchObject({ completed: 2, lost: 1, failed: 0 });
  }, 30_000);

  it('writes nothing into its job once another holds it: neither its last lines nor its progress', async () => {
    const queue = kept(testQueue('stale-writes'));
    const [started, start] = gate();
    const [mayReturn, release] = gate();
    const registry = new HandlerRegistry().process('video', async (job) => {
      start();
      await mayReturn;
      await job.log('stale run A: frame 99');
      await job.progress(99, 100, { from: 'A' });
      return { by: 'A' };
    });
    const { id } = await queue.create('video', {}).save();
    const batch = runBatch(queue, registry, { budgetMs: 10_000, leaseMs: 30_000 });
    await started;
    await queue.retry(id!);
    const [b] = await claimJobs(queue, { types: ['video'], leaseMs: 30_000 });
    expect(b?.job.id).toBe(id);
    const token = b!.token;
    await queue.touch([
      { id: id!, token, progress: [10, '{"from":"B"}'], logs: ['B: frame 10'], at: [token, 0] },
    ]);
    release();
    expect(await batch).toMatchObject({ completed: 0, lost: 1 });
    const job = await queue.getJob(id!);
    expect(job.state()).toBe('active');
    expect(job.lease?.token).toBe(token);
    expect(job.percent).toBe(10);
    expect(job.progress_data).toEqual({ from: 'B' });
    // B's next line, sent twice (an answer lost): written once, after its first
    const next = { id: id!, token, logs: ['B: frame 11'], at: [token, 1] as [string, number] };
    await queue.touch([next]);
    await queue.touch([next]);
    expect(await queue.logs(id!)).toEqual(['B: frame 10', 'B: frame 11']);
  }, 30_000);

  it("a run's last lines sent again after its ack ran go in once; its progress does not move a retry", async () => {
    const queue = kept(testQueue('final-late'));
    const [leased] = await (async () => {
      await queue.create('x', {}).attempts(2).save();
      return claimJobs(queue, { types: ['x'], leaseMs: 30_000 });
    })();
    const id = leased!.job.id!;
    const token = leased!.token;
    await queue.touch([{ id, token, logs: ['line 0'], at: [token, 0] }]);
    // the run fails its first attempt; its last lines and progress come after the ack
    await queue.scripts.run('ack', { done: [{ id, token, ok: false, error: 'boom' }] });
    const last = {
      id,
      token,
      final: Number(leased!.job.started_at),
      progress: [70] as [number],
      logs: ['line 1', 'line 2'],
      at: [token, 1] as [string, number],
    };
    const first = await queue.touch([last]);
    await queue.touch([last]);
    expect(first.status).toEqual(['ok']);
    expect(await queue.logs(id)).toEqual(['line 0', 'line 1', 'line 2']);
    const job = await queue.getJob(id);
    expect(job.state()).toBe('inactive');
    expect(job.percent ?? 0).toBe(0);
    // once another run has started, the same call is a stale run's: nothing goes in
    await sleep(5);
    const [again] = await claimJobs(queue, { types: ['x'], leaseMs: 30_000 });
    expect(again?.job.id).toBe(id);
    await queue.scripts.run('ack', { done: [{ id, token: again!.token, ok: true }] });
    const stale = await queue.touch([{ ...last, logs: ['line 3'], at: [token, 3] }]);
    expect(stale.status).toEqual(['lost']);
    expect(await queue.logs(id)).toEqual(['line 0', 'line 1', 'line 2']);
  });
});

describe('a job removed while its worker runs it', () => {
  it('costs the batch no retried calls: the others are acknowledged at once', async () => {
    const spent = async (remove: boolean) => {
      const queue = kept(testQueue(remove ? 'removed' : 'kept'));
      const [mayReturn, release] = gate();
      let started = 0;
      const [bothStarted, both] = gate();
      const registry = new HandlerRegistry().process('x', async (job) => {
        if (++started === 2) both();
        await mayReturn;
        await job.log('done %s', job.id);
        await job.progress(1, 1);
        return 1;
      });
      const [a, b] = await queue.createMany([{ type: 'x' }, { type: 'x' }]);
      const calls = { remaining: 1_000 };
      const batch = runBatch(queue, registry, { budgetMs: 10_000, leaseMs: 30_000, calls });
      await bothStarted;
      if (remove) await queue.remove([a!.id!]);
      release();
      const r = await batch;
      expect(await queue.logs(b!.id!)).toEqual([`done ${b!.id}`]);
      return { completed: r.completed, calls: 1_000 - calls.remaining };
    };
    const untouched = await spent(false);
    const removed = await spent(true);
    expect(untouched.completed).toBe(2);
    expect(removed.completed).toBe(1);
    expect(removed.calls).toBe(untouched.calls);
  }, 30_000);
});
