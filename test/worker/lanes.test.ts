// Lanes: an invocation with `lanes: n` runs up to n batches side by side, each leasing up to
// maxJobs per call, but only under a backlog: a light or empty queue costs what one lane does.
import { describe, expect, it } from 'vitest';
import type { Queue } from '../../core/index.js';
import { HandlerRegistry, runTick, runWake } from '../../worker-handlers/index.js';
import { dropAfterAll, sleep, testQueue } from './helpers.js';

const kept = dropAfterAll();
const laneQueue = (label: string): Queue => kept(testQueue(label));

/** A registry whose handler takes a while and records how many bodies ran at once. */
function slowRegistry(ms: number) {
  const seen = { running: 0, max: 0, ran: 0 };
  const registry = new HandlerRegistry().process('laned', async () => {
    seen.running++;
    seen.max = Math.max(seen.max, seen.running);
    await sleep(ms);
    seen.running--;
    seen.ran++;
    return 'ok';
  });
  return { registry, seen };
}

async function waitForRunning(running: () => number, n: number): Promise<void> {
  const until = Date.now() + 10_000;
  while (running() < n) {
    if (Date.now() > until) throw new Error(`only ${running()} of ${n} handlers started`);
    await sleep(10);
  }
}

async function backlog(queue: Queue, n: number) {
  await queue.createMany(Array.from({ length: n }, (_, i) => ({ type: 'laned', data: { i } })));
}

describe('lanes', () => {
  it('runs a backlog in two lanes: twice maxJobs at once, never more, every job once', async () => {
    const queue = laneQueue('lanes-two');
    await backlog(queue, 40);
    const { registry, seen } = slowRegistry(40);
    const r = await runWake(queue, registry, { budgetMs: 15_000, maxJobs: 5, lanes: 2 });
    expect(r).toMatchObject({ claimed: 40, completed: 40, failed: 0, lost: 0 });
    expect(seen.ran).toBe(40);
    expect(seen.max).toBe(10);
    expect(await queue.completeCount('laned')).toBe(40);
  });

  it('one lane (the default) runs at most maxJobs at once', async () => {
    const queue = laneQueue('lanes-one');
    await backlog(queue, 20);
    const { registry, seen } = slowRegistry(40);
    const r = await runWake(queue, registry, { budgetMs: 15_000, maxJobs: 5 });
    expect(r.completed).toBe(20);
    expect(seen.max).toBe(5);
  });

  it('a light queue starts no second lane: the same calls as one lane', async () => {
    const spent = async (lanes: number) => {
      const queue = laneQueue(`lanes-light-${lanes}`);
      await backlog(queue, 3);
      const { registry } = slowRegistry(5);
      const calls = { remaining: 1_000 };
      const r = await runWake(queue, registry, { budgetMs: 10_000, maxJobs: 5, lanes, calls });
      expect(r.completed).toBe(3);
      return 1_000 - calls.remaining;
    };
    const one = await spent(1);
    expect(one).toBeGreaterThan(0);
    expect(await spent(3)).toBe(one);
  });

  it('an idle tick with lanes still makes one call', async () => {
    const queue = laneQueue('lanes-idle');
    const { registry } = slowRegistry(1);
    const calls = { remaining: 1_000 };
    const t = await runTick(queue, registry, {
      budgetMs: 1_200,
      intervalMs: 300,
      lanes: 4,
      calls,
    });
    expect(t).toMatchObject({ claimed: 0, batches: 1 });
    expect(calls.remaining).toBe(999);
  });

  it('shuts every lane down on abort: both lanes stop, nothing is left active', async () => {
    const queue = laneQueue('lanes-abort');
    await queue.createMany(
      Array.from({ length: 30 }, (_, i) => ({
        type: 'laned',
        data: { i },
        options: { attempts: 2 },
      })),
    );
    let running = 0;
    let max = 0;
    // handlers that only end when their signal fires
    const registry = new HandlerRegistry().process('laned', async (_job, ctx) => {
      running++;
      max = Math.max(max, running);
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      running--;
      throw ctx.signal.reason;
    });
    const controller = new AbortController();
    const run = runWake(queue, registry, {
      budgetMs: 20_000,
      graceMs: 500,
      maxJobs: 5,
      lanes: 2,
      signal: controller.signal,
    });
    await waitForRunning(() => running, 10);
    const t = Date.now();
    controller.abort();
    const r = await run;
    expect(Date.now() - t).toBeLessThan(5_000);
    expect(max).toBe(10);
    expect(r).toMatchObject({ claimed: 10, shutdown: 10, completed: 0, lost: 0 });
    expect(await queue.activeCount('laned')).toBe(0);
    // each stopped job goes back to wait, without counting an attempt (given back)
    expect(await queue.inactiveCount('laned')).toBe(30);
  });

  it('keeps back the calls every lane needs to settle what it runs', async () => {
    const queue = laneQueue('lanes-calls');
    await backlog(queue, 60);
    const { registry } = slowRegistry(5);
    const calls = { remaining: 26 };
    const r = await runWake(queue, registry, { budgetMs: 10_000, maxJobs: 5, lanes: 2, calls });
    expect(calls.remaining).toBeGreaterThanOrEqual(0);
    // both lanes claimed (more than one lane's first batch), and claiming stopped while the
    // calls left covered every lane's leases: a claim goes out only while more than
    // 5 + 5 (the other lane's) + 10 calls remain, so at most 26 - 20 calls carry claims of 5
    expect(r.claimed).toBeGreaterThan(5);
    expect(r.claimed).toBeLessThanOrEqual((26 - 20) * 5);
    expect(r).toMatchObject({ completed: r.claimed, lost: 0, failed: 0 });
    expect(await queue.activeCount('laned')).toBe(0);
    expect(await queue.inactiveCount('laned')).toBe(60 - r.claimed);
  });

  it('a first claim that comes back after the invocation closed starts no lane, and returns', async () => {
    // The abort lands while the first claim is in flight: its answer (a full batch, which would
    // start the second lane) arrives with the invocation already closed. A lane started then
    // ends before its first await; counting on it to stay running looped forever.
    const queue = laneQueue('lanes-closed');
    await backlog(queue, 20);
    const { registry, seen } = slowRegistry(5);
    const stop = new AbortController();
    const running = runWake(queue, registry, {
      budgetMs: 10_000,
      maxJobs: 5,
      lanes: 2,
      signal: stop.signal,
    });
    stop.abort();
    const r = await running;
    expect(r.claimed).toBe(5);
    expect(r.completed + r.shutdown).toBe(5);
    expect(seen.ran).toBe(r.completed);
    expect(await queue.activeCount('laned')).toBe(0);
    expect(await queue.inactiveCount('laned')).toBe(20 - r.completed);
  });
});
