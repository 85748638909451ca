// Redis killed under the bridge: requests fail fast with a JSON 503, the bridge stays up, and
// service resumes by itself once Redis is back. Uses a private stack so nothing else is hit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../../infra/redis-http/index.js';
import { isAlive } from '../support/processes.js';
import { type IsolatedStack, randomPrefix, startIsolatedStack } from '../support/stack.js';

describe('Redis outage', () => {
  let stack: IsolatedStack;
  beforeAll(async () => {
    stack = await startIsolatedStack();
  });
  afterAll(() => stack?.stop());

  const post = (path: string, body: unknown) =>
    fetch(`${stack.bridgeUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}` },
      body: JSON.stringify(body),
    });

  it('answers 503 with a JSON error while Redis is down, then serves again after a restart', async () => {
    const redis = stack.client();
    const p = randomPrefix('outage');
    expect(await redis.set(`${p}k`, 'before')).toBe('OK');

    // A blocking call in flight when Redis dies fails too, instead of hanging.
    const inFlight = post('/', ['blpop', `${p}never`, 30]);
    await expect.poll(() => stack.bridge.stats().connections.dedicated).toBe(1);

    const pid = stack.redis.pid;
    stack.redis.kill('SIGKILL');
    await expect.poll(() => isAlive(pid)).toBe(false);
    const blocked = await inFlight;
    expect(blocked.status).toBe(503);
    expect(await blocked.json()).toEqual({
      error: expect.stringMatching(/^ERR Redis is unavailable/),
    });

    await expect.poll(() => stack.bridge.stats().connections.shared).not.toBe('ready');
    for (const [path, body] of [
      ['/', ['get', `${p}k`]],
      ['/pipeline', [['get', `${p}k`], ['ping']]],
      ['/multi-exec', [['incr', `${p}n`]]],
      ['/', ['blpop', `${p}q`, 1]],
    ] as const) {
      const started = Date.now();
      const res = await post(path, body);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        error: expect.stringMatching(/^ERR Redis is unavailable/),
      });
      expect(Date.now() - started).toBeLessThan(2_500);
    }
    const sse = await fetch(`${stack.bridgeUrl}/subscribe/${p}c`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}` },
    });
    expect(sse.status).toBe(503);
    expect(await sse.json()).toMatchObject({ error: expect.any(String) });
    await expect(redis.get(`${p}k`)).rejects.toThrow(/Redis is unavailable/);
    // A load balancer polling /__health stops sending traffic here meanwhile.
    const down = await fetch(`${stack.bridgeUrl}/__health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({
      ok: false,
      error: expect.stringMatching(/^ERR Redis is unavailable/),
    });

    await stack.redis.restart();
    expect(stack.redis.pid).not.toBe(pid);
    // ioredis reconnects within its backoff (at most 1 s); then requests succeed again.
    await expect
      .poll(async () => (await post('/', ['set', `${p}k`, 'after'])).status, { timeout: 5_000 })
      .toBe(200);
    expect(await redis.get(`${p}k`)).toBe('after');
    expect(await (await fetch(`${stack.bridgeUrl}/__health`)).json()).toEqual({ ok: true });
    expect(await redis.multi().incr(`${p}n`).incr(`${p}n`).exec()).toEqual([1, 2]);
    expect(await redis.exec(['BLPOP', `${p}q`, '0.1'])).toBeNull();
  });

  it('answers 504 when Redis hangs, and replies stay matched to their commands afterwards', async () => {
    const bridge = await startBridge({
      redisUrl: stack.redisUrl,
      token: stack.token,
      commandTimeoutMs: 300,
      log: () => {},
    });
    const ask = (body: unknown) =>
      fetch(bridge.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.token}` },
        body: JSON.stringify(body),
      });
    const p = randomPrefix('hang');
    try {
      await expect.poll(async () => (await ask(['set', `${p}a`, 'A'])).status).toBe(200);
      await ask(['set', `${p}b`, 'B']);
      stack.redis.kill('SIGSTOP');
      try {
        const res = await ask(['get', `${p}a`]);
        expect(res.status).toBe(504);
        expect(await res.json()).toEqual({ error: 'ERR Redis did not answer within 300 ms' });
      } finally {
        stack.redis.kill('SIGCONT');
      }
      // The late reply to the timed-out GET must not be handed to the next command.
      expect(await (await ask(['get', `${p}b`])).json()).toEqual({ result: 'B' });
      expect(await (await ask(['get', `${p}a`])).json()).toEqual({ result: 'A' });
    } finally {
      await bridge.close();
    }
  });
});
