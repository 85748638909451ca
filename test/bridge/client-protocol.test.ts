// The bridge driven by the unmodified @upstash/redis client, in its default mode (automatic
// pipelining, base64 replies) and in the plain mode (one request per call, UTF-8 replies).
import type { Redis, RedisConfigNodejs } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type IsolatedStack,
  randomPrefix,
  startIsolatedStack,
  testRedis,
} from '../support/stack.js';

const MODES: [string, Partial<RedisConfigNodejs>][] = [
  ['default mode (auto-pipelining, base64)', {}],
  [
    'plain mode (no auto-pipelining, UTF-8)',
    { enableAutoPipelining: false, responseEncoding: false },
  ],
];

describe.each(MODES)('@upstash/redis in %s', (_label, clientOpts) => {
  let redis: Redis;
  let p: string;
  beforeAll(() => {
    redis = testRedis(clientOpts);
    p = randomPrefix('proto');
  });

  it('round-trips non-ASCII strings byte for byte', async () => {
    const values = {
      emoji: 'queue 🚀 done ✅',
      cjk: '任务队列 ジョブ 작업',
      mixed: 'Ünïcödé — "quotes" \\ back\nslash',
    };
    await Promise.all(Object.entries(values).map(([k, v]) => redis.set(`${p}${k}`, v)));
    const got = await Promise.all(Object.keys(values).map((k) => redis.get<string>(`${p}${k}`)));
    expect(got).toEqual(Object.values(values));
    expect(await redis.strlen(`${p}emoji`)).toBe(Buffer.byteLength(values.emoji));
  });

  it('round-trips JSON values, numbers and nil', async () => {
    const job = { id: 42, data: { to: 'ü@example.com', tags: ['a', 'b'] }, ok: true, none: null };
    await redis.set(`${p}json`, job);
    expect(await redis.get(`${p}json`)).toEqual(job);
    expect(await redis.incrby(`${p}n`, 5)).toBe(5);
    expect(await redis.get(`${p}missing`)).toBeNull();
    expect(await redis.set(`${p}ex`, 'v', { ex: 100 })).toBe('OK');
    const ttl = await redis.ttl(`${p}ex`);
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
  });

  it('reads hashes with hgetall', async () => {
    await redis.hset(`${p}h`, { name: 'Zoë', count: 3, emoji: '🎉' });
    expect(await redis.hgetall(`${p}h`)).toEqual({ name: 'Zoë', count: 3, emoji: '🎉' });
    expect(await redis.hgetall(`${p}nohash`)).toBeNull();
  });

  it('reads sorted sets with scores', async () => {
    await redis.zadd(
      `${p}z`,
      { score: 2, member: 'b' },
      { score: 1.5, member: 'a' },
      { score: -3, member: 'ç' },
    );
    expect(await redis.zrange(`${p}z`, 0, -1, { withScores: true })).toEqual([
      'ç',
      -3,
      'a',
      1.5,
      'b',
      2,
    ]);
    expect(await redis.zscore(`${p}z`, 'a')).toBe(1.5);
  });

  it('returns nested arrays from EVAL with integers, nil and OK', async () => {
    const result = await redis.eval(
      "return {1, {2, false, 'é'}, redis.call('set', KEYS[1], 'x'), redis.call('get', KEYS[1])}",
      [`${p}lua`],
      [],
    );
    expect(result).toEqual([1, [2, null, 'é'], 'OK', 'x']);
  });

  it('passes Redis errors through verbatim', async () => {
    await redis.set(`${p}str`, 'x');
    await expect(redis.lpush(`${p}str`, 'a')).rejects.toThrow(/WRONGTYPE Operation against a key/);
    await expect(redis.eval("return redis.error_reply('BOOM custom')", [], [])).rejects.toThrow(
      /BOOM custom/,
    );
  });

  it('reads error replies nested in a result as text, at any depth', async () => {
    const result = await redis.eval(
      "return {1, redis.error_reply('boom bad'), {redis.error_reply('ERR déjà vu')}}",
      [],
      [],
    );
    expect(result).toEqual([1, 'boom bad', ['ERR déjà vu']]);
  });

  it('runs an explicit pipeline whose failing entry does not fail the others', async () => {
    await redis.set(`${p}notnum`, 'abc');
    const results = await redis
      .pipeline()
      .set(`${p}pa`, 'one')
      .incr(`${p}notnum`)
      .get(`${p}pa`)
      .exec({ keepErrors: true });
    expect(results[0]).toEqual({ result: 'OK', error: undefined });
    expect(results[1]?.error).toMatch(/not an integer/);
    expect(results[2]).toEqual({ result: 'one', error: undefined });
    // Without keepErrors the client throws for the failed entry, as on Upstash.
    await expect(redis.pipeline().get(`${p}pa`).incr(`${p}notnum`).exec()).rejects.toThrow(
      /Command 2 \[ incr \] failed: ERR value is not an integer/,
    );
  });

  it('runs a transaction and returns each result', async () => {
    const results = await redis
      .multi()
      .set(`${p}m`, 'v')
      .incr(`${p}mc`)
      .incr(`${p}mc`)
      .get(`${p}m`)
      .exec();
    expect(results).toEqual(['OK', 1, 2, 'v']);
  });

  it('keeps 50 concurrent transactions contiguous', async () => {
    const key = `${p}counter`;
    const runs = await Promise.all(
      Array.from({ length: 50 }, () =>
        redis.multi().incr(key).get<number>(key).exec<[number, number]>(),
      ),
    );
    for (const [incremented, read] of runs) expect(read).toBe(incremented);
    expect(new Set(runs.map(([n]) => n)).size).toBe(50);
    expect(await redis.get<number>(key)).toBe(50);
  });
});

describe('scripts after SCRIPT FLUSH (NOSCRIPT fallback)', () => {
  let stack: IsolatedStack;
  beforeAll(async () => {
    stack = await startIsolatedStack();
  });
  afterAll(() => stack?.stop());

  it.each(MODES)('createScript().exec() still runs in %s', async (_label, clientOpts) => {
    const redis = stack.client(clientOpts);
    const p = randomPrefix('script');
    const script = redis.createScript<[number, string]>(
      "redis.call('incr', KEYS[1]); return {tonumber(redis.call('get', KEYS[1])), ARGV[1]}",
    );
    expect(await script.exec([`${p}k`], ['first'])).toEqual([1, 'first']);
    await redis.scriptFlush();
    // EVALSHA now answers NOSCRIPT; the client must see that text and retry with EVAL.
    await expect(redis.evalsha(script.sha1, [`${p}k`], ['x'])).rejects.toThrow(/NOSCRIPT/);
    expect(await script.exec([`${p}k`], ['second'])).toEqual([2, 'second']);
    expect(await redis.scriptExists(script.sha1)).toEqual([1]);
  });

  it('batches concurrent calls into one request with auto-pipelining', async () => {
    const redis = stack.client();
    const p = randomPrefix('auto');
    stack.bridge.resetStats();
    await Promise.all(Array.from({ length: 10 }, (_, i) => redis.set(`${p}${i}`, i)));
    const stats = stack.bridge.stats();
    expect(stats.commands).toBe(10);
    expect(stats.byEndpoint.pipeline).toBe(1);
    expect(stats.requests).toBe(1);
  });
});
