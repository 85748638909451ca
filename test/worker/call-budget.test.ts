// A Worker invocation may make a bounded number of subrequests: given a call budget, a batch
// stops claiming while it still has the calls to settle what it runs, and never overspends.
import { afterAll, describe, expect, it } from 'vitest';
import { Queue, type RedisClient } from '../../core/index.js';
import {
  fewestCalls,
  HandlerRegistry,
  runBatch,
  runTick,
  runWake,
} from '../../worker-handlers/index.js';
import { testRedis } from '../support/stack.js';
import { dropQueue, testQueue, workerPrefix } from './helpers.js';

const queue = testQueue('calls');
afterAll(() => dropQueue(queue));

/** The real client, counting the script calls that go out. */
function countingClient() {
  const redis = testRedis({ enableAutoPipelining: true });
  const sent = { calls: 0 };
  const client: RedisClient = {
    evalsha: (sha, keys, args) => {
      sent.calls++;
      return redis.evalsha(sha, keys, args);
    },
    eval: (script, keys, args) => redis.eval(script, keys, args),
  };
  return { client, sent };
}

/** A queue on the counting client, with one job of `type` waiting; dropped afterwards. */
async function withCountedJob(
  type: string,
  body: (q: Queue, sent: { calls: number }) => Promise<void>,
): Promise<void> {
  const { client, sent } = countingClient();
  const q = new Queue(client, { prefix: workerPrefix(type) });
  try {
    await q.createMany([{ type, data: {} }]);
    await body(q, sent);
  } finally {
    await dropQueue(q);
  }
}

describe('call budget', () => {
  it('stops claiming before the budget runs out, and settles what it claimed', async () => {
    await queue.createMany(
      Array.from({ length: 40 }, (_, i) => ({ type: 'counted', data: { i } })),
    );
    const registry = new HandlerRegistry().process('counted', async () => 'ok');
    const calls = { remaining: 20 };
    const r = await runBatch(queue, registry, { budgetMs: 10_000, maxJobs: 2, calls });
    expect(calls.remaining).toBeGreaterThanOrEqual(0);
    expect(r.claimed).toBeGreaterThan(0);
    expect(r.claimed).toBeLessThan(40);
    expect(r.completed).toBe(r.claimed);
    expect(await queue.activeCount('counted')).toBe(0);
    expect(await queue.inactiveCount('counted')).toBe(40 - r.claimed);
  });

  it('claims with fewestCalls(maxJobs, lanes) calls, and not with one fewer', async () => {
    const q = testQueue('fewest');
    try {
      await q.createMany(Array.from({ length: 30 }, (_, i) => ({ type: 'few', data: { i } })));
      const registry = new HandlerRegistry().process('few', async () => 'ok');
      const options = { budgetMs: 10_000, maxJobs: 3, lanes: 2 };
      const least = fewestCalls(3, 2);
      const none = await runWake(q, registry, { ...options, calls: { remaining: least - 1 } });
      expect(none.claimed).toBe(0);
      const some = await runWake(q, registry, { ...options, calls: { remaining: least } });
      expect(some.claimed).toBeGreaterThan(0);
      expect(some.completed).toBe(some.claimed);
    } finally {
      await dropQueue(q);
    }
  });

  it('counts every call a flush of many log lines takes', async () => {
    await withCountedJob('chatty', async (q, sent) => {
      const registry = new HandlerRegistry().process('chatty', async (job) => {
        // ~1 MB of lines between two flushes: a flush of several touch calls
        for (let i = 0; i < 1_000; i++) void job.log('%d %s', i, 'c'.repeat(1_000));
        await new Promise((r) => setTimeout(r, 1_500));
        return 'ok';
      });
      const calls = { remaining: 200 };
      const from = sent.calls;
      const r = await runBatch(q, registry, { budgetMs: 10_000, maxJobs: 1, calls });
      expect(r.completed).toBe(1);
      expect(sent.calls - from).toBeGreaterThan(4);
      expect(200 - calls.remaining).toBe(sent.calls - from);
      expect(await q.logs((await q.range({ from: 0, to: 0 }))[0]!.id!)).toHaveLength(1_000);
    });
  });

  it('holds progress and log lines back for the heartbeat or the ack when flushing them would eat the calls the ack needs', async () => {
    await withCountedJob('progressive', async (q, sent) => {
      const steps = 40;
      const registry = new HandlerRegistry().process('progressive', async (job) => {
        for (let i = 1; i <= steps; i++) {
          await job.progress(i, steps);
          await job.log('step %d', i);
          await new Promise((r) => setTimeout(r, 25));
        }
        return 'ok';
      });
      // The least budget that claims at all; a flush every 10 ms would take some 100 calls.
      const calls = { remaining: fewestCalls(1, 1) };
      const from = sent.calls;
      const r = await runBatch(q, registry, {
        budgetMs: 10_000,
        maxJobs: 1,
        flushIntervalMs: 10,
        calls,
      });
      expect(r.completed).toBe(1);
      expect(sent.calls - from).toBe(fewestCalls(1, 1) - calls.remaining);
      expect(calls.remaining).toBeGreaterThanOrEqual(0);
      const [job] = await q.range({ from: 0, to: 0 });
      expect(job!.state()).toBe('complete');
      // Nothing held back is lost: every line reached Redis, with the ack at the latest.
      expect(await q.logs(job!.id!)).toHaveLength(steps);
    });
  });

  it('still flushes progress as it comes while the budget has calls to spare', async () => {
    await withCountedJob('progressive', async (q, sent) => {
      const registry = new HandlerRegistry().process('progressive', async (job) => {
        for (let i = 1; i <= 10; i++) {
          await job.progress(i, 10);
          await new Promise((r) => setTimeout(r, 40));
        }
        return 'ok';
      });
      const from = sent.calls;
      const r = await runBatch(q, registry, {
        budgetMs: 10_000,
        maxJobs: 1,
        flushIntervalMs: 10,
        calls: { remaining: 1_000 },
      });
      expect(r.completed).toBe(1);
      // A claim, an ack, and a flush for most of the ten steps.
      expect(sent.calls - from).toBeGreaterThan(6);
    });
  });

  it('ends a tick whose calls are spent', async () => {
    const registry = new HandlerRegistry().process('counted', async () => 'ok');
    const calls = { remaining: 5 };
    const t = await runTick(queue, registry, { budgetMs: 10_000, maxJobs: 2, calls });
    expect(t.claimed).toBe(0);
    expect(t.ms).toBeLessThan(10_000);
    expect(calls.remaining).toBe(5);
  });
});
