import { describe, expect, it } from 'vitest';
import { ack, claim, newQueue } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOUR = 3_600_000;

/** A job waiting out a 1-hour fixed backoff after one failed attempt (its own delay long past). */
async function backingOff(queue: ReturnType<typeof newQueue>) {
  const job = await queue
    .create('mail', { to: 'a' })
    .delay(100)
    .attempts(3)
    .backoff({ type: 'fixed', delay: HOUR })
    .save();
  await sleep(150);
  const [c] = await claim(queue, ['mail']); // promotes, then claims
  expect(c?.id).toBe(job.id);
  expect(await ack(queue, [{ id: job.id!, ok: false, error: 'smtp down' }])).toEqual(['retry']);
  const loaded = await queue.getJob(job.id!);
  expect(loaded.state()).toBe('delayed');
  return loaded;
}

describe('job.update() of a delayed job', () => {
  it('keeps its due time when the delay was not changed (a backoff is not cancelled)', async () => {
    const queue = newQueue();
    const loaded = await backingOff(queue);
    const due = loaded.promote_at;
    (loaded.data as { to: string }).to = 'b';
    await loaded.update();
    const after = await queue.getJob(loaded.id!);
    expect(after.data).toEqual({ to: 'b' });
    expect(after.state()).toBe('delayed');
    expect(after.promote_at).toBe(due);
    expect(Number(after.promote_at) - Number(after.failed_at)).toBe(HOUR);
    expect(await claim(queue, ['mail'], 1, { token: 'token-2' })).toEqual([]);
    // a priority change goes through the same script: it leaves the due time too
    await queue.setPriority(loaded.id!, 'high');
    expect((await queue.getJob(loaded.id!)).promote_at).toBe(due);
  });

  it('keeps a delay set by hand on a job never run', async () => {
    const queue = newQueue();
    const job = await queue.create('mail', { to: 'a' }).delay(HOUR).save();
    const loaded = await queue.getJob(job.id!);
    loaded.priority('high');
    await loaded.update();
    const after = await queue.getJob(job.id!);
    expect(after.promote_at).toBe(loaded.promote_at);
    expect(after.priority()).toBe(-10);
  });

  it('moves the due time when the caller set a delay: from failed_at, else created_at (Kue)', async () => {
    const queue = newQueue();
    const loaded = await backingOff(queue);
    await loaded.delay(2 * HOUR).update();
    let after = await queue.getJob(loaded.id!);
    expect(after.delay()).toBe(2 * HOUR);
    expect(Number(after.promote_at) - Number(after.failed_at)).toBe(2 * HOUR);
    expect(loaded.promote_at).toBe(after.promote_at);
    // written once: a later update() of the same object without a new delay() keeps the time
    await queue.setState([loaded.id!], 'delayed'); // promote_at = now + delay
    const moved = (await queue.getJob(loaded.id!)).promote_at;
    await loaded.update();
    expect((await queue.getJob(loaded.id!)).promote_at).toBe(moved);

    // a job that never failed measures its delay from its creation, as when it was created
    const fresh = await queue.create('mail', {}).delay(HOUR).save();
    const again = await queue.getJob(fresh.id!);
    await again.delay(0).update();
    after = await queue.getJob(fresh.id!);
    expect(after.promote_at).toBe(after.created_at);
    const [c] = await claim(queue, ['mail'], 1, { token: 'token-3' });
    expect(c?.id).toBe(fresh.id);
  });
});
