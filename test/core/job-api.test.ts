import { describe, expect, it } from 'vitest';
import { InvalidState, JobNotFound, ValidationError } from '../../core/index.js';
import { newQueue, raw } from './helpers.js';

describe('job instance API', () => {
  it('log() formats printf-style and keeps lines in order', async () => {
    const queue = newQueue();
    const job = await queue.create('email', {}).save();
    await job.log('$%d sent to %s', 10, 'tj');
    await job.log('payload %j', { a: [1, 2] });
    await job.log('object %o and 100%% done', { b: 'c' });
    await job.log({ plain: true });
    expect(await queue.logs(job.id!)).toEqual([
      '$10 sent to tj',
      'payload {"a":[1,2]}',
      'object {"b":"c"} and 100% done',
      '{"plain":true}',
    ]);
  });

  it('progress stores min(100, floor(completed*100/total)) and its data', async () => {
    const queue = newQueue();
    const job = await queue.create('video', {}).save();
    await job.progress(1, 3, { frame: 1 });
    let json = (await queue.getJob(job.id!)).toJSON();
    expect(json.progress).toBe(33);
    expect(json.progress_data).toEqual({ frame: 1 });
    await job.progress(500, 200);
    json = (await queue.getJob(job.id!)).toJSON();
    expect(json.progress).toBe(100);
    await expect(job.progress(1, 0)).rejects.toBeInstanceOf(ValidationError);
  });

  it('state() moves a job and the shorthand methods work', async () => {
    const queue = newQueue();
    const job = await queue.create('email', {}).save();
    await job.failed();
    expect((await queue.getJob(job.id!)).state()).toBe('failed');
    expect(await queue.failedCount('email')).toBe(1);
    await job.inactive();
    expect(await queue.inactiveCount('email')).toBe(1);
    await expect(job.state('bogus' as never)).rejects.toBeInstanceOf(InvalidState);
  });

  it('a move by hand to delayed starts the job over, and one to active is held no longer than its ttl', async () => {
    const queue = newQueue();
    const job = await queue.create('video', {}).ttl(2_000).save();
    await job.progress(40, 100, { frame: 40 });
    await queue.setState([job.id!], 'delayed');
    const moved = await queue.getJob(job.id!);
    expect(moved.state()).toBe('delayed');
    expect(moved.toJSON().progress).toBe(0);
    expect(moved.toJSON().progress_data).toBeUndefined();
    await queue.setState([job.id!], 'active', { leaseMs: 60_000 });
    const held = await queue.getJob(job.id!);
    const until = Number((await raw.hget(queue.keys.job(job.id!), 'lu')) ?? 0);
    expect(until - Number(held.started_at)).toBe(2_000);
  });

  it('retry resets attempts and requeues', async () => {
    const queue = newQueue();
    const job = await queue.create('email', {}).save();
    await job.failed();
    await queue.retry(job.id!);
    const json = (await queue.getJob(job.id!)).toJSON();
    expect(json.state).toBe('inactive');
    expect(json.attempts.made).toBe(0);
    expect(await queue.retryAll('failed')).toBe(0);
  });

  it('onRequeue hears jobs sent back to inactive, with the type where one is named, and nothing else', async () => {
    const queue = newQueue();
    const heard: (string | undefined)[] = [];
    const off = queue.onRequeue((type) => heard.push(type));
    const a = await queue.create('email', {}).save();
    const b = await queue.create('email', {}).save();
    await queue.setState([a.id!, b.id!], 'failed');
    await queue.setState([a.id!], 'complete');
    expect(heard).toEqual([]);
    await queue.retry(a.id!);
    await queue.setState([b.id!], 'inactive');
    await queue.setState([a.id!, b.id!], 'failed');
    expect(await queue.retryAll('failed', 'email')).toBe(2);
    expect(await queue.retryAll('failed', 'email')).toBe(0);
    await b.failed();
    await b.inactive();
    await queue.pause('email');
    await queue.resume('email');
    expect(heard).toEqual([undefined, undefined, 'email', undefined, 'email']);
    off();
    await queue.retry(a.id!);
    expect(heard).toHaveLength(5);
  });

  it('retryAll goes over every job of a state, past one call of 1,000, inactive ones too', async () => {
    const queue = newQueue();
    const n = 2_050;
    await queue.createMany(Array.from({ length: n }, (_, i) => ({ type: 'bulk', data: { i } })));
    await queue.setState(['7', '2049'], 'failed');
    expect(await queue.retryAll('inactive')).toBe(n - 2);
    expect(await queue.retryAll('failed')).toBe(2);
    expect(await queue.inactiveCount('bulk')).toBe(n);
  });

  it('refuses a rank that is not a whole number, and a delay or ttl over 10 years', async () => {
    const queue = newQueue();
    for (const [from, to, field] of [
      [Number.NaN, 5, 'from'],
      [0, 1.5, 'to'],
      [0, Number.POSITIVE_INFINITY, 'to'],
    ] as const) {
      const error = await queue.range({ from, to }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
    expect(() => queue.create('x', {}).delay(1e15)).toThrow(ValidationError);
    expect(() => queue.create('x', {}).ttl(1e15)).toThrow(ValidationError);
    expect(queue.create('x', {}).delay(3_600_000).ttl(60_000).delay()).toBe(3_600_000);
  });

  it('unknown ids raise JobNotFound', async () => {
    const queue = newQueue();
    await expect(queue.getJob('999')).rejects.toBeInstanceOf(JobNotFound);
    await expect(queue.getJob('abc')).rejects.toBeInstanceOf(JobNotFound);
    await expect(queue.logs('999')).rejects.toBeInstanceOf(JobNotFound);
    await expect(queue.setState(['999'], 'failed')).rejects.toBeInstanceOf(JobNotFound);
    await expect(queue.setPriority('999', 'high')).rejects.toBeInstanceOf(JobNotFound);
    const ghost = queue.create('x', {});
    ghost.id = '999';
    await expect(ghost.log('x')).rejects.toBeInstanceOf(JobNotFound);
    expect(await queue.remove(['999'])).toBe(0);
  });

  it('ranges page by id in both orders, over all jobs, a state, or a type in a state', async () => {
    const queue = newQueue();
    await queue.createMany(
      Array.from({ length: 12 }, (_, i) => ({ type: i % 2 ? 'odd' : 'even', data: { i } })),
    );
    await queue.setState(['1', '2', '3'], 'complete');
    const ids = (js: { id: string | undefined }[]) => js.map((j) => j.id);
    expect(ids(await queue.range({ from: 0, to: 3 }))).toEqual(['1', '2', '3', '4']);
    expect(ids(await queue.range({ from: 0, to: 2, order: 'desc' }))).toEqual(['12', '11', '10']);
    expect(ids(await queue.range({ state: 'inactive', from: 0, to: 1 }))).toEqual(['4', '5']);
    expect(ids(await queue.range({ state: 'complete', type: 'odd', from: 0, to: -1 }))).toEqual([
      '2',
    ]);
    expect(await queue.range({ state: 'failed', from: 0, to: 10 })).toEqual([]);
    await expect(queue.range({ type: 'odd', from: 0, to: 1 })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('pause and resume are reported by counts', async () => {
    const queue = newQueue();
    expect(await queue.pause('email')).toEqual(['email']);
    expect(Object.keys((await queue.counts()).paused)).toEqual(['email']);
    expect(await queue.resume('email')).toEqual([]);
  });

  it('throughput counts completed and failed jobs per minute', async () => {
    const queue = newQueue();
    await queue.createMany([{ type: 'a' }, { type: 'a' }, { type: 'a' }]);
    const r = await queue.scripts.run<{ jobs: string[][] }>('claim', {
      count: 3,
      lease_ms: 60_000,
      token: 't',
      worker: 'w',
      types: [{ type: 'a', concurrency: 0 }],
    });
    expect(r.jobs).toHaveLength(3);
    await queue.scripts.run('ack', {
      done: [
        { id: '1', token: 't', ok: true },
        { id: '2', token: 't', ok: true },
        { id: '3', token: 't', ok: false, error: 'x', delay: -1 },
      ],
    });
    const t = await queue.throughput(5);
    expect(t.minutes).toHaveLength(5);
    const [minute, complete, failed] = t.minutes.at(-1)!;
    expect([complete, failed]).toEqual([2, 1]);
    // a minute's counts last as long as the longest look-back (1,440 minutes) asks for them
    expect((await queue.throughput(1440)).minutes).toHaveLength(1440);
    expect(await raw.pttl(`${queue.keys.base}throughput:${minute}`)).toBeGreaterThan(1440 * 60_000);
    expect((await queue.stats()).workTime).toBeGreaterThanOrEqual(0);
  });
});
