// Handlers in both of Kue's styles run inside a batch; results, errors, logs and progress land
// on the job; chatty handlers are coalesced into a few touch calls.
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/index.js';
import { HandlerRegistry, runBatch } from '../../worker-handlers/index.js';
import { bridgeStats } from '../support/stack.js';
import { dropQueue, rawJob, sleep, testQueue } from './helpers.js';

const queue = testQueue('handlers');
afterAll(() => dropQueue(queue));

describe('handlers', () => {
  it('gives both styles one context: the same signal, worker id, pause and resume', async () => {
    const seen: Record<string, unknown> = {};
    const registry = new HandlerRegistry()
      .process('ctx-cb', (_job, done, ctx) => {
        seen.sameSignal = done.signal === ctx.signal;
        seen.worker = done.workerId === ctx.workerId;
        // Kue's callback form of pause, through `done`; resume right after
        done.pause(async (err) => {
          seen.pausedErr = err;
          seen.paused = Object.keys((await queue.counts()).paused);
          await done.resume();
          done(null, 'ok');
        });
      })
      .process('ctx-async', async (_job, ctx) => {
        seen.aborted = ctx.signal.aborted;
        return 'ok';
      });
    await queue.createMany([{ type: 'ctx-cb' }, { type: 'ctx-async' }]);
    const r = await runBatch(queue, registry, { budgetMs: 10_000, leaseMs: 2_000, maxJobs: 10 });
    expect(r.completed).toBe(2);
    expect(seen).toEqual({
      sameSignal: true,
      worker: true,
      pausedErr: undefined,
      paused: ['ctx-cb'],
      aborted: false,
    });
    expect((await queue.counts()).paused).toEqual({});
  });

  it("runs Kue's callback style and the async style, storing results and errors", async () => {
    const registry = new HandlerRegistry()
      .process('cb', (job, done) => {
        setTimeout(() => done(null, { doubled: (job.data as { n: number }).n * 2 }), 10);
      })
      .process('cb-fail', (_job, done) => {
        done(new Error('callback said no'));
      })
      .process('async', async (job, ctx) => {
        expect(ctx.signal.aborted).toBe(false);
        return `hello ${(job.data as { name: string }).name}`;
      })
      .process('async-fail', async () => {
        throw new Error('async said no');
      })
      .process('three', (job, done, ctx) => {
        done(null, { worker: ctx.workerId.startsWith('edgekue:'), id: job.id });
      });
    const jobs = await queue.createMany([
      { type: 'cb', data: { n: 21 } },
      { type: 'cb-fail' },
      { type: 'async', data: { name: 'tj' } },
      { type: 'async-fail', options: { attempts: 2 } },
      { type: 'three' },
    ]);
    const r = await runBatch(queue, registry, { budgetMs: 10_000, leaseMs: 2_000, maxJobs: 10 });
    expect(r.claimed).toBe(6); // async-fail runs twice: its retry is claimed by the ack
    expect(r.completed).toBe(3);
    expect(r.failed).toBe(3);
    const [cb, cbFail, asy, asyFail, three] = await queue.getJobs(jobs.map((j) => j.id!));
    expect(cb!.state()).toBe('complete');
    expect(cb!.result).toEqual({ doubled: 42 });
    expect(cbFail!.state()).toBe('failed');
    expect(cbFail!.error).toBe('callback said no');
    expect(asy!.result).toBe('hello tj');
    expect(asyFail!.state()).toBe('failed');
    expect(asyFail!.attempts()).toEqual({ made: 2, remaining: 0, max: 2 });
    expect(three!.result).toEqual({ worker: true, id: three!.id });
    expect((await rawJob(queue, cb!.id!)).lease).toBeUndefined();
  });

  it('lets a handler drop a refused progress or log call, as Kue code does, without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let awaited: unknown;
      const registry = new HandlerRegistry().process('voided', (job, done) => {
        // Kue's README calls progress without awaiting; a NaN total is refused
        void job.progress(1, Number.NaN);
        void job.progress(1, 2, { big: 'x'.repeat(2 * 1024 * 1024) });
        job.progress(1, 0).catch((error: unknown) => {
          awaited = error;
        });
        setTimeout(() => done(null, 'still done'), 20);
      });
      const created = await queue.create('voided').save();
      const r = await runBatch(queue, registry, { budgetMs: 5_000 });
      expect(r.completed).toBe(1);
      expect((await queue.getJob(created.id!)).state()).toBe('complete');
      expect(awaited).toBeInstanceOf(ValidationError);
      // a rejection is reported after a turn of the event loop
      await sleep(50);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it("leaves a finished job's progress alone when a flush arrives after its ack", async () => {
    const job = await queue.create('late').save();
    const registry = new HandlerRegistry().process('late', async () => 'ok');
    await runBatch(queue, registry, { budgetMs: 5_000 });
    const events: string[] = [];
    queue.on('job progress', (id) => {
      if (id === job.id) events.push('progress');
    });
    // what the ack's last writes look like when they travel after it (sent again on NOSCRIPT)
    await queue.touch([{ id: job.id!, progress: [50, '{"half":true}'], logs: ['late line'] }]);
    const done = await queue.getJob(job.id!);
    expect(done.state()).toBe('complete');
    expect(done.toJSON().progress).toBe(100);
    expect(done.progress_data).toBeUndefined();
    expect(await queue.logs(job.id!)).toEqual(['late line']);
    await sleep(300);
    expect(events).toEqual([]);
  });

  it('writes log lines in order and the latest progress, coalesced into few touch calls', async () => {
    const registry = new HandlerRegistry().process('chatty', async (job) => {
      for (let i = 1; i <= 200; i++) {
        await job.log('line %d', i);
        await job.progress(i, 200, { step: i });
      }
      await sleep(1_200);
      await job.log('last');
      return 'ok';
    });
    const job = await queue.create('chatty').save();
    const before = await bridgeStats();
    await runBatch(queue, registry, { budgetMs: 10_000, leaseMs: 30_000 });
    const after = await bridgeStats();
    const logs = await queue.logs(job.id!);
    expect(logs).toHaveLength(201);
    expect(logs.slice(0, 3)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(logs.at(-1)).toBe('last');
    const done = await queue.getJob(job.id!);
    expect(done.state()).toBe('complete');
    expect(done.progress_data).toEqual({ step: 200 });
    // 400 writes; other test files share the bridge, so bound our own evalsha calls loosely:
    // claim + ack + a flush or two of writes, not hundreds.
    const calls = (after.byCommand.evalsha ?? 0) - (before.byCommand.evalsha ?? 0);
    expect(calls).toBeLessThan(40);
  });

  it('gives no job to a type without a handler and stops at once on an empty queue', async () => {
    await queue.create('nobody-handles-me').save();
    const registry = new HandlerRegistry().process('someone', async () => 1);
    const r = await runBatch(queue, registry, { budgetMs: 5_000 });
    expect(r).toMatchObject({ claimed: 0, completed: 0, failed: 0 });
  });
});
