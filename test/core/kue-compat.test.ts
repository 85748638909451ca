import { describe, expect, inject, it } from 'vitest';
import {
  createQueue,
  Job,
  JobNotFound,
  type NodeCallback,
  type Queue,
  ValidationError,
} from '../../core/index.js';
import { randomPrefix, testRedis } from '../support/stack.js';
import { ack, claim, jobIdsOf, newQueue } from './helpers.js';

/** A Kue-style call with a node callback: what the callback got, once it is called. */
function called<T>(call: (callback: NodeCallback<T>) => unknown): Promise<[Error | null, T]> {
  return new Promise((resolve) => {
    call((error, value) => resolve([error, value]));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const bridge = () => ({ url: inject('bridgeUrl'), token: inject('bridgeToken') });

describe("Kue's node-style callbacks, beside the promises", () => {
  it('save(function (err) {...}), as the first example of Kue’s README', async () => {
    const queue = newQueue();
    const job = queue.create('email', { title: 'welcome email for tj' });
    let promise: Promise<Job> | undefined;
    const [error, saved] = await called<Job>((cb) => {
      promise = job.save(cb);
    });
    expect(error).toBeNull();
    expect(saved).toBe(job);
    expect(job.id).toBe('1');
    expect(await promise).toBe(job);
    // a saved job's save() is Kue's update(), callback included
    job.priority('high');
    expect((await called<Job>((cb) => job.save(cb)))[0]).toBeNull();
    expect((await called<Job>((cb) => job.update(cb)))[0]).toBeNull();
    expect((await queue.getJob('1')).priority()).toBe(-10);
  });

  it('save(cb) hears a refused job as its error; the promise rejects, handled', async () => {
    const queue = newQueue();
    let promise: Promise<Job> | undefined;
    const [error] = await called<Job>((cb) => {
      promise = queue.create('', {}).save(cb);
    });
    expect(error).toBeInstanceOf(ValidationError);
    await expect(promise).rejects.toBeInstanceOf(ValidationError);
  });

  it("Kue's job cleanup: Job.get(queue, id, cb) and job.remove(cb)", async () => {
    const queue = newQueue();
    const created = await queue.create('email', {}).save();
    const [getError, job] = await called<Job>((cb) => Job.get(queue, created.id!, cb));
    expect(getError).toBeNull();
    expect(job.id).toBe(created.id);
    const [removeError] = await called<void>((cb) => job.remove(cb));
    expect(removeError).toBeNull();
    const [missing, none] = await called<Job>((cb) => Job.get(queue, created.id!, cb));
    expect(missing).toBeInstanceOf(JobNotFound);
    expect(none).toBeUndefined();
  });

  it('queue.inactiveCount(cb), failedCount(type, cb) and the other counts', async () => {
    const queue = newQueue();
    await queue.createMany([{ type: 'a' }, { type: 'a' }, { type: 'b' }]);
    await queue.setState(['3'], 'failed');
    const counts: [string, (q: Queue, cb: NodeCallback<number>) => unknown, number][] = [
      ['inactive', (q, cb) => q.inactiveCount(cb), 2],
      ['inactive of a', (q, cb) => q.inactiveCount('a', cb), 2],
      ['failed of b', (q, cb) => q.failedCount('b', cb), 1],
      ['failed of a', (q, cb) => q.failedCount('a', cb), 0],
      ['active', (q, cb) => q.activeCount(cb), 0],
      ['complete', (q, cb) => q.completeCount(cb), 0],
      ['delayed', (q, cb) => q.delayedCount(cb), 0],
    ];
    for (const [name, count, want] of counts) {
      expect(await called<number>((cb) => count(queue, cb)), name).toEqual([null, want]);
    }
    // the promise still answers, with or without a callback
    expect(await queue.inactiveCount(() => {})).toBe(2);
    expect(await queue.failedCount('b')).toBe(1);
  });
});

describe("job.on() before save(), as Kue's video conversion example", () => {
  it('listeners given before save are attached on save and fire as if given after', async () => {
    const queue = newQueue();
    const got: unknown[][] = [];
    const job = queue.create('video conversion', { frames: 200 });
    const completed = new Promise<void>((resolve) => {
      job
        .on('complete', (result) => {
          got.push(['complete', result]);
          resolve();
        })
        .on('failed', () => got.push(['failed']))
        .on('progress', (progress) => got.push(['progress', progress]));
    });
    await job.save();
    await sleep(300); // let the subscription open
    const [c] = await claim(queue, ['video conversion']);
    expect(c!.id).toBe(job.id);
    await queue.touch([{ id: c!.id, token: 'token-1', progress: [40] }]);
    await ack(queue, [{ id: c!.id, ok: true, result: 'converted' }]);
    await completed;
    await queue.close();
    expect(got).toEqual([
      ['progress', 40],
      ['complete', 'converted'],
    ]);
  });
});

describe("Kue's createQueue({ prefix, redis })", () => {
  it('refuses redis: { host, port } at once, saying to pass an HTTP Redis', () => {
    for (const redis of [
      { port: 1234, host: '10.0.0.1' },
      { socket: '/data/sockets/redis.sock', auth: 'password' },
      'redis://:password@10.0.0.1:1234',
    ]) {
      let error: unknown;
      try {
        createQueue({ prefix: 'q', redis } as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      const message = (error as ValidationError).message;
      expect((error as ValidationError).field).toBe('redis');
      expect(message).toContain('HTTP Redis');
      expect(message).toContain('{ url, token }');
      expect(message).toContain('@upstash/redis');
      expect(message).not.toContain('password@'); // names the keys it got, never their values
      expect(() =>
        createQueue({ prefix: 'q', redis } as never, { prefix: randomPrefix('k') }),
      ).toThrow(ValidationError);
    }
    expect(() => createQueue({ createClient: () => ({}) } as never)).toThrow(/HTTP Redis/);
  });

  it('refuses a redis:// url (given or from the environment) naming the field, not the URL', () => {
    const refused = (make: () => unknown) => {
      try {
        make();
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('not refused');
    };
    const given = refused(() =>
      createQueue({ url: 'redis://:secret@10.0.0.1:6379', token: 't' }, { prefix: 'q' }),
    );
    expect(given).toBeInstanceOf(ValidationError);
    expect(given.field).toBe('url');
    expect(given.message).toMatch(/^url must be the http\(s\) REST URL .* got a redis:\/\/ URL/);
    expect(given.message).toContain('edgekue-redis-http');
    expect(given.message).not.toContain('secret');
    const saved = { ...process.env };
    try {
      process.env.UPSTASH_REDIS_REST_URL = 'rediss://10.0.0.1:6380';
      process.env.UPSTASH_REDIS_REST_TOKEN = 't';
      const fromEnv = refused(() => createQueue({ prefix: 'q' }));
      expect(fromEnv).toBeInstanceOf(ValidationError);
      expect(fromEnv.field).toBe('UPSTASH_REDIS_REST_URL');
      expect(fromEnv.message).toContain('got a rediss:// URL');
    } finally {
      process.env.UPSTASH_REDIS_REST_URL = saved.UPSTASH_REDIS_REST_URL;
      process.env.UPSTASH_REDIS_REST_TOKEN = saved.UPSTASH_REDIS_REST_TOKEN;
      if (saved.UPSTASH_REDIS_REST_URL === undefined) delete process.env.UPSTASH_REDIS_REST_URL;
      if (saved.UPSTASH_REDIS_REST_TOKEN === undefined) delete process.env.UPSTASH_REDIS_REST_TOKEN;
    }
    const empty = refused(() => createQueue({ url: 'https://eu1.upstash.io', token: '' }));
    expect([empty.field, empty.message]).toEqual([
      'token',
      "token: the connection's token is empty",
    ]);
    // a scheme left out, or a URL @upstash/redis would refuse (echoing it) for all its http
    for (const [url, got] of [
      ['localhost:8079', 'an address without http:// or https://'],
      ['eu1-xyz.upstash.io', 'an address without http:// or https://'],
      [' https://eu1.upstash.io', 'a https:// URL written differently'],
      ['HTTPS://eu1.upstash.io', 'a https:// URL written differently'],
    ]) {
      const error = refused(() => createQueue({ url: url!, token: 't' }));
      expect([error.field, error.message.split(', got ')[1]?.slice(0, got!.length)]).toEqual([
        'url',
        got,
      ]);
    }
    // http (the bridge) and https (Upstash) are taken
    expect(() => createQueue({ url: 'http://127.0.0.1:8079', token: 't' })).not.toThrow();
    expect(() => createQueue({ url: 'https://eu1.upstash.io', token: 't' })).not.toThrow();
  });

  it('honours a prefix (and the other options) given in the same object as the connection', async () => {
    const prefix = randomPrefix('kue');
    const queue = createQueue({ ...bridge(), prefix, disableSearch: true });
    expect(queue.prefix).toBe(prefix);
    expect(queue.options.disableSearch).toBe(true);
    const job = await queue.create('email', { to: 'tj' }).save();
    expect(await jobIdsOf(queue)).toEqual([job.id]);
    expect(await queue.search('tj')).toEqual([]);

    const redis = testRedis();
    const other = createQueue({ redis, prefix: randomPrefix('kue') });
    expect(other.prefix).not.toBe('q');
    expect(other.prefix).toBe(other.options.prefix);
  });

  it('refuses an option given twice with two values, and an unknown one', () => {
    expect(() =>
      createQueue({ ...bridge(), prefix: randomPrefix('a') }, { prefix: randomPrefix('b') }),
    ).toThrow(/prefix is given twice/);
    const prefix = randomPrefix('same');
    expect(createQueue({ ...bridge(), prefix }, { prefix }).prefix).toBe(prefix);
    expect(() => createQueue({ ...bridge(), prefx: 'x' } as never)).toThrow(ValidationError);
  });

  it('without a connection, Kue-style options take the environment’s', () => {
    const env = process.env;
    const saved = [env.UPSTASH_REDIS_REST_URL, env.UPSTASH_REDIS_REST_TOKEN];
    try {
      env.UPSTASH_REDIS_REST_URL = bridge().url;
      env.UPSTASH_REDIS_REST_TOKEN = bridge().token;
      const prefix = randomPrefix('env');
      expect(createQueue({ prefix }).prefix).toBe(prefix);
    } finally {
      if (saved[0] === undefined) delete env.UPSTASH_REDIS_REST_URL;
      else env.UPSTASH_REDIS_REST_URL = saved[0];
      if (saved[1] === undefined) delete env.UPSTASH_REDIS_REST_TOKEN;
      else env.UPSTASH_REDIS_REST_TOKEN = saved[1];
    }
  });
});

describe('a refused value is shown as it was given', () => {
  it('attempts("3") says got "3", not got 3; numbers still read as numbers', async () => {
    const queue = newQueue();
    const job = queue.create('x', {});
    expect(() => job.attempts('3' as never)).toThrow('got "3"');
    expect(() => job.attempts(0)).toThrow(/got 0$/);
    expect(() => job.attempts(Number.NaN)).toThrow(/got NaN$/);
    expect(() => job.ttl('5000' as never)).toThrow('got "5000"');
    await expect(queue.pause('x', '10' as never)).rejects.toThrow('got "10"');
    await expect(queue.range({ from: '0' as never, to: 5 })).rejects.toThrow('got "0"');
    await expect(queue.setState(['1'], 'active', { leaseMs: '5' as never })).rejects.toThrow(
      'got "5"',
    );
  });
});
