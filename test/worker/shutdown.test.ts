// Graceful shutdown: at budget - grace an invocation stops claiming and fires its handlers'
// signals. A run the shutdown cuts (still going at the end of the budget, or stopped because its
// signal fired) goes back without counting an attempt, up to the queue's maxInterruptions, and
// past that fails its attempt with Kue's `Shutdown`. A handler still going may go on running
// (JavaScript cannot stop it), so its job waits a lease's length in delayed first.
import { afterAll, describe, expect, it } from 'vitest';
import { Queue } from '../../core/index.js';
import { HandlerRegistry, runBatch, Shutdown } from '../../worker-handlers/index.js';
import { aroundCalls } from '../support/failing-call.js';
import { testRedis } from '../support/stack.js';
import { dropQueue, rawJob, sleep, testQueue, workerPrefix } from './helpers.js';

const queue = testQueue('shutdown');
afterAll(() => dropQueue(queue));

const CUT = 'cut short by the end of its invocation';

/** Never finishes and ignores its signal; records the signal's reason. */
function stubbornHandler(type: string, seen: { reason?: unknown } = {}) {
  return new HandlerRegistry().process(type, (_job, _done, ctx) => {
    ctx.signal.addEventListener('abort', () => {
      seen.reason = ctx.signal.reason;
    });
  });
}

function queueWith(label: string, options: { maxInterruptions?: number } = {}) {
  return new Queue(testRedis({ enableAutoPipelining: true }), {
    prefix: workerPrefix(label),
    ...options,
  });
}

/** Stops when its signal fires, throwing the signal's reason (as `signal.throwIfAborted()`). */
function politeHandler(type: string, runs = { n: 0 }) {
  return new HandlerRegistry().process(type, async (_job, ctx) => {
    runs.n++;
    await new Promise((_resolve, reject) => {
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
    });
  });
}

async function eventsOf(q: Queue, id: string) {
  const { events } = await q.eventStream.read('0', 1_000);
  return events.filter((e) => e.id === id).map((e) => [e.event, e.args]);
}

