// POST /work and its body: refused unread without credentials, read up to WORK_BODY_LIMIT (413
// past it) and never held whole, while QStash's signed deliveries and secret calls still start runs.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeServer, startNodeServer } from '../../functions/node-server.js';
import { WORK_BODY_LIMIT, workRoute } from '../../functions/work-route.js';
import { qstashSignature } from '../../infra/qstash/index.js';
import { findFreePort } from '../../infra/redis-server/index.js';
import { HandlerRegistry } from '../../worker-handlers/index.js';
import { dropQueue } from '../worker/helpers.js';
import { newQueue, testConfig } from './support.js';

const secret = 'work-body-secret-0123456789';
const keys = { current: 'sig_current_workbody_0123', next: 'sig_next_workbody_0123' };
const url = 'http://edgekue.test/work';
const queue = newQueue();
const runs: Promise<unknown>[] = [];
const ctx = { waitUntil: (p: Promise<unknown>) => void runs.push(p) };
const work = workRoute({
  queue,
  registry: new HandlerRegistry(),
  config: testConfig({
    EDGEKUE_WORKER_SECRET: secret,
    QSTASH_CURRENT_SIGNING_KEY: keys.current,
    QSTASH_NEXT_SIGNING_KEY: keys.next,
    EDGEKUE_WORKER_URL: url,
  }),
  log: { error: () => {} },
});

afterAll(async () => {
  await Promise.allSettled(runs);
  await dropQueue(queue);
});

/** A POST /work whose body is `chunks` chunks of `size` bytes, counting how many were pulled. */
function streamed(chunks: number, size: number, headers: Record<string, string> = {}) {
  const seen = { pulled: 0, cancelled: false };
  const chunk = new Uint8Array(size).fill(0x61);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.pulled === chunks) return controller.close();
      seen.pulled++;
      controller.enqueue(chunk);
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  const request = new Request(url, {
    method: 'POST',
    headers,
    body,
    duplex: 'half',
  } as RequestInit);
  return { request, seen };
}

/** A POST /work with this body, sent in the given pieces (bytes may straddle them). */
function pieces(parts: Uint8Array[], headers: Record<string, string>): Request {
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = parts.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  return new Request(url, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
}

const MiB = 1024 * 1024;
const bearer = { authorization: `Bearer ${secret}` };
const signed = (body: string, key = keys.current) => ({
  'upstash-signature': qstashSignature({ key, url, body }),
});

describe('POST /work reads little of what it is sent', () => {
  it('refuses a 95 MB body without credentials before reading it', async () => {
    const { request, seen } = streamed(95 * 16, 64 * 1024);
    const res = await work(request, ctx);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/signature|secret/);
    // the stream may fill its one-chunk queue on its own; the route pulls nothing
    expect(seen.pulled).toBeLessThanOrEqual(1);
  });

  it('answers 413 to an authorised body over the limit, having read only the limit', async () => {
    const { request, seen } = streamed(20 * 1024, 1024, bearer);
    const res = await work(request, ctx);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await res.json()) as { error: string }).error).toContain(String(WORK_BODY_LIMIT));
    expect(seen.pulled).toBeLessThanOrEqual(WORK_BODY_LIMIT / 1024 + 2);
    expect(seen.cancelled).toBe(true);
  });

  it('reads no more than the limit when the signature header is there but forged', async () => {
    const { request, seen } = streamed(95 * 16, 64 * 1024, { 'upstash-signature': 'x.y.z' });
    const res = await work(request, ctx);
    expect(res.status).toBe(413);
    expect(seen.pulled).toBeLessThanOrEqual(2);
  });

  it('takes a body of exactly the limit, and refuses one byte more', async () => {
    const at = 'a'.repeat(WORK_BODY_LIMIT);
    const ok = await work(new Request(url, { method: 'POST', headers: bearer, body: at }), ctx);
    expect(ok.status).toBe(202);
    const over = `${at}a`;
    const res = await work(new Request(url, { method: 'POST', headers: bearer, body: over }), ctx);
    expect(res.status).toBe(413);
  });
});

describe('POST /work still starts runs', () => {
  it("accepts QStash's signed wake-up, by the current or the next key", async () => {
    const body = '{"wake":"edgekue"}';
    for (const key of [keys.current, keys.next]) {
      const res = await work(
        new Request(url, { method: 'POST', headers: signed(body, key), body }),
        ctx,
      );
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ accepted: true });
    }
  });

  it('verifies the signature over the exact bytes, even with a character split across chunks', async () => {
    const body = '{"wake":"édgekue ✓"}';
    const bytes = new TextEncoder().encode(body);
    const cut = bytes.indexOf(0xc3) + 1; // inside "é"
    const res = await work(pieces([bytes.slice(0, cut), bytes.slice(cut)], signed(body)), ctx);
    expect(res.status).toBe(202);
    const other = await work(
      pieces([new TextEncoder().encode('{"wake":"other"}')], signed(body)),
      ctx,
    );
    expect(other.status).toBe(401);
  });

  it('accepts the secret, with or without a body', async () => {
    expect((await work(new Request(url, { method: 'POST', headers: bearer }), ctx)).status).toBe(
      202,
    );
    const res = await work(new Request(url, { method: 'POST', headers: bearer, body: '{}' }), ctx);
    expect(res.status).toBe(202);
  });

  it('refuses a wrong secret', async () => {
    const res = await work(
      new Request(url, { method: 'POST', headers: { authorization: 'Bearer nope' }, body: '{}' }),
      ctx,
    );
    expect(res.status).toBe(401);
  });
});

describe('POST /work on the Node server', () => {
  let server: NodeServer;

  beforeAll(async () => {
    const port = await findFreePort();
    server = await startNodeServer({
      env: {
        UPSTASH_REDIS_REST_URL: testConfig().UPSTASH_REDIS_REST_URL,
        UPSTASH_REDIS_REST_TOKEN: testConfig().UPSTASH_REDIS_REST_TOKEN,
        EDGEKUE_PREFIX: queue.prefix,
        EDGEKUE_WORKER_SECRET: secret,
      },
      port,
      tick: false,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  /**
   * Declares a `declared`-byte body, sends its first 64 KiB and waits for an answer without
   * sending the rest: only a route that answers before reading the whole body answers at all.
   */
  function answerMidUpload(declared: number, headers: Record<string, string>) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${server.url}/work`, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(declared) },
      });
      const timer = setTimeout(() => {
        req.destroy();
        reject(new Error('no answer while the body was still being sent'));
      }, 5_000);
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => {
          clearTimeout(timer);
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.write(Buffer.alloc(64 * 1024, 0x61));
    });
  }

  it('answers 401 to an anonymous 95 MB upload while it is still being sent', async () => {
    const res = await answerMidUpload(95 * MiB, {});
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toHaveProperty('error');
  });

  it('answers 413 to an authorised 20 MB upload while it is still being sent', async () => {
    const res = await answerMidUpload(20 * MiB, bearer);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toHaveProperty('error');
  });
});
