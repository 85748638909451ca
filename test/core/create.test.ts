import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createQueue,
  InvalidPriority,
  PayloadTooLarge,
  Queue,
  ValidationError,
} from '../../core/index.js';
import { scripts } from '../../core/scripts/index.generated.js';
import { failingCall } from '../support/failing-call.js';
import { type IsolatedStack, startIsolatedStack } from '../support/stack.js';
import { jobIdsOf, keysOf, newQueue, raw } from './helpers.js';

describe('creating jobs', () => {
  it('save() writes a job in Kue shape with defaults', async () => {
    const queue = newQueue();
    const job = await queue
      .create('email', { title: 'welcome email for tj', to: 'tj@example.com' })
      .save();
    expect(job.id).toBe('1');
    const loaded = await queue.getJob(job.id!);
    const json = loaded.toJSON();
    expect(json).toMatchObject({
      id: '1',
      type: 'email',
      data: { title: 'welcome email for tj', to: 'tj@example.com' },
      priority: 0,
      progress: 0,
      state: 'inactive',
      attempts: { made: 0, remaining: 1, max: 1 },
    });
    expect(Number(json.created_at)).toBeGreaterThan(1_600_000_000_000);
    expect(json.updated_at).toBe(json.created_at);
  });

  it('keeps every builder option', async () => {
    const queue = newQueue();
    const job = await queue
      .create('video', { frames: 200 })
      .priority('critical')
      .attempts(4)
      .backoff({ type: 'exponential', delay: 500, maxDelay: 4_000 })
      .delay(60_000)
      .ttl(5_000)
      .removeOnComplete(true)
      .searchKeys(['frames'])
      .save();
    const json = (await queue.getJob(job.id!)).toJSON();
    expect(json).toMatchObject({
      priority: -15,
      state: 'delayed',
      delay: 60_000,
      ttl: 5_000,
      attempts: { made: 0, remaining: 4, max: 4 },
    });
    expect(Number(json.promote_at) - Number(json.created_at)).toBe(60_000);
    const loaded = await queue.getJob(job.id!);
    expect(loaded.backoff()).toEqual({ type: 'exponential', delay: 500, maxDelay: 4_000 });
  });

  it('createMany creates 1,000 jobs in order, ids consecutive', async () => {
    const queue = newQueue();
    const jobs = await queue.createMany(
      Array.from({ length: 1_000 }, (_, i) => ({ type: 'bulk', data: { i } })),
    );
    expect(jobs.map((j) => j.id)).toEqual(Array.from({ length: 1_000 }, (_, i) => String(i + 1)));
    expect(await queue.inactiveCount('bulk')).toBe(1_000);
    const page = await queue.range({ state: 'inactive', from: 995, to: 999 });
    expect(page.map((j) => (j.data as { i: number }).i)).toEqual([995, 996, 997, 998, 999]);
  });

  describe('invalid input raises a typed error and writes nothing', () => {
    const queue = newQueue();
    const cases: [string, () => Promise<unknown>, new (...a: never[]) => Error, string?][] = [
      [
        'unknown priority name',
        async () => queue.create('a', {}).priority('urgent').save(),
        InvalidPriority,
      ],
      [
        'fractional priority',
        async () => queue.create('a', {}).priority(1.5).save(),
        InvalidPriority,
      ],
      [
        'negative attempts',
        async () => queue.create('a', {}).attempts(-1).save(),
        ValidationError,
        'attempts',
      ],
      [
        'zero attempts',
        async () => queue.create('a', {}).attempts(0).save(),
        ValidationError,
        'attempts',
      ],
      ['ttl zero', async () => queue.create('a', {}).ttl(0).save(), ValidationError, 'ttl'],
      [
        'bad backoff',
        async () =>
          queue
            .create('a', {})
            .backoff({ type: 'linear' } as never)
            .save(),
        ValidationError,
        'backoff',
      ],
      ['empty type', async () => queue.create('', {}).save(), ValidationError, 'type'],
      [
        'control characters in type',
        async () => queue.create('a\nb', {}).save(),
        ValidationError,
        'type',
      ],
      [
        'cyclic data',
        async () => {
          const data: Record<string, unknown> = { a: 1 };
          data.self = data;
          return queue.create('a', data).save();
        },
        ValidationError,
        'data.self',
      ],
      [
        'a function in data',
        async () => queue.create('a', { f: () => 1 }).save(),
        ValidationError,
        'data.f',
      ],
      [
        'a bigint in data',
        async () => queue.create('a', { n: 10n }).save(),
        ValidationError,
        'data.n',
      ],
      [
        'NaN in data',
        async () => queue.create('a', { n: Number.NaN }).save(),
        ValidationError,
        'data.n',
      ],
      [
        'data over the size limit',
        async () => queue.create('a', { blob: 'x'.repeat(600 * 1024) }).save(),
        PayloadTooLarge,
        'data',
      ],
      [
        'one bad job in createMany',
        async () =>
          queue.createMany([
            { type: 'a', data: {} },
            { type: 'a', data: {}, options: { priority: 'nope' as never } },
          ]),
        ValidationError,
        'options.priority',
      ],
      [
        'unknown option in createMany',
        async () => queue.createMany([{ type: 'a', options: { colour: 'red' } as never }]),
        ValidationError,
      ],
    ];
    for (const [name, run, type, field] of cases) {
      it(name, async () => {
        const error = await run().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(type);
        if (field) expect((error as ValidationError).field).toBe(field);
        expect((error as ValidationError).code).toMatch(/^[A-Z_]+$/);
      });
    }
    it('left no key behind', async () => {
      expect(await keysOf(queue)).toEqual([]);
    });
  });

  it('createMany takes a job with options null or absent as one at every default', async () => {
    const queue = newQueue();
    const jobs = await queue.createMany([
      { type: 'a', options: null as never },
      { type: 'a' },
      { type: 'a', options: { priority: 'high' } },
    ]);
    const read = await queue.getJobs(jobs.map((j) => j.id!));
    expect(read.map((j) => j.toJSON().priority)).toEqual([0, 0, -10]);
  });

  it('takes data nested deeper than the quick check looks, and still names a cycle down there', async () => {
    const queue = newQueue();
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100; i++) deep = { d: deep };
    const job = await queue.create('a', deep).save();
    expect((await queue.getJob(job.id!)).data).toEqual(deep);
    const cyclic: Record<string, unknown> = {};
    let at = cyclic;
    for (let i = 0; i < 80; i++) {
      const next: Record<string, unknown> = {};
      at.d = next;
      at = next;
    }
    at.loop = cyclic;
    await expect(queue.createMany([{ type: 'a', data: cyclic }])).rejects.toThrow(/is cyclic/);
  });

  it('honours a smaller maxDataBytes', async () => {
    const queue = newQueue({ maxDataBytes: 100 });
    await expect(queue.create('a', { s: 'x'.repeat(200) }).save()).rejects.toBeInstanceOf(
      PayloadTooLarge,
    );
    expect(await keysOf(queue)).toEqual([]);
  });

  it('rejects invalid queue options', () => {
    expect(() => newQueue({ prefix: 'has space' })).toThrow(ValidationError);
    expect(() => newQueue({ colour: 1 } as never)).toThrow(ValidationError);
  });
});

