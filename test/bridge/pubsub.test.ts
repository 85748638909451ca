// Publish/subscribe over Server-Sent Events, with the unmodified client's subscribe().
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BridgeHandle, startBridge } from '../../infra/redis-http/index.js';
import { randomPrefix, testRedis } from '../support/stack.js';

const token = inject('bridgeToken');

function waitFor<T>(register: (resolve: (value: T) => void) => void, ms = 5_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing received within ${ms} ms`)), ms);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

describe('pub/sub', () => {
  it('client subscribe() receives published messages, JSON and text', async () => {
    const redis = testRedis();
    const channel = `${randomPrefix('chan')}events`;
    const subscriber = redis.subscribe<unknown>([channel]);
    const received: unknown[] = [];
    try {
      const count = await waitFor<number>((resolve) => subscriber.on('subscribe', resolve));
      expect(count).toBe(1);
      const both = waitFor<void>((resolve) =>
        subscriber.on('message', ({ channel: from, message }) => {
          expect(from).toBe(channel);
          received.push(message);
          if (received.length === 2) resolve();
        }),
      );
      expect(await redis.publish(channel, { job: 7, name: 'Zoë 🚀' })).toBe(1);
      expect(await redis.publish(channel, 'plain text, with commas')).toBe(1);
      await both;
      expect(received).toEqual([{ job: 7, name: 'Zoë 🚀' }, 'plain text, with commas']);
    } finally {
      await subscriber.unsubscribe();
    }
  });

  it('client psubscribe() receives pmessage with pattern and channel', async () => {
    const redis = testRedis();
    const prefix = randomPrefix('pchan');
    const subscriber = redis.psubscribe<unknown>([`${prefix}*`]);
    try {
      await waitFor<number>((resolve) => subscriber.on('psubscribe', resolve));
      const got = waitFor<{ pattern: string; channel: string; message: unknown }>((resolve) =>
        subscriber.on('pmessage', resolve),
      );
      // The client JSON-parses pmessage payloads without a text fallback, so publish JSON.
      await redis.publish(`${prefix}a`, { hi: 'there' });
      expect(await got).toEqual({
        pattern: `${prefix}*`,
        channel: `${prefix}a`,
        message: { hi: 'there' },
      });
    } finally {
      await subscriber.unsubscribe();
    }
  });

  describe('stream lifecycle', () => {
    let bridge: BridgeHandle;
    beforeAll(async () => {
      bridge = await startBridge({ redisUrl: inject('redisUrl'), token, log: () => {} });
    });
    afterAll(() => bridge?.close());

    it('streams SSE lines and releases the Redis connection when the client leaves', async () => {
      const channel = `${randomPrefix('sse')}c`;
      const aborter = new AbortController();
      const res = await fetch(`${bridge.url}/subscribe/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        signal: aborter.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const readUntil = async (needle: string) => {
        while (!text.includes(needle)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended before ${needle}`);
          text += decoder.decode(value, { stream: true });
        }
      };
      await readUntil(`data: subscribe,${channel},1\n`);
      expect(bridge.stats().connections.dedicated).toBe(1);
      await fetch(bridge.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify(['publish', channel, 'hello, world']),
      });
      await readUntil(`data: message,${channel},hello, world\n`);
      aborter.abort();
      await expect.poll(() => bridge.stats().connections.dedicated).toBe(0);
    });

    it('requires the token', async () => {
      const res = await fetch(`${bridge.url}/subscribe/x`, { method: 'POST' });
      expect(res.status).toBe(401);
    });
  });
});
