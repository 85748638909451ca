// The cron tick: one claim per look promotes, recovers and claims; a tick that finds nothing to
// claim looks again only when a delayed job falls due or a lease held elsewhere ends, so an empty
// queue, or one whose waiting jobs this worker cannot claim, costs one call; while a long job
// runs, what falls due or is created starts in a free slot; a Redis outage costs nothing but time.
import { Redis } from '@upstash/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { createQueue, Queue, type RedisClient } from '../../core/index.js';
import {
  claimJobs,
  HandlerRegistry,
  RunningBatches,
  runBatch,
  runTick,
  runWake,
} from '../../worker-handlers/index.js';
import { testRedis } from '../support/stack.js';
import { dropQueue, rawJob, sleep, testQueue, workerPrefix } from './helpers.js';

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

  it('makes one call when what waits cannot be claimed here: another type, a paused type, a job due after its budget', async () => {
    const busy = testQueue('tick-busy');
    await busy.create('not-served', {}).save();
    await busy.create('ticked', {}).delay(3_600_000).save();
    const paused = testQueue('tick-paused');
    await paused.create('ticked', {}).save();
    await paused.pause('ticked');
    for (const q of [busy, paused]) {
      const t = await runTick(q, registry, { budgetMs: 1_500, intervalMs: 200 });
      expect(t.claimed).toBe(0);
      // (it looked every interval before: 5 calls)
      expect(t.batches).toBe(1);
      await dropQueue(q);
    }
  });

  it('looks again when a lease held elsewhere ends, and recovers it within the tick', async () => {
    const job = await queue.create('ticked').attempts(2).save();
    await claimJobs(queue, { types: ['ticked'], leaseMs: 600 });
    const t = await runTick(queue, registry, { budgetMs: 3_000, intervalMs: 10_000 });
    expect(t.completed).toBe(1);
    expect(await rawJob(queue, job.id!)).toMatchObject({ state: 'complete', attempts: '2' });
  });

  it('while a long job runs, starts a job that falls due, a retry whose backoff ends and a job a wake-up brings, in free slots', async () => {
    const q = testQueue('tick-long');
    const started = new Map<string, number>();
    let longEnded = 0;
    const running = new RunningBatches();
    const reg = new HandlerRegistry()
      .process('long', async () => {
        await sleep(3_000);
        longEnded = Date.now();
      })
      .process('short', async (job) => {
        const { name } = job.data as { name: string };
        started.set(name, Date.now());
        if (name === 'flaky' && job.attempts().made === 0) throw new Error('once');
      });
    await q.create('long', {}).save();
    await q.create('short', { name: 'due' }).delay(500).save();
    await q
      .create('short', { name: 'flaky' })
      .attempts(2)
      .backoff({ type: 'fixed', delay: 500 })
      .save();
    const tick = runTick(q, reg, { budgetMs: 6_000, intervalMs: 10_000, maxJobs: 5, running });
    await sleep(1_000);
    await q.create('short', { name: 'created' }).save();
    // what a server's in-process wake-up does with a created job
    expect(running.wake()).toBe(true);
    const t = await tick;
    expect(t.completed).toBe(4);
    expect(longEnded).toBeGreaterThan(0);
    for (const name of ['due', 'flaky', 'created']) {
      expect(started.get(name), name).toBeLessThan(longEnded);
    }
    expect(running.size).toBe(0);
    await dropQueue(q);
  });

  it('a job due past its budget (or past the 2^31 ms a timer holds) sets no look while a job runs', async () => {
    const q = testQueue('tick-far');
    const reg = new HandlerRegistry().process('slow', async () => {
      await sleep(800);
    });
    await q.create('slow', {}).save();
    await q
      .create('slow', {})
      .delay(30 * 86_400_000)
      .save();
    const calls = { remaining: 1_000 };
    const t = await runBatch(q, reg, { budgetMs: 3_000, calls });
    expect(t.completed).toBe(1);
    // the claim and the ack (a timer that overflowed would claim again and again)
    expect(1_000 - calls.remaining).toBeLessThanOrEqual(3);
    await dropQueue(q);
  });

  it('never runs more than maxJobs at once when a top-up claim and an ack claim race for the same slots', async () => {
    const fast = testRedis();
    // every call 300 ms late: a top-up is still on its way when the next ack goes
    const slow: RedisClient = {
      evalsha: async (sha, keys, args) => {
        await sleep(300);
        return fast.evalsha(sha, keys, args);
      },
      eval: (script, keys, args) => fast.eval(script, keys, args),
    };
    const q = createQueue({ redis: slow }, { prefix: workerPrefix('tick-race') });
    const running = new RunningBatches();
    let now = 0;
    let peak = 0;
    const hold = async (ms: number, then?: () => void) => {
      now++;
      peak = Math.max(peak, now);
      await sleep(ms);
      then?.();
      await sleep(30);
      now--;
    };
    const reg = new HandlerRegistry()
      .process('long', () => hold(4_000))
      .process('s1', () => hold(1_000, () => running.wake()))
      .process('hold', () => hold(2_000));
    await q.create('long', {}).save();
    await q.create('s1', {}).save();
    const batch = runBatch(q, reg, { maxJobs: 3, running, budgetMs: 20_000 });
    await sleep(500);
    for (let i = 0; i < 6; i++) await q.create('hold', {}).save();
    const r = await batch;
    expect(r.completed).toBe(8);
    expect(peak).toBeLessThanOrEqual(3);
    await dropQueue(q);
  });

  it('a slot of a concurrency-limited type that frees while a long job runs takes the next job of that type', async () => {
    const q = testQueue('tick-limited');
    const log: string[] = [];
    const reg = new HandlerRegistry()
      .process('long', async () => {
        await sleep(3_000);
        log.push('long end');
      })
      .process('x', () => sleep(200))
      .process('t', 1, async (job) => {
        log.push(`t${(job.data as { n: number }).n} start`);
        await sleep(500);
      });
    await q.create('long', {}).save();
    await q.create('x', {}).save();
    await q.create('t', { n: 1 }).save();
    await q.create('t', { n: 2 }).save();
    const r = await runTick(q, reg, { budgetMs: 10_000, maxJobs: 5 });
    expect(r.completed).toBe(4);
    // (t2 started when the long job ended, before)
    expect(log).toEqual(['t1 start', 't2 start', 'long end']);
    await dropQueue(q);
  });

  it('runs a job whose ttl is past what a timer holds (30 days) instead of failing it at once', async () => {
    const q = testQueue('tick-ttl');
    const job = await q
      .create('ticked-slowly', {})
      .ttl(30 * 86_400_000)
      .save();
    const slowly = new HandlerRegistry().process('ticked-slowly', () => sleep(200));
    const r = await runBatch(q, slowly, { budgetMs: 3_000 });
    expect(r.completed).toBe(1);
    expect((await q.getJob(job.id!)).state()).toBe('complete');
    await dropQueue(q);
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
