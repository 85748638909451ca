// The local QStash stand-in speaks what @upstash/qstash's Client sends and signs what its
// Receiver verifies; it delivers at the due time, deduplicates, and retries 5xx answers.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Receiver } from '@upstash/qstash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QStashHandle, startQStash } from '../../infra/qstash/index.js';
import { waitFor } from './helpers.js';

const keys = { currentSigningKey: 'sig_cur_abcdefabcdef', nextSigningKey: 'sig_next_abcdefabcdef' };
let qstash: QStashHandle;
let target: Server;
let targetUrl: string;
let failFirst = 0;
const received: { at: number; body: string; headers: IncomingMessage['headers']; ok: boolean }[] =
  [];
const receiver = new Receiver({ ...keys, devMode: false });

beforeAll(async () => {
  qstash = await startQStash({ token: 'tok', ...keys, retryDelayMs: 50, log: () => {} });
  target = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', async () => {
      const ok = await receiver
        .verify({ signature: String(req.headers['upstash-signature']), body, url: targetUrl })
        .then(
          () => true,
          () => false,
        );
      received.push({ at: Date.now(), body, headers: req.headers, ok });
      if (failFirst > 0) {
        failFirst--;
        return res.writeHead(503).end();
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await qstash?.close();
  await new Promise((r) => target?.close(r));
});

const client = () => new Client({ baseUrl: qstash.url, token: 'tok', enableTelemetry: false });

describe('QStash stand-in', () => {
  it("delivers a publishJSON at once, signed so that @upstash/qstash's Receiver verifies it", async () => {
    received.length = 0;
    const r = await client().publishJSON({ url: targetUrl, body: { hello: 'world' } });
    expect(r.messageId).toMatch(/^msg_/);
    await waitFor('the delivery', async () => received.length === 1);
    expect(received[0]).toMatchObject({ body: '{"hello":"world"}', ok: true });
    expect(received[0]?.headers['content-type']).toBe('application/json');
  });

  it('delivers at notBefore, not earlier', async () => {
    received.length = 0;
    const notBefore = Math.floor(Date.now() / 1000) + 1;
    await client().publishJSON({ url: targetUrl, body: { late: true }, notBefore });
    await waitFor('the delivery', async () => received.length === 1);
    expect(received[0]!.at).toBeGreaterThanOrEqual(notBefore * 1000);
  });

  it('deduplicates by id', async () => {
    received.length = 0;
    const id = `dedupe-${Date.now()}`;
    const a = await client().publishJSON({ url: targetUrl, body: 1, deduplicationId: id });
    const b = await client().publishJSON({ url: targetUrl, body: 2, deduplicationId: id });
    expect(b.messageId).toBe(a.messageId);
    expect(b.deduplicated).toBe(true);
    await waitFor('the delivery', async () => received.length >= 1);
    expect(qstash.stats().deduplicated).toBeGreaterThanOrEqual(1);
  });

  it('retries a delivery answered with 5xx', async () => {
    received.length = 0;
    failFirst = 2;
    await client().publish({ url: targetUrl, body: 'retry me' });
    await waitFor('the third attempt', async () => received.length === 3);
    expect(received.map((r) => r.headers['upstash-retried'])).toEqual(['0', '1', '2']);
    expect(received.every((r) => r.ok)).toBe(true);
  });

  it('refuses a publisher without the token', async () => {
    const res = await fetch(`${qstash.url}/v2/publish/${targetUrl}`, { method: 'POST' });
    expect(res.status).toBe(401);
  });
});