describe('shutdown', () => {
  it('gives back a run still going at the end of the budget, to delayed for a lease, without counting an attempt', async () => {
    const job = await queue.create('slow').attempts(1).save();
    const seen: { reason?: unknown } = {};
    const r = await runBatch(queue, stubbornHandler('slow', seen), {
      budgetMs: 1_000,
      graceMs: 400,
      leaseMs: 2_000,
    });
    expect(r).toMatchObject({ claimed: 1, completed: 0, failed: 0, shutdown: 1, lost: 0 });
    expect(seen.reason).toBeInstanceOf(Shutdown);
    const back = await queue.getJob(job.id!);
    // its handler may still be running: nobody takes the job before a lease's length has passed
    expect(back.state()).toBe('delayed');
    expect(Number(back.promote_at) - Number(back.updated_at)).toBe(2_000);
    expect(back.error).toBeUndefined();
    expect(back.attempts()).toMatchObject({ made: 0, remaining: 1 });
    expect(back.interruptions).toBe(1);
    expect(JSON.parse(JSON.stringify(back)).interruptions).toBe(1);
    const never = await queue.create('other').save();
    expect('interruptions' in JSON.parse(JSON.stringify(await queue.getJob(never.id!)))).toBe(
      false,
    );
    await (await queue.getJob(never.id!)).remove();
    const raw = await rawJob(queue, job.id!);
    expect(raw).toMatchObject({ interruptions: '1' });
    expect(raw.lease).toBeUndefined();
    expect(raw.workerId).toBeUndefined();
    expect(await queue.logs(job.id!)).toEqual([
      `${CUT}: given back without counting an attempt (1 of 3), to run again in 2 s`,
    ]);
    expect(await eventsOf(queue, job.id!)).toEqual([
      ['enqueue', ['inactive']],
      ['start', []],
      ['state', ['delayed', 'active']],
    ]);

    await sleep(2_100);
    const quick = new HandlerRegistry().process('slow', async () => 'fine now');
    expect((await runBatch(queue, quick, { budgetMs: 5_000 })).completed).toBe(1);
    const done = await queue.getJob(job.id!);
    expect(done.state()).toBe('complete');
    expect(done.attempts()).toMatchObject({ made: 1 });
  });

  it('gives back a handler that stops when its signal fires straight to inactive', async () => {
    const job = await queue.create('polite').attempts(1).save();
    const r = await runBatch(queue, politeHandler('polite'), { budgetMs: 1_500, graceMs: 1_000 });
    expect(r.shutdown).toBe(1);
    const back = await queue.getJob(job.id!);
    expect(back.state()).toBe('inactive');
    expect(back.attempts()).toMatchObject({ made: 0 });
    expect(await eventsOf(queue, job.id!)).toContainEqual(['state', ['inactive', 'active']]);
  });

  it('a run given back, or moved to inactive by hand, starts over: no progress and no progress data', async () => {
    const job = await queue.create('frames').attempts(1).save();
    const registry = new HandlerRegistry().process('frames', async (j, ctx) => {
      j.progress(31, 200, { frame: 31 });
      await new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
      });
    });
    const r = await runBatch(queue, registry, { budgetMs: 1_500, graceMs: 1_000 });
    expect(r.shutdown).toBe(1);
    const back = await queue.getJob(job.id!);
    expect(back.state()).toBe('inactive');
    expect(back.percent).toBe(0);
    expect(back.progress_data).toBeUndefined();

    // a move to inactive by hand starts over the same way
    const moved = await queue.create('frames-by-hand').save();
    await queue.setState([moved.id!], 'active');
    await queue.touch([{ id: moved.id!, progress: [40, '{"frame":80}'] }], 0);
    expect((await queue.getJob(moved.id!)).progress_data).toEqual({ frame: 80 });
    await queue.setState([moved.id!], 'inactive');
    const again = await queue.getJob(moved.id!);
    expect(again.percent).toBe(0);
    expect(again.progress_data).toBeUndefined();
  });

  it('fails a handler that fails for its own reasons during the grace, as any failure', async () => {
    const job = await queue.create('broken').attempts(1).save();
    const registry = new HandlerRegistry().process('broken', async (_job, ctx) => {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      throw new Error('disk full');
    });
    const r = await runBatch(queue, registry, { budgetMs: 1_000, graceMs: 600 });
    expect(r).toMatchObject({ failed: 1, shutdown: 0 });
    const failed = await queue.getJob(job.id!);
    expect(failed.state()).toBe('failed');
    expect(failed.error).toBe('disk full');
  });

  it('past maxInterruptions, each cut fails an attempt with Shutdown (retried while attempts remain); a retry by hand starts over', async () => {
    const q = queueWith('cuts', { maxInterruptions: 1 });
    try {
      const job = await q.create('long').attempts(2).save();
      const cut = () => runBatch(q, politeHandler('long'), { budgetMs: 800, graceMs: 300 });
      expect((await cut()).shutdown).toBe(1);
      expect((await q.getJob(job.id!)).attempts()).toMatchObject({ made: 0 });
      expect((await cut()).shutdown).toBe(1);
      const retried = await q.getJob(job.id!);
      expect(retried.state()).toBe('inactive');
      expect(retried.error).toBe('Shutdown');
      expect(retried.attempts()).toMatchObject({ made: 1, remaining: 1 });
      expect((await cut()).shutdown).toBe(1);
      const failed = await q.getJob(job.id!);
      expect(failed.state()).toBe('failed');
      expect(failed.attempts()).toMatchObject({ made: 2, remaining: 0 });
      expect(await q.logs(job.id!)).toEqual([
        `${CUT}: given back without counting an attempt (1 of 1)`,
        `${CUT}: attempt failed with Shutdown`,
        `${CUT}: attempt failed with Shutdown`,
      ]);

      await q.retry(job.id!);
      expect((await rawJob(q, job.id!)).interruptions).toBeUndefined();
      expect((await cut()).shutdown).toBe(1);
      expect((await q.getJob(job.id!)).state()).toBe('inactive');
    } finally {
      await dropQueue(q);
    }
  });

  it('maxInterruptions 0 keeps Kue: a handler that stops on its signal fails with Shutdown', async () => {
    const q = queueWith('kue', { maxInterruptions: 0 });
    try {
      const job = await q.create('polite').attempts(1).save();
      const r = await runBatch(q, politeHandler('polite'), { budgetMs: 1_500, graceMs: 1_000 });
      expect(r.shutdown).toBe(1);
      const failed = await q.getJob(job.id!);
      expect(failed.state()).toBe('failed');
      expect(failed.error).toBe('Shutdown');

      // a handler still going when the grace ends: its retry waits a lease, as a given-back run does
      const held = await q.create('slow').attempts(2).save();
      await runBatch(q, stubbornHandler('slow'), { budgetMs: 800, graceMs: 300, leaseMs: 2_000 });
      const waiting = await q.getJob(held.id!);
      expect(waiting.state()).toBe('delayed');
      expect(waiting.error).toBe('Shutdown');
      expect(waiting.attempts()).toMatchObject({ made: 1 });
      expect(Number(waiting.promote_at) - Number(waiting.updated_at)).toBe(2_000);

      // the failed attempt takes its type's custom backoff, as any failed attempt
      const retried = await q
        .create('paced')
        .attempts(2)
        .backoff(() => 0)
        .save();
      const paced = new HandlerRegistry().process(
        'paced',
        { backoff: () => 60_000 },
        async (_job, ctx) => {
          await new Promise((_resolve, reject) => {
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
          });
        },
      );
      await runBatch(q, paced, { budgetMs: 800, graceMs: 300 });
      const later = await q.getJob(retried.id!);
      expect(later.state()).toBe('delayed');
      expect(Number(later.promote_at) - Number(later.updated_at)).toBe(60_000);
    } finally {
      await dropQueue(q);
    }
  });

  it('gives back unrun, counting no interruption, the jobs of a claim answered after shutdown began', async () => {
    const controller = new AbortController();
    const client = aroundCalls('claim', async (send) => {
      const answer = await send();
      controller.abort(); // SIGTERM while the claim's answer travels
      await sleep(20);
      return answer;
    });
    const q = new Queue(client, { prefix: workerPrefix('late') });
    try {
      const jobs = await q.createMany([{ type: 'late' }, { type: 'late' }]);
      const runs = { n: 0 };
      const r = await runBatch(q, politeHandler('late', runs), {
        budgetMs: 10_000,
        graceMs: 300,
        signal: controller.signal,
      });
      expect(r).toMatchObject({ claimed: 2, shutdown: 2, failed: 0, lost: 0 });
      expect(runs.n).toBe(0);
      for (const job of jobs) {
        const raw = await rawJob(q, job.id!);
        expect(raw.state).toBe('inactive');
        expect(raw.interruptions).toBeUndefined();
        expect(raw.attempts).toBeUndefined();
        expect(await q.logs(job.id!)).toEqual([]);
      }
    } finally {
      await dropQueue(q);
    }
  });

  it('an ack that gave a run back, retried after its answer was lost, gives it back once', async () => {
    let lost = 0;
    const client = aroundCalls('ack', async (send) => {
      const answer = await send();
      if (lost++ === 0)
        throw new TypeError('fetch failed: the connection closed before the answer');
      return answer;
    });
    const q = new Queue(client, { prefix: workerPrefix('replay') });
    try {
      const job = await q.create('slow').save();
      const r = await runBatch(q, politeHandler('slow'), { budgetMs: 800, graceMs: 300 });
      expect(lost).toBe(2);
      expect(r).toMatchObject({ shutdown: 1, lost: 0, failed: 0 });
      expect(await rawJob(q, job.id!)).toMatchObject({ state: 'inactive', interruptions: '1' });
      expect(await q.logs(job.id!)).toHaveLength(1);
    } finally {
      await dropQueue(q);
    }
  });

  it('completes a job that finishes within the grace, and claims nothing more', async () => {
    await queue.createMany([{ type: 'graceful' }, { type: 'graceful' }]);
    const registry = new HandlerRegistry().process('graceful', 1, async (_job, ctx) => {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      return 'finished after the signal';
    });
    const r = await runBatch(queue, registry, { budgetMs: 1_000, graceMs: 600 });
    expect(r).toMatchObject({ claimed: 1, completed: 1, shutdown: 0 });
    expect(await queue.inactiveCount('graceful')).toBe(1);
  });

  it('shuts down at once when the caller aborts (SIGTERM), giving back the run it cuts', async () => {
    const job = await queue.create('sigterm').attempts(3).save();
    const controller = new AbortController();
    const registry = new HandlerRegistry().process('sigterm', (_job, _done) => {
      controller.abort(); // and never calls done
    });
    const r = await runBatch(queue, registry, {
      budgetMs: 60_000,
      graceMs: 300,
      leaseMs: 5_000,
      signal: controller.signal,
    });
    expect(r.shutdown).toBe(1);
    expect(r.ms).toBeLessThan(60_000);
    const back = await queue.getJob(job.id!);
    expect(back.state()).toBe('delayed');
    expect(back.attempts()).toMatchObject({ made: 0, remaining: 3 });
  });
});
