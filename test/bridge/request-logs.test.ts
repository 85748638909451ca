// What the bridge logs about requests: never the token, and nothing at all (no error, no 500
// counted) for a client that leaves in the middle of its upload.
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loggablePath } from '../../infra/redis-http/http-io.js';
import { type BridgeHandle, startBridge } from '../../infra/redis-http/index.js';

const TOKEN = 's3cretTOKEN-request-logs';

describe('request logs', () => {
  let bridge: BridgeHandle;
  const lines: string[] = [];
  beforeAll(async () => {
    bridge = await startBridge({
      redisUrl: inject('redisUrl'),
      token: TOKEN,
      log: (line) => lines.push(line),
    });
  });
  afterAll(() => bridge?.close());

  /** Sends `head` and part of a body, then drops the connection once the bridge has the request. */
  async function abortUpload(head: string, partialBody: string): Promise<void> {
    const before = bridge.stats().requests;
    const socket = connect(bridge.port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`${head}\r\n${partialBody}`);
    await expect.poll(() => bridge.stats().requests).toBe(before + 1);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.destroy();
    await closed;
  }

  it('treats a client that leaves mid-upload as gone: no error line, no 500, no token', async () => {
    bridge.resetStats();
    await abortUpload(
      `POST /set/x?_token=${TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n`,
      '0123456789',
    );
    await abortUpload(
      `POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 100\r\n`,
      '["set"',
    );
    // The bridge handles the reset within a few ms; leave it ample time to log or count.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bridge.stats().byStatus).toEqual({});
    expect(lines.filter((l) => l.includes('internal error'))).toEqual([]);
    expect(lines.join('\n')).not.toContain(TOKEN);
    // The bridge still serves.
    const res = await fetch(`${bridge.url}/?_token=${TOKEN}`, { method: 'POST', body: '["ping"]' });
    expect(await res.json()).toEqual({ result: 'PONG' });
  });

  it('logs a request by its path, without the query that may carry ?_token=', () => {
    const req = { url: `/set/x?_token=${TOKEN}&EX=10` } as IncomingMessage;
    expect(loggablePath(req)).toBe('/set/x?…');
    expect(loggablePath({ url: `/get/${'k'.repeat(500)}` } as IncomingMessage)).toHaveLength(201);
  });
});
