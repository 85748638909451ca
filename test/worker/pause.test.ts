// ctx.pause() stops claims of the type in every invocation; resume() (or the pause's timeout)
// lets them through again. Running jobs are not interrupted.
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/index.js';
import { HandlerRegistry, runBatch } from '../../worker-handlers/index.js';
import { dropQueue, sleep, testQueue } from './helpers.js';

const queue = testQueue('pause');
afterAll(() => dropQueue(queue));

describe('pause', () => {
  it('pauses a type from inside a handler until resumed', async () => {
    const ran: string[] = [];
    const registry = new HandlerRegistry()
      .process('mail', 1, async (job, ctx) => {
        ran.push(job.id!);
        if ((job.data as { pause?: boolean }).pause) await ctx.pause();
        return 'sent';
      })
      .process('resumer', async (_job, ctx) => {
        // a handler of another type cannot resume 'mail' through its own ctx: use the queue
        expect(typeof ctx.resume).toBe('function');
        return 'ok';
      });
    const first = await queue.create('mail', { pause: true }).save();
    const r1 = await runBatch(queue, registry, { budgetMs: 5_000, leaseMs: 2_000 });
    expect(r1.completed).toBe(1);
    expect((await queue.counts()).paused).toHaveProperty('mail');

    const later = await queue.createMany([{ type: 'mail' }, { type: 'mail' }]);
    const r2 = await runBatch(queue, registry, { budgetMs: 5_000, leaseMs: 2_000 });
    expect(r2.claimed).toBe(0);
    expect(await queue.inactiveCount('mail')).toBe(2);

    await queue.resume('mail');
    const r3 = await runBatch(queue, registry, { budgetMs: 5_000, leaseMs: 2_000 });
    expect(r3.completed).toBe(2);
    expect(ran).toEqual([first.id, ...later.map((j) => j.id)]);
  });

  it("accepts Kue's callback form and a pause timeout", async () => {
    let paused = false;
    const registry = new HandlerRegistry().process('timed', (_job, done, ctx) => {
      ctx.pause((err) => {
        paused = !err;
        done();
      });
    });
    await queue.create('timed').save();
    await runBatch(queue, registry, { budgetMs: 5_000 });
    expect(paused).toBe(true);
    await queue.resume('timed');

    const timed = new HandlerRegistry().process('timed', async (_job, ctx) => {
      await ctx.pause(400);
    });
    await queue.createMany([{ type: 'timed' }, { type: 'timed' }]);
    const r1 = await runBatch(queue, timed, { budgetMs: 5_000, maxJobs: 1 });
    expect(r1.completed).toBe(1);
    expect((await runBatch(queue, timed, { budgetMs: 5_000 })).claimed).toBe(0);
    await sleep(500);
    expect((await runBatch(queue, timed, { budgetMs: 5_000 })).completed).toBe(1);
  });

  it('a timed pause ends by Redis time: no longer listed once over, and its end is a resume event', async () => {
    const q = testQueue('pause-end');
    try {
      await q.pause('report', 300);
      expect((await q.counts()).paused).toHaveProperty('report');
      await sleep(400);
      // over, though nothing has claimed since: not paused any more
      expect((await q.counts()).paused).toEqual({});
      const { last } = await q.eventStream.read('$');
      await q.create('report').save();
      const registry = new HandlerRegistry().process('report', async () => 'ok');
      const r = await runBatch(q, registry, { budgetMs: 5_000 });
      expect(r.completed).toBe(1);
      const { events } = await q.eventStream.read(last, 100);
      const resumes = events.filter((e) => e.event === 'resume');
      expect(resumes.map((e) => e.args)).toHaveLength(1);
      expect(resumes[0]?.type).toBe('report');
    } finally {
      await dropQueue(q);
    }
  });

  it('refuses a negative, fractional or missing duration and an empty type', async () => {
    for (const ms of [-5, 1.5, Number.NaN, 'x']) {
      const error = await queue.pause('p', ms as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('ms');
    }
    const empty = await queue.pause('', 0).catch((e: unknown) => e);
    expect((empty as ValidationError).field).toBe('type');
    expect((await queue.counts()).paused).not.toHaveProperty('p');
  });
});
