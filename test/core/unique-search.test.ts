import { describe, expect, it } from 'vitest';
import { type EnqueueRun, expandEnqueueAnswer, ValidationError } from '../../core/index.js';
import { keysOf, newQueue, raw } from './helpers.js';

describe('unique keys', () => {
  it('a second create with the same key returns the existing job, no duplicate', async () => {
    const queue = newQueue();
    const first = await queue.create('email', { to: 'a' }).unique('welcome:a').save();
    const second = await queue.create('email', { to: 'a' }).unique('welcome:a').save();
    expect(second.id).toBe(first.id);
    expect(first.existed).toBe(false);
    expect(second.existed).toBe(true);
    expect(await queue.inactiveCount()).toBe(1);
    const many = await queue.createMany([
      { type: 'email', options: { unique: 'welcome:a' } },
      { type: 'email', options: { unique: 'welcome:b' } },
      { type: 'email', options: { unique: 'welcome:b' } },
    ]);
    expect(many.map((j) => j.id)).toEqual([first.id, '2', '2']);
    expect(many.map((j) => j.existed)).toEqual([true, false, true]);
    expect(await queue.inactiveCount()).toBe(2);
  });

  it('the key is free again once its job is removed', async () => {
    const queue = newQueue();
    const first = await queue.create('email', {}).unique('k').save();
    await first.remove();
    const again = await queue.create('email', {}).unique('k').save();
    expect(again.id).not.toBe(first.id);
    expect(await raw.hget(queue.keys.unique, 'k')).toBe(Number(again.id));
  });
});

describe('retried create requests', () => {
  it('a request run twice (a client retry after a lost answer) creates its jobs once', async () => {
    const queue = newQueue();
    const input = {
      request: 'retry-token-1',
      jobs: [
        { type: 'email', data: '{"n":1}', priority: 0, max_attempts: 1, events: true },
        { type: 'email', data: '{"n":2}', priority: 0, max_attempts: 1, events: true },
      ],
    };
    const first = await queue.scripts.run<EnqueueRun[]>('enqueue', input);
    const again = await queue.scripts.run<EnqueueRun[]>('enqueue', input);
    expect(again).toEqual(first);
    expect(expandEnqueueAnswer(first).map((r) => r[0])).toEqual([1, 2]);
    expect(await queue.inactiveCount()).toBe(2);
    const ttl = await raw.pttl(queue.keys.request('retry-token-1'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // another request is another token: it creates
    await queue.scripts.run('enqueue', { ...input, request: 'retry-token-2' });
    expect(await queue.inactiveCount()).toBe(4);
  });

  it('a retry gets the same answer for a mix of new, deduplicated and delayed jobs', async () => {
    const queue = newQueue();
    const existing = await queue.create('email', {}).unique('u').save();
    const job = (n: number, extra: object = {}) => ({
      type: 'email',
      data: `{"n":${n}}`,
      priority: 0,
      max_attempts: 1,
      events: true,
      ...extra,
    });
    const input = {
      request: 'retry-token-mixed',
      jobs: [
        job(1),
        job(2),
        job(3, { unique: 'u' }),
        job(4, { delay: 60_000 }),
        job(5),
        ...Array.from({ length: 60 }, (_, i) => job(10 + i)),
      ],
    };
    const runs = await queue.scripts.run<EnqueueRun[]>('enqueue', input);
    const again = await queue.scripts.run<EnqueueRun[]>('enqueue', input);
    expect(again).toEqual(runs);
    const first = expandEnqueueAnswer(runs);
    expect(first).toHaveLength(65);
    expect(first[2]).toEqual([Number(existing.id), 0]);
    expect(first[3]![3]).toBe('delayed');
    expect(first[4]![3]).toBe('inactive');
    // answered in runs: two new jobs, the match, the delayed one, then 61 in a row
    expect(runs).toHaveLength(4);
    expect(await queue.inactiveCount()).toBe(1 + 63);
    // kept compact: runs, not the whole answer
    // (the client parses JSON text it gets back)
    expect(await raw.get(queue.keys.request('retry-token-mixed'))).toEqual(runs);
  });

  it('every save() and createMany() sends a fresh token', async () => {
    const queue = newQueue();
    await queue.create('a', {}).save();
    await queue.createMany([{ type: 'a' }, { type: 'a' }]);
    expect(await raw.keys(`${queue.keys.base}request:*`)).toHaveLength(2);
  });
});

describe('full-text search', () => {
  it('finds jobs matching every word, misses others, in any script', async () => {
    const queue = newQueue();
    const [a, b, c] = await queue.createMany([
      { type: 'email', data: { title: 'Welcome email for TJ', to: 'tj@example.com' } },
      { type: 'email', data: { title: 'Renewal email', to: 'ana@example.com' } },
      { type: 'video', data: { title: '東京 conversion', frames: 200 } },
    ]);
    expect(await queue.search('email')).toEqual([a!.id, b!.id]);
    expect(await queue.search('welcome EMAIL')).toEqual([a!.id]);
    expect(await queue.search('tj example')).toEqual([a!.id]);
    expect(await queue.search('東京')).toEqual([c!.id]);
    expect(await queue.search('200')).toEqual([c!.id]);
    expect(await queue.search('missing')).toEqual([]);
    expect(await queue.search('welcome renewal')).toEqual([]);
    expect(await queue.search('   ')).toEqual([]);
  });

  it('refuses a search whose every word is in more than maxSearchResults jobs', async () => {
    const queue = newQueue({ maxSearchResults: 5 });
    const jobs = await queue.createMany(
      Array.from({ length: 8 }, (_, i) => ({
        type: 'email',
        data: { title: `welcome ${i < 3 ? 'vip' : 'guest'}`, n: i },
      })),
    );
    const error = await queue.search('welcome').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'VALIDATION', field: 'q' });
    expect(String((error as Error).message)).toMatch(
      /^q .*more than 5 \(the rarest in 8\); add a word/,
    );
    expect(await queue.search('guest welcome')).toEqual(jobs.slice(3).map((j) => j.id));
    // the rarest word bounds the answer: 3 ids, though "welcome" alone is in 8 jobs
    expect(await queue.search('welcome vip')).toEqual(jobs.slice(0, 3).map((j) => j.id));
    expect(await queue.search('welcome nobody')).toEqual([]);
    expect(() => newQueue({ maxSearchResults: 0 })).toThrow(/maxSearchResults/);
  });

  it('indexes only searchKeys when given', async () => {
    const queue = newQueue();
    const job = await queue
      .create('email', { title: 'hello world', secret: 'password123' })
      .searchKeys(['title'])
      .save();
    expect(await queue.search('hello')).toEqual([job.id]);
    expect(await queue.search('password123')).toEqual([]);
  });

  it('update re-indexes and removal cleans the index', async () => {
    const queue = newQueue();
    const job = await queue.create('email', { title: 'first words' }).save();
    const loaded = await queue.getJob(job.id!);
    loaded.data = { title: 'second thoughts' };
    await loaded.update();
    expect(await queue.search('first')).toEqual([]);
    expect(await queue.search('second')).toEqual([job.id]);
    await loaded.remove();
    expect(await queue.search('second')).toEqual([]);
    expect((await keysOf(queue)).filter((k) => k.includes(':search:'))).toEqual([]);
  });

  it('disableSearch writes no index', async () => {
    const queue = newQueue({ disableSearch: true });
    await queue.create('email', { title: 'quiet' }).save();
    expect(await queue.search('quiet')).toEqual([]);
    expect((await keysOf(queue)).filter((k) => k.includes(':search:'))).toEqual([]);
  });
});
