import { describe, expect, it } from 'vitest';
import { ack, claim, newQueue } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('progress across attempts', () => {
  it('a failed attempt that retries starts over: no progress, no progress data', async () => {
    const queue = newQueue();
    const job = await queue.create('render', {}).attempts(3).save();
    await claim(queue, ['render']);
    await queue.touch([{ id: job.id!, token: 'token-1', progress: [80, '{"frame":80}'] }], 30_000);
    expect((await queue.getJob(job.id!)).percent).toBe(80);
    expect(await ack(queue, [{ id: job.id!, ok: false, error: 'crash' }])).toEqual(['retry']);
    const j = await queue.getJob(job.id!);
    expect([j.state(), j.percent, j.progress_data]).toEqual(['inactive', 0, undefined]);
    const [c] = await claim(queue, ['render'], 1, { token: 'token-2' });
    expect([c?.hash.progress, c?.hash.progress_data]).toEqual([undefined, undefined]);
  });

  it('a retry after a backoff, or after a lost lease, starts over too', async () => {
    const queue = newQueue();
    const job = await queue
      .create('render', {})
      .attempts(3)
      .backoff({ type: 'fixed', delay: 60_000 })
      .save();
    await claim(queue, ['render'], 1, { leaseMs: 100 });
    await queue.touch([{ id: job.id!, token: 'token-1', progress: [40, '{"frame":40}'] }]);
    await sleep(150);
    await queue.recover();
    const j = await queue.getJob(job.id!);
    expect([j.state(), j.error, j.percent, j.progress_data]).toEqual([
      'delayed',
      'lease expired',
      0,
      undefined,
    ]);
  });

  it('a job that fails for good keeps the progress it died at', async () => {
    const queue = newQueue();
    const job = await queue.create('render', {}).attempts(2).save();
    await claim(queue, ['render']);
    await queue.touch([{ id: job.id!, token: 'token-1', progress: [30, '{"frame":30}'] }]);
    await ack(queue, [{ id: job.id!, ok: false, error: 'crash' }]);
    await claim(queue, ['render'], 1, { token: 'token-2' });
    await queue.touch([{ id: job.id!, token: 'token-2', progress: [70, '{"frame":70}'] }]);
    expect(
      await ack(queue, [{ id: job.id!, token: 'token-2', ok: false, error: 'crash' }]),
    ).toEqual(['failed']);
    const j = await queue.getJob(job.id!);
    expect([j.state(), j.percent, j.progress_data]).toEqual(['failed', 70, { frame: 70 }]);
  });
});
