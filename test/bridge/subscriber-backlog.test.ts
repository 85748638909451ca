// A subscriber that stops reading its stream: the bridge must not hold the messages Redis keeps
// pushing without bound, as Redis itself would not (client-output-buffer-limit pubsub).
import { connect, type Socket } from 'node:net';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BridgeHandle, startBridge } from '../../infra/redis-http/index.js';
import { channelSubscribers, randomPrefix } from '../support/stack.js';

const token = inject('bridgeToken');
const BACKLOG_LIMIT = 1024 * 1024;
const MESSAGE_BYTES = 100_000;

describe('a subscriber that stops reading', () => {
  let bridge: BridgeHandle;
  let publisher: IORedis;
  const lines: string[] = [];
  beforeAll(async () => {
    bridge = await startBridge({
      redisUrl: inject('redisUrl'),
      token,
      subscriberBacklogBytes: BACKLOG_LIMIT,
      log: (line) => lines.push(line),
    });
    publisher = new IORedis(inject('redisUrl'), { lazyConnect: true });
    await publisher.connect();
  });
  afterAll(async () => {
    publisher?.disconnect();
    await bridge?.close();
  });

  it('has its stream cut once it is over the backlog limit, and the bridge drops its messages', async () => {
    const channel = `${randomPrefix('flood')}c`;
    const socket: Socket = connect(bridge.port, '127.0.0.1');
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const firstChunk = new Promise<string>((resolve) =>
      socket.once('data', (chunk: Buffer) => {
        // From here on the client reads nothing.
        socket.pause();
        resolve(chunk.toString('utf8'));
      }),
    );
    socket.write(
      `POST /subscribe/${channel} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
    expect(await firstChunk).toMatch(/^HTTP\/1\.1 200/);
    await expect.poll(() => channelSubscribers(channel)).toBe(1);

    // Up to far more than the limit plus what the kernel's socket buffers take on loopback.
    const message = 'x'.repeat(MESSAGE_BYTES);
    const cutLine = () => lines.find((l) => l.includes('fell'));
    for (let published = 0; !cutLine() && published < 600; published++) {
      await publisher.publish(channel, message);
    }
    // The bridge let go of the subscription while its client still held the socket open.
    await expect.poll(() => channelSubscribers(channel)).toBe(0);
    await expect.poll(() => bridge.stats().connections.dedicated).toBe(0);
    const cut = cutLine();
    expect(cut).toMatch(
      new RegExp(`cut the subscribe stream of "${channel}": its client fell \\d+ bytes behind`),
    );
    // The bridge held at most one message past the limit before cutting the stream.
    const behind = Number(/fell (\d+) bytes/.exec(cut ?? '')?.[1]);
    expect(behind).toBeGreaterThan(BACKLOG_LIMIT);
    expect(behind).toBeLessThanOrEqual(BACKLOG_LIMIT + MESSAGE_BYTES + 200);
    // Nothing is delivered to a subscriber that is gone.
    expect(await publisher.publish(channel, 'after')).toBe(0);
    // The client that reads again finds its stream closed by the bridge.
    socket.resume();
    await closed;
  });
});
