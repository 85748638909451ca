// Graceful shutdown: at budget - grace an invocation stops claiming and fires its handlers'
// signals; a run still going at the end of the budget (or one that stops on the signal) is cut:
// the job goes back without counting an attempt, up to the queue's maxInterruptions, and past
// that fails its attempt with Kue's `Shutdown`.
import { afterAll, describe, expect, it } from 'vitest';
import { Queue } from '../../core/index.js';
import { HandlerRegistry, runBatch, Shutdown } from '../../worker-handlers/index.js';
import { aroundCalls } from '../support/failing-call.js';
import { testRedis } from '../support/stack.js';
import { dropQueue, rawJob, testQueue, workerPrefix } from './helpers.js';

const queue = testQueue('shutdown');
afterAll(() => dropQueue(queue));

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

/** Stops when its signal fires, with an error of its own. */
function politeHandler(type: string) {
  return new HandlerRegistry().process(type, async (_job, ctx) => {
    await new Promise((_resolve, reject) => {
      ctx.signal.addEventListener('abort', () => reject(new Error('aborted by signal')));
    });
  });
}

describe('shutdown', () => {
  it('gives back a run the end of the budget cuts, without counting an attempt, and says so in its log', async () => {
    const job = await queue.create('slow').attempts(1).save();
    const seen: { reason?: unknown } = {};
    const r = await runBatch(queue, stubbornHandler('slow', seen), {
      budgetMs: 1_000,
      graceMs: 400,
      leaseMs: 5_000,
    });
    expect(r).toMatchObject({ claimed: 1, completed: 0, failed: 0, shutdown: 1, lost: 0 });
    expect(seen.reason).toBeInstanceOf(Shutdown);
    const back = await queue.getJob(job.id!);
    expect(back.state()).toBe('inactive');
    expect(back.error).toBeUndefined();
    expect(back.attempts()).toMatchObject({ made: 0, remaining: 1 });
    const raw = await rawJob(queue, job.id!);
    expect(raw).toMatchObject({ interruptions: '1' });
    expect(raw.lease).toBeUndefined();
    expect(raw.workerId).toBeUndefined();
    expect(await queue.logs(job.id!)).toEqual([
      'cut short by the end of its invocation: given back without counting an attempt (1 of 3)',
    ]);
    const moves = (await queue.eventStream.read('0', 1_000)).events
      .filter((e) => e.id === job.id)
      .map((e) => [e.event, e.args]);
    expect(moves).toEqual([
      ['enqueue', ['inactive']],
      ['start', []],
      ['state', ['inactive', 'active']],
    ]);

    const quick = new HandlerRegistry().process('slow', async () => 'fine now');
    expect((await runBatch(queue, quick, { budgetMs: 5_000 })).completed).toBe(1);
    const done = await queue.getJob(job.id!);
    expect(done.state()).toBe('complete');
    expect(done.attempts()).toMatchObject({ made: 1 });
  });

  it('past maxInterruptions, each cut fails an attempt with Shutdown (retried while attempts remain)', async () => {
    const q = queueWith('cuts', { maxInterruptions: 1 });
    try {
      const job = await q.create('long').attempts(2).save();
      const cut = () => runBatch(q, stubbornHandler('long'), { budgetMs: 800, graceMs: 300 });
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
        'cut short by the end of its invocation: given back without counting an attempt (1 of 1)',
        'cut short by the end of its invocation: attempt failed with Shutdown',
        'cut short by the end of its invocation: attempt failed with Shutdown',
      ]);
    } finally {
      await dropQueue(q);
    }
  });

  it('maxInterruptions 0 keeps Kue: a cooperative handler that stops on the signal fails with Shutdown', async () => {
    const q = queueWith('kue', { maxInterruptions: 0 });
    try {
      const job = await q.create('polite').attempts(1).save();
      const r = await runBatch(q, politeHandler('polite'), { budgetMs: 1_500, graceMs: 1_000 });
      expect(r.shutdown).toBe(1);
      const failed = await q.getJob(job.id!);
      expect(failed.state()).toBe('failed');
      expect(failed.error).toBe('Shutdown');
    } finally {
      await dropQueue(q);
    }
  });

  it('gives back a cooperative handler that stops when the signal fires', async () => {
    const job = await queue.create('polite').attempts(1).save();
    const r = await runBatch(queue, politeHandler('polite'), { budgetMs: 1_500, graceMs: 1_000 });
    expect(r.shutdown).toBe(1);
    const back = await queue.getJob(job.id!);
    expect(back.state()).toBe('inactive');
    expect(back.attempts()).toMatchObject({ made: 0 });
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
      const r = await runBatch(q, stubbornHandler('slow'), { budgetMs: 800, graceMs: 300 });
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

  it('shuts down at once when the caller aborts (SIGTERM), giving the run back', async () => {
    const job = await queue.create('sigterm').attempts(3).save();
    const controller = new AbortController();
    const registry = new HandlerRegistry().process('sigterm', (_job, _done) => {
      controller.abort(); // and never calls done
    });
    const r = await runBatch(queue, registry, {
      budgetMs: 60_000,
      graceMs: 300,
      signal: controller.signal,
    });
    expect(r.shutdown).toBe(1);
    expect(r.ms).toBeLessThan(60_000);
    const back = await queue.getJob(job.id!);
    expect(back.state()).toBe('inactive');
    expect(back.attempts()).toMatchObject({ made: 0, remaining: 3 });
  });
});
