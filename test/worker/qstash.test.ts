// Wake-ups through QStash, end to end against the local stand-in: a delayed job starts within a
// second of its due time with no cron tick; a burst of creates wakes a handful of invocations;
// POST /work refuses forged, expired and body-mismatched signatures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeServer, startNodeServer } from '../../functions/node-server.js';
import { type QStashHandle, qstashSignature, startQStash } from '../../infra/qstash/index.js';
import { findFreePort } from '../../infra/redis-server/index.js';
import { HandlerRegistry } from '../../worker-handlers/index.js';
import { bridge, dropQueue, waitFor, workerPrefix } from './helpers.js';

const keys = { current: 'sig_current_0123456789abcdef', next: 'sig_next_0123456789abcdef' };
const registry = new HandlerRegistry()
  .process('timed', async () => 'on time')
  .process('flaky', async (job) => {
    if (job.attempts().made === 0) throw new Error('the first attempt fails');
    return 'second time lucky';
  });

let qstash: QStashHandle;
let server: NodeServer;
let workUrl: string;

beforeAll(async () => {
  qstash = await startQStash({
    token: 'qstash-test-token',
    currentSigningKey: keys.current,
    nextSigningKey: keys.next,
    log: () => {},
  });
  const port = await findFreePort();
  workUrl = `http://127.0.0.1:${port}/work`;
  server = await startNodeServer({
    env: {
      UPSTASH_REDIS_REST_URL: bridge().url,
      UPSTASH_REDIS_REST_TOKEN: bridge().token,
      EDGEKUE_PREFIX: workerPrefix('qstash'),
      QSTASH_URL: qstash.url,
      QSTASH_TOKEN: 'qstash-test-token',
      QSTASH_CURRENT_SIGNING_KEY: keys.current,
      QSTASH_NEXT_SIGNING_KEY: keys.next,
      EDGEKUE_WORKER_URL: workUrl,
      EDGEKUE_BUDGET_MS: '5000',
      EDGEKUE_LEASE_MS: '2000',
    },
    port,
    registry,
    tick: false, // only wake-ups can run jobs here
  });
});

afterAll(async () => {
  await server?.close();
  await qstash?.close();
  if (server) await dropQueue(server.queue);
});

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function completed(id: string) {
  return waitFor(`job ${id} to complete`, async () => {
    const job = await server.queue.getJob(id);
    return job.state() === 'complete' ? job : undefined;
  });
}

describe('QStash wake-ups', () => {
  it('wakes through QStash', () => {
    expect(server.wakeMode).toBe('qstash');
  });

  it('runs a job created over HTTP without any tick', async () => {
    const res = await post('/job', { type: 'timed' });
    const { id } = (await res.json()) as { id: number };
    await completed(String(id));
  });

  it('starts a delayed job within a second of its due time, without a tick', async () => {
    const res = await post('/job', { type: 'timed', options: { delay: 1_500 } });
    const { id } = (await res.json()) as { id: number };
    const job = await completed(String(id));
    const late = Number(job.started_at) - Number(job.promote_at);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1_000);
  });

  it('runs a retry put off by its backoff when it falls due, without a tick', async () => {
    // 3 s: longer than a woken run waits for due jobs (2 s), so only a scheduled wake-up runs it
    const res = await post('/job', {
      type: 'flaky',
      options: { attempts: 2, backoff: { type: 'fixed', delay: 3_000 } },
    });
    const { id } = (await res.json()) as { id: number };
    const job = await completed(String(id));
    expect(job.attempts().made).toBe(2);
    const late = Number(job.started_at) - Number(job.promote_at);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1_000);
  });

  it('wakes a handful of invocations for a burst of creates, and runs every job', async () => {
    const before = qstash.stats();
    const ids: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async (_, r) => {
        const items = Array.from({ length: 20 }, (_, i) => ({ type: 'timed', data: { r, i } }));
        const created = (await (await post('/job', items)).json()) as { id: number }[];
        ids.push(...created.map((c) => c.id));
      }),
    );
    expect(ids).toHaveLength(200);
    for (const id of ids) await completed(String(id));
    const after = qstash.stats();
    expect(after.published - before.published).toBeGreaterThanOrEqual(1);
    expect(after.published - before.published).toBeLessThanOrEqual(4);
  });
});

describe('POST /work signatures', () => {
  const body = '{"wake":"edgekue"}';
  const work = (headers: Record<string, string>, text = body) =>
    fetch(workUrl, { method: 'POST', headers, body: text });

  it('accepts a valid signature, by the current or the next key', async () => {
    for (const key of [keys.current, keys.next]) {
      const res = await work({ 'upstash-signature': qstashSignature({ key, url: workUrl, body }) });
      expect(res.status).toBe(202);
    }
  });

  it('refuses a forged signature', async () => {
    const forged = qstashSignature({ key: 'not-a-signing-key', url: workUrl, body });
    const res = await work({ 'upstash-signature': forged });
    expect(res.status).toBe(401);
    expect(await res.json()).toHaveProperty('error');
  });

  it('refuses an expired signature', async () => {
    const expired = qstashSignature({
      key: keys.current,
      url: workUrl,
      body,
      now: Math.floor(Date.now() / 1000) - 600,
    });
    expect((await work({ 'upstash-signature': expired })).status).toBe(401);
  });

  it('refuses a signature over another body or another URL', async () => {
    const other = qstashSignature({ key: keys.current, url: workUrl, body: '{"wake":"other"}' });
    expect((await work({ 'upstash-signature': other })).status).toBe(401);
    const elsewhere = qstashSignature({
      key: keys.current,
      url: 'https://elsewhere.example/work',
      body,
    });
    expect((await work({ 'upstash-signature': elsewhere })).status).toBe(401);
  });

  it('refuses a request with neither signature nor secret', async () => {
    const res = await work({});
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/signature/);
  });
});
