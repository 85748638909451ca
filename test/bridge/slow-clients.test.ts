// Clients that send their request slowly or not at all are cut after the request timeout, with a
// 408; clients waiting for an answer (a blocking command, a subscription) are not.
import { connect } from 'node:net';
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BridgeHandle, startBridge } from '../../infra/redis-http/index.js';
import { randomPrefix, testRedis } from '../support/stack.js';

const TOKEN = 'slow_token';
const REQUEST_TIMEOUT_MS = 1_000;

/** Opens a raw connection, sends `first`, then `drip` every 300 ms; resolves what it got once closed. */
function slowClient(port: number, first: string, drip?: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(first));
    let got = '';
    socket.on('data', (chunk: Buffer) => {
      got += chunk.toString('utf8');
    });
    socket.on('error', () => {});
    const timer = drip ? setInterval(() => socket.write(drip), 300) : undefined;
    // Far past the timeout: a bridge that never cuts the client fails the test, not hangs it.
    const giveUp = setTimeout(() => socket.destroy(), 8_000);
    socket.once('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve(got);
    });
  });
}

describe('slow clients', () => {
  let bridge: BridgeHandle;
  beforeAll(async () => {
    bridge = await startBridge({
      redisUrl: inject('redisUrl'),
      token: TOKEN,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      log: () => {},
    });
  });
  afterAll(() => bridge?.close());

  it('answers 408 and closes the connection when the body stalls', async () => {
    const got = await slowClient(
      bridge.port,
      `POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 100\r\n\r\n["pi`,
    );
    expect(got).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers 408 and closes the connection when the body or headers trickle in, or nothing comes', async () => {
    const [body, headers, silent] = await Promise.all([
      slowClient(
        bridge.port,
        `POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 100000\r\n\r\n[`,
        '"a",',
      ),
      slowClient(bridge.port, 'POST / HTTP/1.1\r\nHost: x\r\n', 'X-a: b\r\n'),
      // connects and sends nothing at all
      slowClient(bridge.port, ''),
    ]);
    expect(body).toMatch(/^HTTP\/1\.1 408 /);
    expect(headers).toMatch(/^HTTP\/1\.1 408 /);
    expect(silent).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('lets a blocking command and a subscription wait longer than the request timeout', async () => {
    const p = randomPrefix('slow');
    const client = new Redis({ url: bridge.url, token: TOKEN });
    // The client's subscribe() posts a body, which the bridge never reads: still not cut.
    const subscriber = client.subscribe<string>([`${p}c`]);
    try {
      await new Promise((resolve) => subscriber.on('subscribe', resolve));
      const received = new Promise<string>((resolve) =>
        subscriber.on('message', ({ message }) => resolve(message)),
      );
      expect(await client.exec(['BLPOP', `${p}q`, '2'])).toBeNull();
      // The stream outlived the request timeout twice over and still delivers.
      expect(await testRedis().publish(`${p}c`, 'still here')).toBe(1);
      expect(await received).toBe('still here');
    } finally {
      await subscriber.unsubscribe();
    }
  });
});