describe('HTTP requests per operation (bridge counters)', () => {
  let stack: IsolatedStack;
  let queue: Queue;
  const costs: Record<string, number> = {};

  beforeAll(async () => {
    stack = await startIsolatedStack();
    queue = createQueue({ url: stack.bridgeUrl, token: stack.token }, { prefix: 'cost' });
    // load every script once, so what follows measures the steady state (EVALSHA hits)
    for (const s of Object.values(scripts)) await stack.client().scriptLoad(s.source);
    await queue.create('warm', {}).save();
    await queue.createMany([{ type: 'warm' }]);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function cost(name: string, op: () => Promise<unknown>): Promise<number> {
    const before = stack.bridge.stats().requests;
    await op();
    const n = stack.bridge.stats().requests - before;
    costs[name] = n;
    return n;
  }

  it('save() is one request, createMany(1,000) is one request', async () => {
    expect(await cost('save()', () => queue.create('email', { to: 'a' }).save())).toBe(1);
    expect(
      await cost('createMany(1000)', () =>
        queue.createMany(Array.from({ length: 1_000 }, (_, i) => ({ type: 'email', data: { i } }))),
      ),
    ).toBe(1);
    expect(await raw.exists('{cost}:ids')).toBe(0); // the isolated Redis, not the shared one
    expect(await stack.client().get('{cost}:ids')).toBe(1_003);
  });

  it('every other operation is one request too', async () => {
    const job = await queue.create('email', { title: 'x' }).save();
    expect(await cost('Job.get', () => queue.getJob(job.id!))).toBe(1);
    expect(await cost('job.log()', () => job.log('hello %s', 'x'))).toBe(1);
    expect(await cost('job.progress()', () => job.progress(1, 2))).toBe(1);
    expect(await cost('job.priority+update', () => job.priority('high').update())).toBe(1);
    expect(await cost('job.state()', () => job.state('failed'))).toBe(1);
    expect(await cost('stats()', () => queue.stats())).toBe(1);
    expect(
      await cost('range(0..49)', () => queue.range({ state: 'inactive', from: 0, to: 49 })),
    ).toBe(1);
    expect(await cost('search()', () => queue.search('x'))).toBe(1);
    expect(await cost('logs()', () => queue.logs(job.id!))).toBe(1);
    expect(await cost('job.remove()', () => job.remove())).toBe(1);
    console.log('HTTP requests per operation:', JSON.stringify(costs));
  });

  it('saves made together go in one enqueue call; a refused job fails alone', async () => {
    const commands = () => stack.bridge.stats().commands;
    const before = commands();
    const created: string[][] = [];
    const off = queue.onEnqueue((jobs) => created.push(jobs.map((j) => j.id!)));
    const jobs = Array.from({ length: 10 }, (_, i) => queue.create('together', { i }));
    const settled = await Promise.allSettled([
      ...jobs.map((j) => j.save()),
      queue.create('together', { big: 'x'.repeat(600 * 1024) }).save(),
      queue.create('together', { u: 1 }).unique('same').save(),
      queue.create('together', { u: 2 }).unique('same').save(),
    ]);
    off();
    expect(commands() - before).toBe(1); // one EVALSHA for the twelve created
    expect(settled.slice(0, 10).every((s) => s.status === 'fulfilled')).toBe(true);
    expect(settled[10]).toMatchObject({
      status: 'rejected',
      reason: { code: 'PAYLOAD_TOO_LARGE' },
    });
    const ids = jobs.map((j) => Number(j.id));
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i)); // in the order saved
    const [u1, u2] = settled.slice(11).map((s) => (s.status === 'fulfilled' ? s.value.id : ''));
    expect(u1).toBe(u2); // the second save of a unique key finds the first
    expect(created).toEqual([[...ids.map(String), u1]]);
    expect((await queue.getJob(jobs[3]!.id!)).data).toEqual({ i: 3 });
    // saves awaited one by one still go one call each
    const alone = commands();
    await queue.create('alone', {}).save();
    await queue.create('alone', {}).save();
    expect(commands() - alone).toBe(2);
  });
});

describe('saves gathered in one tick', () => {
  it('go in calls of at most maxBatchBytes; a failed call fails only its own saves', async () => {
    const { client, calls: enqueues } = failingCall('enqueue', 2);
    const queue = new Queue(client, { prefix: `t-split-${Date.now()}` });
    try {
      // 500 KB each: two do not fit one call of ~800 KiB, so three saves are three calls
      const settled = await Promise.allSettled(
        [0, 1, 2].map((n) => queue.create('big', `${n}`.repeat(500_000)).save()),
      );
      expect(enqueues()).toBe(3);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const ids = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.id!] : []));
      expect(await jobIdsOf(queue)).toEqual(ids);
    } finally {
      const keys = await raw.keys(`${queue.keys.base}*`);
      if (keys.length > 0) await raw.del(...keys);
    }
  });
});
