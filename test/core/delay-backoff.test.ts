import { describe, expect, it } from 'vitest';
import { ack, claim, newQueue, raw } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fails the job's current run and answers its stored fields. */
async function failOnce(queue: ReturnType<typeof newQueue>, type: string, delay?: number) {
  const [c] = await claim(queue, [type]);
  expect(c).toBeDefined();
  const settled = await ack(queue, [{ id: c!.id, ok: false, error: 'boom', delay }]);
  const job = (await queue.getJob(c!.id)).toJSON();
  return { settled: settled[0], job };
}

describe('delays', () => {
  it('a delayed job waits for promote_at, then promotion makes it claimable', async () => {
    const queue = newQueue();
    const job = await queue.create('later', {}).delay(300).save();
    expect(job.state()).toBe('delayed');
    const json = (await queue.getJob(job.id!)).toJSON();
    expect(Number(json.promote_at) - Number(json.created_at)).toBe(300);
    expect((await queue.promote()).promoted).toBe(0);
    expect(await claim(queue, ['later'])).toEqual([]);
    await sleep(350);
    const r = await queue.promote();
    expect(r.promoted).toBe(1);
    expect(r.next_due).toBe(-1);
    expect((await queue.getJob(job.id!)).state()).toBe('inactive');
  });

  it('promote answers when the next delayed job is due', async () => {
    const queue = newQueue();
    const job = await queue.create('later', {}).delay(60_000).save();
    const r = await queue.promote();
    expect(r.next_due).toBe(Number((await queue.getJob(job.id!)).promote_at));
  });

  it('a Date delay is converted to ms from now', async () => {
    const queue = newQueue();
    const job = await queue
      .create('later', {})
      .delay(new Date(Date.now() + 10_000))
      .save();
    expect(job.delay()).toBeGreaterThan(9_000);
    expect(job.delay()).toBeLessThanOrEqual(10_000);
  });
});

describe('attempts and backoff', () => {
  it('without backoff a failed attempt goes straight back to inactive', async () => {
    const queue = newQueue();
    await queue.create('a', {}).attempts(2).save();
    const { settled, job } = await failOnce(queue, 'a');
    expect(settled).toBe('retry');
    expect(job.state).toBe('inactive');
    expect(job.attempts).toEqual({ made: 1, remaining: 1, max: 2 });
    expect(job.error).toBe('boom');
  });

  it('fixed backoff delays each retry by its delay', async () => {
    const queue = newQueue();
    await queue.create('a', {}).attempts(3).backoff({ type: 'fixed', delay: 5_000 }).save();
    const { job } = await failOnce(queue, 'a');
    expect(job.state).toBe('delayed');
    expect(Number(job.promote_at) - Number(job.failed_at)).toBe(5_000);
  });

  it('exponential backoff doubles per attempt, capped by maxDelay', async () => {
    const queue = newQueue();
    await queue
      .create('a', {})
      .attempts(5)
      .backoff({ type: 'exponential', delay: 1_000, maxDelay: 3_000 })
      .save();
    const gaps: number[] = [];
    for (let n = 0; n < 3; n++) {
      const { job } = await failOnce(queue, 'a');
      gaps.push(Number(job.promote_at) - Number(job.failed_at));
      await queue.setState([job.id], 'inactive'); // skip the wait
    }
    expect(gaps).toEqual([1_000, 2_000, 3_000]);
  });

  it('backoff true reuses the job delay', async () => {
    const queue = newQueue();
    const job = await queue.create('a', {}).attempts(2).backoff(true).delay(1).save();
    await sleep(5);
    await queue.promote();
    const { job: after } = await failOnce(queue, 'a');
    expect(after.id).toBe(job.id);
    expect(Number(after.promote_at) - Number(after.failed_at)).toBe(1);
  });

  it('a function backoff uses the delay its caller computed', async () => {
    const queue = newQueue();
    const job = queue
      .create('a', {})
      .attempts(2)
      .backoff((attempt, delay) => attempt * 7_000 + delay);
    await job.save();
    const fn = queue.backoffFunctions.get('a')!;
    const { job: after } = await failOnce(queue, 'a', fn(1, 0));
    expect(Number(after.promote_at) - Number(after.failed_at)).toBe(7_000);
  });

  it('without attempts left the job fails; a success counts as an attempt', async () => {
    const queue = newQueue();
    await queue.createMany([{ type: 'a', options: { attempts: 2 } }, { type: 'b' }]);
    await failOnce(queue, 'a');
    const { settled, job } = await failOnce(queue, 'a');
    expect(settled).toBe('failed');
    expect(job.state).toBe('failed');
    expect(job.attempts).toEqual({ made: 2, remaining: 0, max: 2 });

    const [c] = await claim(queue, ['b']);
    expect(await ack(queue, [{ id: c!.id, ok: true, result: { sent: true } }])).toEqual([
      'complete',
    ]);
    const done = (await queue.getJob(c!.id)).toJSON();
    expect(done).toMatchObject({ state: 'complete', result: { sent: true }, progress: 100 });
    expect(done.attempts.made).toBe(1);
    expect(Number(done.duration)).toBeGreaterThanOrEqual(0);
  });

  it('an ack with a stale token changes nothing (fencing)', async () => {
    const queue = newQueue();
    await queue.create('a', {}).save();
    const [c] = await claim(queue, ['a'], 1, { token: 'right' });
    expect(await ack(queue, [{ id: c!.id, ok: true, token: 'wrong' }])).toEqual(['lost']);
    expect((await queue.getJob(c!.id)).state()).toBe('active');
    expect(await raw.zscore(queue.keys.leases, c!.id)).not.toBeNull();
  });

  it('an expired lease is recovered as a failed attempt', async () => {
    const queue = newQueue();
    await queue.create('a', {}).attempts(2).save();
    const [c] = await claim(queue, ['a'], 1, { leaseMs: 50 });
    await sleep(80);
    expect((await queue.recover()).recovered).toBe(1);
    const job = (await queue.getJob(c!.id)).toJSON();
    expect(job).toMatchObject({ state: 'inactive', error: 'lease expired' });
    expect(job.attempts.made).toBe(1);
  });
});
