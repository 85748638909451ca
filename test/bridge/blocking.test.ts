// Blocking commands run on connections of their own: they never stall other requests, and the
// connection is let go when the HTTP client goes away.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BridgeHandle, startBridge } from '../../infra/redis-http/index.js';
import { randomPrefix, testRedis } from '../support/stack.js';

const token = inject('bridgeToken');

describe('blocking commands', () => {
  it('a BLPOP waiting on an empty list does not stall a concurrent GET', async () => {
    const redis = testRedis();
    const p = randomPrefix('block');
    await redis.set(`${p}k`, 'v');
    const started = Date.now();
    const blpop = redis
      .exec<null>(['BLPOP', `${p}empty`, '1'])
      .then((r) => ({ r, at: Date.now() - started }));
    // Give the BLPOP time to reach Redis first.
    await new Promise((r) => setTimeout(r, 100));
    const get = await redis.get(`${p}k`);
    const getAt = Date.now() - started;
    expect(get).toBe('v');
    expect(getAt).toBeLessThan(700);
    const { r, at } = await blpop;
    expect(r).toBeNull();
    expect(at).toBeGreaterThanOrEqual(950);
  });

  it('a BLPOP is woken by a push from another request', async () => {
    const redis = testRedis({ enableAutoPipelining: false });
    const p = randomPrefix('block');
    const blpop = redis.exec<[string, string]>(['BLPOP', `${p}q`, '5']);
    await new Promise((r) => setTimeout(r, 100));
    await redis.lpush(`${p}q`, 'job-1');
    expect(await blpop).toEqual([`${p}q`, 'job-1']);
  });

  it('a pipeline holding a blocking command runs in order on its own connection', async () => {
    const p = randomPrefix('block');
    const res = await fetch(`${inject('bridgeUrl')}/pipeline`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify([
        ['rpush', `${p}q`, 'a'],
        ['brpop', `${p}q`, 1],
        ['get', `${p}none`],
        ['select', 1],
      ]),
    });
    expect(await res.json()).toEqual([
      { result: 1 },
      { result: [`${p}q`, 'a'] },
      { result: null },
      { error: expect.stringMatching(/'select' is not supported/) },
    ]);
  });

  describe('connection lifecycle', () => {
    let bridge: BridgeHandle;
    beforeAll(async () => {
      bridge = await startBridge({ redisUrl: inject('redisUrl'), token, log: () => {} });
    });
    afterAll(() => bridge?.close());

    it('closes the connection of a BLPOP 0 whose client went away', async () => {
      const p = randomPrefix('block');
      const aborter = new AbortController();
      const pending = fetch(bridge.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify(['blpop', `${p}forever`, 0]),
        signal: aborter.signal,
      }).catch((err: unknown) => err);
      await expect.poll(() => bridge.stats().connections.dedicated).toBe(1);
      aborter.abort();
      await pending;
      await expect.poll(() => bridge.stats().connections.dedicated).toBe(0);

      // A finished blocking call returns its connection to the idle pool for the next one.
      const ok = await fetch(bridge.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify(['blpop', `${p}empty`, '0.1']),
      });
      expect(await ok.json()).toEqual({ result: null });
      expect(bridge.stats().connections).toMatchObject({ dedicated: 1, idleDedicated: 1 });
    });
  });
});
