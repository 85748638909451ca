// A Redis that accepts connections and never answers, and one that refuses the token, on the
// servers (the standard client of server-runtime.ts, node-redis.ts' requester) and the Vercel
// Function: each request gives up after EDGEKUE_REDIS_TIMEOUT_MS and answers 503, a run ends
// within its budget, a refused token is a 502 that says which variable to check; and a live event
// stream's subscription outlives the timeout.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createQueue } from '../../core/index.js';
import { startNodeServer } from '../../functions/node-server.js';
import { createServerRuntime, type ServerRuntime } from '../../functions/server-runtime.js';
import { vercelFunction } from '../../functions/vercel.js';
import { findFreePort } from '../../infra/redis-server/index.js';
import { type HungRedis, startHungRedis } from '../support/hung-redis.js';
import { channelSubscribers, testRedis } from '../support/stack.js';
import { readUntil } from '../support/stream-text.js';

const token = `t-${randomBytes(12).toString('hex')}`;
const secret = `w-${randomBytes(12).toString('hex')}`;
const prefixes: string[] = [];

let hung: HungRedis;
let hungUrl: string;

beforeAll(async () => {
  hung = await startHungRedis();
  hungUrl = hung.url;
});

afterAll(async () => {
  await hung.close();
  const redis = testRedis();
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
});

function vars(url: string, extra: Record<string, string> = {}): Record<string, string> {
  const prefix = `rt_${randomBytes(5).toString('hex')}`;
  prefixes.push(prefix);
  return {
    UPSTASH_REDIS_REST_URL: url,
    UPSTASH_REDIS_REST_TOKEN: url === hungUrl ? 'x' : inject('bridgeToken'),
    EDGEKUE_PREFIX: prefix,
    EDGEKUE_AUTH_TOKEN: token,
    EDGEKUE_WORKER_SECRET: secret,
    EDGEKUE_REDIS_TIMEOUT_MS: '500',
    EDGEKUE_BUDGET_MS: '3000',
    ...extra,
  };
}

type Send = (request: Request) => Response | Promise<Response>;

