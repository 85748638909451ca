import { describe, expect, it } from 'vitest';
import { ack, claim, newQueue } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The failed and complete jobs throughput() counts over the last two minutes. */
async function counted(queue: ReturnType<typeof newQueue>) {
  const { minutes } = await queue.throughput(2);
  return {
    complete: minutes.reduce((n, m) => n + m[1], 0),
    failed: minutes.reduce((n, m) => n + m[2], 0),
  };
}

describe('throughput counts every job that fails for good, once', () => {
  it('by a handler error (ack), a vanished worker (recover) and a ttl (claim)', async () => {
    const queue = newQueue();
    const byAck = await queue.create('x', {}).save();
    const byLease = await queue.create('x', {}).save();
    const byTtl = await queue.create('x', {}).ttl(100).save();
    const retried = await queue.create('x', {}).attempts(2).save();
    const done = await queue.create('x', {}).save();
    expect((await claim(queue, ['x'], 5, { leaseMs: 150 })).length).toBe(5);
    expect(
      await ack(queue, [
        { id: byAck.id!, ok: false, error: 'boom' },
        { id: done.id!, ok: true },
      ]),
    ).toEqual(['failed', 'complete']);
    expect(await counted(queue)).toEqual({ complete: 1, failed: 1 });
    await sleep(250);
    // recovery by the recover script: the expired leases fail for good (a retry is not counted)
    expect((await queue.recover()).recovered).toBe(3);
    const states = (await queue.getJobs([byLease.id!, byTtl.id!, retried.id!])).map((j) => [
      j.state(),
      j.error,
    ]);
    expect(states).toEqual([
      ['failed', 'lease expired'],
      ['failed', 'TTL exceeded'],
      ['inactive', 'lease expired'],
    ]);
    expect(await counted(queue)).toEqual({ complete: 1, failed: 3 });
    // recovery inside a claim, and inside an ack's claim, count too
    const [again] = await claim(queue, ['x'], 1, { leaseMs: 100, token: 'token-2' });
    expect(again?.id).toBe(retried.id);
    await sleep(200);
    expect(await claim(queue, ['x'], 1, { token: 'token-3' })).toEqual([]);
    expect((await queue.getJob(retried.id!)).state()).toBe('failed');
    expect(await counted(queue)).toEqual({ complete: 1, failed: 4 });
  });

  it('recovery riding on an ack counts its failures beside the ack own', async () => {
    const queue = newQueue();
    const a = await queue.create('y', {}).save();
    const b = await queue.create('y', {}).save();
    await claim(queue, ['y'], 1, { leaseMs: 100 });
    await claim(queue, ['y'], 1, { leaseMs: 60_000, token: 'token-2' });
    await sleep(150);
    const r = await queue.scripts.run<{ settled: string[] }>('ack', {
      done: [{ id: b.id!, token: 'token-2', ok: false, error: 'boom', delay: -1 }],
      claim: {
        count: 1,
        lease_ms: 60_000,
        token: 'token-3',
        worker: 'w',
        types: [{ type: 'y', concurrency: 0 }],
      },
    });
    expect(r.settled).toEqual(['failed']);
    expect((await queue.getJob(a.id!)).state()).toBe('failed');
    expect(await counted(queue)).toEqual({ complete: 0, failed: 2 });
  });
});
