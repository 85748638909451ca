// The wire protocol checked with plain fetch: status codes, error bodies, encodings, headers.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BridgeHandle, startBridge } from '../../infra/redis-http/index.js';
import { randomPrefix } from '../support/stack.js';

const url = inject('bridgeUrl');
const token = inject('bridgeToken');
const auth = { authorization: `Bearer ${token}` };

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

async function call(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
  base = url,
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'POST',
    headers: { ...auth, ...init.headers },
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe('authentication', () => {
  it('answers 401 without a token or with a wrong one', async () => {
    for (const headers of [
      { authorization: '' },
      { authorization: 'Bearer wrong' },
      { authorization: `Basic ${token}` },
    ]) {
      const res = await call('/', { body: ['ping'], headers });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'Unauthorized' });
    }
  });

  it('accepts the token as ?_token= too', async () => {
    const res = await fetch(`${url}/?_token=${token}`, { method: 'POST', body: '["ping"]' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: 'PONG' });
  });

  it('serves /__health without a token', async () => {
    const res = await fetch(`${url}/__health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe('request validation', () => {
  it('rejects a body that is not JSON', async () => {
    const res = await call('/', { rawBody: '["set", "k"' });
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toMatch(/not valid JSON/);
  });

  it('rejects null, object and array arguments, naming the argument', async () => {
    const object = await call('/', { body: ['set', 'k', { a: 1 }] });
    expect(object.status).toBe(400);
    expect(object.body).toEqual({
      error: 'ERR argument 2 is an object: only strings, numbers and booleans are allowed',
    });
    const nul = await call('/', { body: ['get', null] });
    expect(nul.status).toBe(400);
    expect((nul.body as { error: string }).error).toMatch(/argument 1 is null/);
    const inPipeline = await call('/pipeline', {
      body: [
        ['get', 'a'],
        ['mget', 'a', ['b']],
      ],
    });
    expect(inPipeline.status).toBe(400);
    expect((inPipeline.body as { error: string }).error).toMatch(
      /command 2, argument 2 is an array/,
    );
  });

  it('rejects an empty command and an empty pipeline', async () => {
    expect((await call('/', { body: [] })).status).toBe(400);
    expect((await call('/pipeline', { body: [] })).status).toBe(400);
    expect((await call('/multi-exec', { body: [[]] })).status).toBe(400);
  });

  it('stringifies numbers and booleans, and accepts command names in any case', async () => {
    const k = `${randomPrefix()}k`;
    expect((await call('/', { body: ['SeT', k, true, 'EX', 100] })).body).toEqual({ result: 'OK' });
    expect((await call('/', { body: ['GET', k] })).body).toEqual({ result: 'true' });
    expect((await call('/', { body: ['incrbyfloat', `${k}f`, 1.5] })).body).toEqual({
      result: '1.5',
    });
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await call('/', { body: ['set', 'big', 'x'.repeat(1024 * 1024 + 10)] });
    expect(res.status).toBe(413);
    expect((res.body as { error: string }).error).toMatch(/larger than the limit of 1048576 bytes/);
  });

  it("holds each command's answer to the answer limit, as Upstash does, after running it", async () => {
    const small = await startBridge({
      redisUrl: inject('redisUrl'),
      token,
      answerLimitBytes: 1_000,
      log: () => {},
    });
    try {
      const key = `${randomPrefix()}:answer`;
      expect((await call('/', { body: ['set', key, 'a'.repeat(2_000)] }, small.url)).status).toBe(
        200,
      );
      const alone = await call('/', { body: ['getrange', key, 0, 1_499] }, small.url);
      expect(alone).toMatchObject({
        status: 400,
        body: { error: 'ERR max request size exceeded' },
      });
      const piped = await call(
        '/pipeline',
        {
          body: [
            ['get', key],
            ['append', key, 'b'],
            ['strlen', key],
          ],
        },
        small.url,
      );
      expect(piped.body).toEqual([
        { error: 'ERR max request size exceeded' },
        { result: 2_001 },
        { result: 2_001 },
      ]);
      expect((await call('/', { body: ['getrange', key, 0, 9] }, small.url)).body).toEqual({
        result: 'aaaaaaaaaa',
      });
    } finally {
      await small.close();
    }
  });

  it('refuses a pipeline or transaction over the command limit whole, and runs one at it', async () => {
    const limited = await startBridge({
      redisUrl: inject('redisUrl'),
      token,
      maxPipelineCommands: 3,
      log: () => {},
    });
    try {
      const key = `${randomPrefix()}:n`;
      const incrs = (n: number) => Array.from({ length: n }, () => ['incr', key]);
      for (const path of ['/pipeline', '/multi-exec']) {
        const over = await call(path, { body: incrs(4) }, limited.url);
        expect(over).toMatchObject({
          status: 400,
          body: { error: 'ERR too many commands in one request: 4, more than the limit of 3' },
        });
      }
      // Nothing of them ran.
      expect(limited.stats().commands).toBe(0);
      expect((await call('/', { body: ['get', key] }, limited.url)).body).toEqual({ result: null });
      expect((await call('/pipeline', { body: incrs(3) }, limited.url)).body).toEqual([
        { result: 1 },
        { result: 2 },
        { result: 3 },
      ]);
      expect((await call('/multi-exec', { body: incrs(3) }, limited.url)).body).toEqual([
        { result: 4 },
        { result: 5 },
        { result: 6 },
      ]);
    } finally {
      await limited.close();
    }
  });

  it('answers 404 for an unknown endpoint and 405 for a wrong method', async () => {
    const notFound = await call('/__nope');
    expect(notFound.status).toBe(404);
    expect((notFound.body as { error: string }).error).toMatch(/no such endpoint/);
    expect((await call('/pipeline/extra', { body: [['ping']] })).status).toBe(404);
    const wrongMethod = await call('/pipeline', { method: 'GET' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST, PUT');
    expect((await call('/', { method: 'DELETE' })).status).toBe(405);
  });
});

describe('replies', () => {
  it('base64-encodes every string at every depth, OK and nested errors included, but not integers, nil or top-level errors', async () => {
    const k = `${randomPrefix()}k`;
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const headers = { 'upstash-encoding': 'base64' };
    expect((await call('/', { body: ['set', k, 'é'], headers })).body).toEqual({
      result: b64('OK'),
    });
    expect((await call('/', { body: ['get', k], headers })).body).toEqual({ result: b64('é') });
    const lua = await call('/', {
      body: ['eval', "return {7, {false, 'x'}, redis.call('set', KEYS[1], 'y')}", 1, k],
      headers,
    });
    expect(lua.body).toEqual({ result: [7, [null, b64('x')], b64('OK')] });
    const nestedError = await call('/', {
      body: ['eval', "return {1, redis.error_reply('boom bad')}", 0],
      headers,
    });
    expect(nestedError.body).toEqual({ result: [1, b64('boom bad')] });
    const pipeline = await call('/pipeline', { body: [['incr', k], ['ping']], headers });
    expect(pipeline.body).toEqual([
      { error: 'ERR value is not an integer or out of range' },
      { result: b64('PONG') },
    ]);
  });

  it('answers plain UTF-8 without the header, and keeps 64-bit integers exact', async () => {
    const k = `${randomPrefix()}k`;
    await call('/', { body: ['set', k, '9007199254740993'] });
    const res = await fetch(url, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(['incr', k]),
    });
    expect(await res.text()).toBe('{"result":9007199254740994}');
    expect((await call('/', { body: ['hset', `${k}h`, 'f', '✓'] })).body).toEqual({ result: 1 });
    expect((await call('/', { body: ['hgetall', `${k}h`] })).body).toEqual({ result: ['f', '✓'] });
  });

  it('answers a Redis error on / with 400 and the verbatim text', async () => {
    const res = await call('/', { body: ['evalsha', 'f'.repeat(40), 0] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'NOSCRIPT No matching script. Please use EVAL.' });
  });

  it('echoes upstash-sync-token', async () => {
    const res = await call('/', {
      body: ['ping'],
      headers: { 'upstash-sync-token': 'opaque-123' },
    });
    expect(res.headers.get('upstash-sync-token')).toBe('opaque-123');
  });

  it('supports the URL form: /set/<key>/<value>?EX=100, with a POST body as the value', async () => {
    const k = `${randomPrefix()}k`;
    expect(
      (await call(`/set/${encodeURIComponent(k)}/hello%20world?EX=100`, { method: 'GET' })).body,
    ).toEqual({
      result: 'OK',
    });
    expect((await call(`/get/${encodeURIComponent(k)}`, { method: 'GET' })).body).toEqual({
      result: 'hello world',
    });
    await call(`/set/${encodeURIComponent(k)}`, { rawBody: '{"raw":"json"}' });
    expect((await call(`/get/${encodeURIComponent(k)}`, { method: 'GET' })).body).toEqual({
      result: '{"raw":"json"}',
    });
  });
});

describe('transactions', () => {
  it('answers non-2xx with the EXECABORT reason when a command cannot be queued', async () => {
    const k = `${randomPrefix()}k`;
    const res = await call('/multi-exec', {
      body: [
        ['set', k, 'v'],
        ['nosuchcommand', 'x'],
      ],
    });
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toMatch(
      /^EXECABORT .*unknown command 'nosuchcommand'/,
    );
    // Nothing ran.
    expect((await call('/', { body: ['exists', k] })).body).toEqual({ result: 0 });
  });

  it('reports runtime errors per entry, after running everything', async () => {
    const k = `${randomPrefix()}k`;
    const res = await call('/multi-exec', {
      body: [
        ['set', k, 'v'],
        ['incr', k],
        ['get', k],
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { result: 'OK' },
      { error: 'ERR value is not an integer or out of range' },
      { result: 'v' },
    ]);
  });
});

describe('command policy', () => {
  it('refuses connection-state commands on / and per entry in a pipeline', async () => {
    for (const command of [
      ['select', 1],
      ['multi'],
      ['watch', 'k'],
      ['subscribe', 'c'],
      ['client', 'setname', 'x'],
      // the Lua debugger took the shared connection (SYNC: the whole server), even for the
      // test bridge, which allows dangerous commands
      ['script', 'debug', 'yes'],
      ['SCRIPT', 'DEBUG', 'sync'],
    ]) {
      const res = await call('/', { body: command });
      expect(res.status).toBe(400);
      expect((res.body as { error: string }).error).toMatch(/not supported by this HTTP bridge/);
    }
    const k = `${randomPrefix()}k`;
    const res = await call('/pipeline', {
      body: [
        ['set', k, '1'],
        ['select', 2],
        ['incr', k],
      ],
    });
    expect(res.status).toBe(200);
    const [first, second, third] = res.body as { result?: unknown; error?: string }[];
    expect(first).toEqual({ result: 'OK' });
    expect(second?.error).toMatch(/'select' is not supported/);
    expect(third).toEqual({ result: 2 });
  });

  it('refuses a transaction containing a refused command, running none of it', async () => {
    const k = `${randomPrefix()}k`;
    const res = await call('/multi-exec', {
      body: [
        ['set', k, '1'],
        ['watch', k],
      ],
    });
    expect(res.status).toBe(400);
    expect((await call('/', { body: ['exists', k] })).body).toEqual({ result: 0 });
  });

  describe('without allowDangerousCommands', () => {
    let strict: BridgeHandle;
    beforeAll(async () => {
      strict = await startBridge({ redisUrl: inject('redisUrl'), token, log: () => {} });
    });
    afterAll(() => strict?.close());

    it('refuses server administration but allows SCRIPT LOAD/EXISTS', async () => {
      for (const command of [
        ['flushall'],
        ['config', 'set', 'maxmemory', '1'],
        ['script', 'flush'],
        ['shutdown'],
      ]) {
        const res = await call('/', { body: command }, strict.url);
        expect(res.status).toBe(400);
        expect((res.body as { error: string }).error).toMatch(/disabled on this HTTP bridge/);
      }
      const load = await call('/', { body: ['script', 'load', 'return 1'] }, strict.url);
      expect(load.body).toEqual({ result: 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db' });
      const exists = await call(
        '/',
        { body: ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db'] },
        strict.url,
      );
      expect(exists.body).toEqual({ result: [1] });
    });
  });
});

describe('/__stats', () => {
  let bridge: BridgeHandle;
  beforeAll(async () => {
    // A private bridge (on the shared Redis) so other test files do not move the counters.
    bridge = await startBridge({ redisUrl: inject('redisUrl'), token, log: () => {} });
  });
  afterAll(() => bridge?.close());

  it('counts requests per endpoint and commands per entry, and resets', async () => {
    const k = `${randomPrefix()}k`;
    await call('/__stats/reset', {}, bridge.url);
    await call('/', { body: ['set', k, '1'] }, bridge.url);
    await call(
      '/pipeline',
      {
        body: [
          ['incr', k],
          ['get', k],
          ['select', 1],
        ],
      },
      bridge.url,
    );
    await call(
      '/multi-exec',
      {
        body: [
          ['incr', k],
          ['incr', k],
        ],
      },
      bridge.url,
    );
    await call('/', { body: ['evalsha', 'f'.repeat(40), 0] }, bridge.url);
    const stats = (await call('/__stats', { method: 'GET' }, bridge.url)).body as Record<
      string,
      unknown
    >;
    expect(stats).toMatchObject({
      requests: 4,
      // The refused SELECT was never sent.
      commands: 6,
      byEndpoint: { command: 2, pipeline: 1, 'multi-exec': 1 },
      byCommand: { set: 1, incr: 3, get: 1, evalsha: 1 },
      byStatus: { '200': 3, '400': 1 },
      connections: { shared: 'ready' },
    });
    expect(stats.startedAt).toBeTypeOf('number');
    expect(bridge.stats().commands).toBe(6);
    // The serving process' CPU time: it grows with the work done between two reads.
    expect(stats.cpuMs).toBeTypeOf('number');
    for (let i = 0; i < 50; i++) await call('/', { body: ['get', k] }, bridge.url);
    expect(bridge.stats().cpuMs).toBeGreaterThan(stats.cpuMs as number);

    expect(
      (await call('/__stats', { method: 'GET', headers: { authorization: '' } }, bridge.url))
        .status,
    ).toBe(401);
    await call('/__stats/reset', {}, bridge.url);
    expect(bridge.stats()).toMatchObject({ requests: 0, commands: 0, byEndpoint: {} });
  });
});