/** A request with the API's (or the worker's) credentials, and how long its answer took. */
async function timed(
  send: Send,
  method: string,
  path: string,
  body?: unknown,
  bearer = token,
): Promise<{ status: number; body: unknown; ms: number }> {
  const began = Date.now();
  const res = await send(
    new Request(`http://edgekue.test${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
  return { status: res.status, body: await res.json(), ms: Date.now() - began };
}

const unavailable = { error: 'Redis is unavailable, retry later' };

/** GET /stats and POST /job answer 503 within about the timeout; a worker run ends in its budget. */
async function answersWithinTheTimeout(send: Send): Promise<void> {
  for (const [method, path, body] of [
    ['GET', '/stats', undefined],
    ['POST', '/job', { type: 'email' }],
  ] as const) {
    const r = await timed(send, method, path, body);
    expect(r.status, path).toBe(503);
    expect(r.body).toEqual(unavailable);
    expect(r.ms, path).toBeLessThan(3_000);
  }
  const work = await timed(send, 'POST', '/work?wait=1', undefined, secret);
  expect(work.status).toBe(200);
  expect(work.body).toMatchObject({ claimed: 0 });
  expect((work.body as { errors: number }).errors).toBeGreaterThan(0);
  expect(work.ms).toBeLessThan(3_000 + 1_500);
}

describe('a Redis that never answers', () => {
  it("the servers' standard client (Deno, Bun): 503 within the timeout, runs end in their budget", async () => {
    const runtime = createServerRuntime({
      env: vars(hungUrl),
      tick: false,
      log: { warn: () => {}, error: () => {} },
    });
    try {
      await answersWithinTheTimeout((request) => runtime.fetch(request));
    } finally {
      await runtime.stop();
    }
  }, 20_000);

  it('the Node server (node-redis.ts requester): 503 within the timeout', async () => {
    const port = await findFreePort();
    const server = await startNodeServer({ env: vars(hungUrl), port, tick: false });
    const restore = silence();
    try {
      await answersWithinTheTimeout((request) => {
        const url = new URL(request.url);
        return fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          duplex: 'half',
        } as RequestInit);
      });
    } finally {
      restore();
      await server.close();
    }
  }, 20_000);

  it('the Vercel Function: 503 within the timeout', async () => {
    const env = vars(hungUrl);
    const fn = vercelFunction({ env: () => env });
    const restore = silence();
    try {
      for (const path of ['/stats', '/job/1']) {
        const r = await timed((request) => fn.fetch(request), 'GET', path);
        expect(r.status, path).toBe(503);
        expect(r.body).toEqual(unavailable);
        expect(r.ms).toBeLessThan(3_000);
      }
    } finally {
      restore();
    }
  }, 20_000);
});

describe('a Redis token that is refused', () => {
  const refused = { error: 'Redis refused the credentials: check UPSTASH_REDIS_REST_TOKEN' };

  it('answers 502 naming UPSTASH_REDIS_REST_TOKEN, not a 503 to retry (standard client)', async () => {
    const runtime = createServerRuntime({
      env: { ...vars(inject('bridgeUrl')), UPSTASH_REDIS_REST_TOKEN: 'not-the-token' },
      tick: false,
      log: { warn: () => {}, error: () => {} },
    });
    try {
      const stats = await timed((request) => runtime.fetch(request), 'GET', '/stats');
      expect(stats.status).toBe(502);
      expect(stats.body).toEqual(refused);
      const created = await timed((request) => runtime.fetch(request), 'POST', '/job', {
        type: 'email',
      });
      expect(created.status).toBe(502);
      expect(created.body).toEqual(refused);
    } finally {
      await runtime.stop();
    }
  });

  it('answers 502 on the Node server too (node-redis.ts requester)', async () => {
    const port = await findFreePort();
    const server = await startNodeServer({
      env: { ...vars(inject('bridgeUrl')), UPSTASH_REDIS_REST_TOKEN: 'not-the-token' },
      port,
      tick: false,
    });
    const restore = silence();
    try {
      const res = await fetch(`http://127.0.0.1:${port}/stats`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(502);
      expect(await res.json()).toEqual(refused);
    } finally {
      restore();
      await server.close();
    }
  });

  it('still answers 503 for a Redis that is down', async () => {
    const runtime = createServerRuntime({
      env: vars('http://127.0.0.1:9'),
      tick: false,
      log: { warn: () => {}, error: () => {} },
    });
    try {
      const stats = await timed((request) => runtime.fetch(request), 'GET', '/stats');
      expect(stats.status).toBe(503);
      expect(stats.body).toEqual(unavailable);
    } finally {
      await runtime.stop();
    }
  });
});

describe('a live event stream', () => {
  let runtime: ServerRuntime;
  beforeAll(() => {
    runtime = createServerRuntime({
      env: { ...vars(inject('bridgeUrl')), EDGEKUE_REDIS_TIMEOUT_MS: '300' },
      tick: false,
    });
  });
  afterAll(() => runtime.stop());

  it('keeps its subscription past the timeout, and gets what is published then', async () => {
    const abort = new AbortController();
    const res = await runtime.fetch(
      new Request('http://edgekue.test/events?since=$', {
        headers: { authorization: `Bearer ${token}` },
        signal: abort.signal,
      }),
    );
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const channel = runtime.queue.keys.events;
    const until = Date.now() + 5_000;
    while ((await channelSubscribers(channel)) === 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await channelSubscribers(channel)).toBe(1);
    // well past EDGEKUE_REDIS_TIMEOUT_MS (300 ms): a timed-out subscription would be gone
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await channelSubscribers(channel)).toBe(1);
    const job = await createQueue({ redis: testRedis() }, runtime.queue.options)
      .create('email', { to: 'late@example.com' })
      .save();
    const text = await readUntil(reader, `"id":"${job.id}"`);
    expect(text).toContain('event: enqueue');
    abort.abort();
    await reader.cancel().catch(() => {});
  }, 15_000);
});

/** The servers log a refused or hung Redis to the console: keep the test output quiet. */
function silence(): () => void {
  const { error, warn } = console;
  console.error = () => {};
  console.warn = () => {};
  return () => {
    console.error = error;
    console.warn = warn;
  };
}
