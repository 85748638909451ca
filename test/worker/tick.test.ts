// The cron tick: one claim per look promotes, recovers and claims; on an empty queue a tick looks
// once, while jobs wait it looks once per interval (sooner when a delayed job falls due first);
// a Redis outage costs it nothing but time.
import { Redis } from '@upstash/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { Queue } from '../../core/index.js';
import { claimJobs, HandlerRegistry, runTick, runWake } from '../../worker-handlers/index.js';
import { dropQueue, rawJob, sleep, testQueue } from './helpers.js';

const queue = testQueue('tick');
afterAll(() => dropQueue(queue));
const registry = new HandlerRegistry().process('ticked', async () => 'ticked');

describe('cron tick', () => {
  it('promotes a delayed job that falls due before the next interval, and runs it', async () => {
    const job = await queue.create('ticked').delay(300).save();
    const t = await runTick(queue, registry, { budgetMs: 3_000, intervalMs: 10_000 });
    expect(t.completed).toBe(1);
    expect(t.promoted).toBe(1);
    expect((await queue.getJob(job.id!)).state()).toBe('complete');
  });

  it('recovers an expired lease and retries the job in the same look', async () => {
    const job = await queue.create('ticked').attempts(2).save();
    await claimJobs(queue, { types: ['ticked'], leaseMs: 300 });
    await sleep(400);
    const t = await runTick(queue, registry, { budgetMs: 1_000, intervalMs: 10_000 });
    expect(t.completed).toBe(1);
    const h = await rawJob(queue, job.id!);
    expect(h).toMatchObject({ state: 'complete', attempts: '2' });
  });

  it('looks once on an empty queue: one call per tick', async () => {
    const empty = testQueue('tick-empty');
    const t = await runTick(empty, registry, { budgetMs: 1_500, intervalMs: 400 });
    expect(t).toMatchObject({ claimed: 0, batches: 1 });
  });

  it('keeps looking every interval while jobs wait (here: a job of a type it does not serve)', async () => {
    const busy = testQueue('tick-busy');
    await busy.create('not-served', {}).save();
    const t = await runTick(busy, registry, { budgetMs: 1_500, intervalMs: 400 });
    expect(t.claimed).toBe(0);
    // looks at 0, 400, 800 ms; the grace keeps it from starting one at 1,200
    expect(t.batches).toBeGreaterThanOrEqual(2);
    expect(t.batches).toBeLessThanOrEqual(Math.ceil(1_500 / 400));
  });

  it('a woken run stops as soon as the queue is empty', async () => {
    const t = await runWake(queue, registry, { budgetMs: 5_000 });
    expect(t).toMatchObject({ claimed: 0, batches: 1 });
  });

  it('survives Redis being unreachable', async () => {
    const dead = new Queue(new Redis({ url: 'http://127.0.0.1:1', token: 'x', retry: false }), {
      prefix: 'tick_dead',
    });
    const t = await runTick(dead, registry, { budgetMs: 1_000, intervalMs: 200 });
    expect(t.errors).toBeGreaterThanOrEqual(1);
    expect(t.lastError).toMatch(/claim/);
    expect(t.claimed).toBe(0);
  });
});
