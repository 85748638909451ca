// The local QStash stand-in speaks what @upstash/qstash's Client sends and signs what its
// Receiver verifies; it delivers at the due time, deduplicates, and retries as QStash does
// (https://upstash.com/docs/qstash/features/retry): any answer but 2XX, unless a 489 says
// Upstash-NonRetryable-Error, waiting QStash's backoff or the receiver's Retry-After.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Receiver } from '@upstash/qstash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QStashHandle, startQStash } from '../../infra/qstash/index.js';
import { backoffMs, nextAttemptAt } from '../../infra/qstash/retry.js';
import { waitFor } from './helpers.js';

const keys = { currentSigningKey: 'sig_cur_abcdefabcdef', nextSigningKey: 'sig_next_abcdefabcdef' };
let qstash: QStashHandle;
let target: Server;
let targetUrl: string;
/** How the target answers its next deliveries, in order; then 200. */
let answers: { status: number; headers?: Record<string, string> }[] = [];
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
      const answer = answers.shift() ?? { status: 200 };
      res.writeHead(answer.status, answer.headers).end();
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
    answers = [{ status: 503 }, { status: 500 }];
    await client().publish({ url: targetUrl, body: 'retry me' });
    await waitFor('the third attempt', async () => received.length === 3);
    expect(received.map((r) => r.headers['upstash-retried'])).toEqual(['0', '1', '2']);
    expect(received.every((r) => r.ok)).toBe(true);
  });

  it('retries a delivery answered with a 4xx too: QStash retries any answer but 2XX', async () => {
    received.length = 0;
    answers = [{ status: 400 }, { status: 404 }, { status: 401 }];
    await client().publish({ url: targetUrl, body: 'not 2XX' });
    await waitFor('the fourth attempt', async () => received.length === 4, 3_000);
    expect(received.map((r) => r.headers['upstash-retried'])).toEqual(['0', '1', '2', '3']);
  });

  it('gives up after the retries the message asked for', async () => {
    received.length = 0;
    const before = qstash.stats();
    answers = [{ status: 409 }, { status: 409 }, { status: 409 }];
    await client().publish({ url: targetUrl, body: 'twice', retries: 1 });
    await waitFor('the drop', async () => qstash.stats().dropped === before.dropped + 1, 3_000);
    expect(received).toHaveLength(2);
    answers = [];
  });

  it('stops at once on a 489 with Upstash-NonRetryable-Error, and only then', async () => {
    received.length = 0;
    const before = qstash.stats();
    // without the header a 489 is one more non-2XX answer, retried
    answers = [{ status: 489 }];
    await client().publish({ url: targetUrl, body: 'plain 489' });
    await waitFor('the retry', async () => received.length === 2, 3_000);
    answers = [{ status: 489, headers: { 'Upstash-NonRetryable-Error': 'true' } }];
    await client().publish({ url: targetUrl, body: 'final 489' });
    await waitFor('the drop', async () => qstash.stats().dropped === before.dropped + 1, 3_000);
    await new Promise((r) => setTimeout(r, 300)); // six retry delays: no retry comes
    expect(received.map((r) => r.body)).toEqual(['plain 489', 'plain 489', 'final 489']);
  });

  it("waits the receiver's Retry-After instead of its own delay", async () => {
    received.length = 0;
    answers = [{ status: 429, headers: { 'Retry-After': '1' } }];
    await client().publish({ url: targetUrl, body: 'later' });
    await waitFor('the retry', async () => received.length === 2, 5_000);
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it("waits QStash's backoff by default: min(86400, e ** (2.5 * retried)) seconds", () => {
    expect([0, 1, 2, 3, 4, 5].map(backoffMs)).toEqual([
      1_000, 12_182, 148_413, 1_808_042, 22_026_466, 86_400_000,
    ]);
    const now = Date.parse('2024-06-27T12:16:14Z');
    const answer = (headers: Record<string, string>) => ({
      status: 429,
      headers: new Headers(headers),
    });
    expect(nextAttemptAt(answer({}), 1, now) - now).toBe(12_182);
    expect(nextAttemptAt(answer({ 'Retry-After': '0' }), 1, now) - now).toBe(0);
    const date = { 'Retry-After': 'Thu, 27 Jun 2024 12:16:24 GMT' };
    expect(nextAttemptAt(answer(date), 1, now) - now).toBe(10_000);
    expect(nextAttemptAt(answer({ 'X-RateLimit-Reset': '6m5s' }), 0, now) - now).toBe(365_000);
    // past a day QStash ignores the header
    expect(nextAttemptAt(answer({ 'Retry-After': '90000' }), 2, now) - now).toBe(148_413);
  });

  it('refuses a publisher without the token', async () => {
    const res = await fetch(`${qstash.url}/v2/publish/${targetUrl}`, { method: 'POST' });
    expect(res.status).toBe(401);
  });
});
