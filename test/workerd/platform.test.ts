// The Worker bundle in workerd when its platform goes wrong, and a Worker of a user's own: a Redis
// that never answers (503 within EDGEKUE_REDIS_TIMEOUT_MS, a tick and a background run that say
// so in the log), a refused Redis token (502 naming the variable), a configuration that does not
// read (a JSON 500, logged once), a QStash signature that does not verify (logged), an event
// stream whose subscription outlives the timeout, and createWorker(registry) with the test's own
// handlers.
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Queue } from '../../core/index.js';
import { buildWorker, compatibilityDate } from '../../infra/build/workerd-bundle.js';
import { type HungRedis, startHungRedis } from '../support/hung-redis.js';
import { channelSubscribers, testRedis } from '../support/stack.js';
import { readUntil } from '../support/stream-text.js';
import { dropQueue } from '../worker/helpers.js';

const secret = 'workerd-platform-secret-0123456789';
const apiToken = 'workerd-platform-token-0123456789';

let script: string;
let customScript: string;
const started: Miniflare[] = [];
const prefixes: string[] = [];

let hung: HungRedis | undefined;
let hungUrl: string;

interface Booted {
  mf: Miniflare;
  url: URL;
  /** What the Worker wrote to the console (workerd's stdout and stderr), so far. */
  logs: () => string;
}

/** As bootWorker (infra/build/workerd-bundle.ts), keeping what the Worker logs. */
async function boot(bundle: string, bindings: Record<string, string>): Promise<Booted> {
  let text = '';
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path: bundle }],
    modulesRoot: join(bundle, '..'),
    compatibilityDate: compatibilityDate(),
    bindings,
    port: 0,
    host: '127.0.0.1',
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      stderr.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
    },
  });
  started.push(mf);
  const url = await mf.ready;
  return { mf, url, logs: () => text };
}

function bindings(extra: Record<string, string> = {}): Record<string, string> {
  const prefix = `wd_pf_${Date.now()}_${prefixes.length}`;
  prefixes.push(prefix);
  return {
    UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
    UPSTASH_REDIS_REST_TOKEN: inject('bridgeToken'),
    EDGEKUE_PREFIX: prefix,
    EDGEKUE_BUDGET_MS: '3000',
    EDGEKUE_LEASE_MS: '2000',
    EDGEKUE_AUTH_TOKEN: apiToken,
    EDGEKUE_WORKER_SECRET: secret,
    ...extra,
  };
}

async function send(
  base: URL,
  method: string,
  path: string,
  body?: unknown,
  bearer = apiToken,
): Promise<{ status: number; text: string; type: string | null; ms: number }> {
  const began = Date.now();
  const res = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    // a hung answer fails the test here, not at vitest's timeout
    signal: AbortSignal.timeout(12_000),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    type: res.headers.get('content-type'),
    ms: Date.now() - began,
  };
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`still not: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  script = await buildWorker();
  hung = await startHungRedis();
  hungUrl = hung.url;
}, 180_000);

afterAll(async () => {
  for (const mf of started) await mf.dispose();
  await hung?.close();
  for (const prefix of prefixes) await dropQueue(new Queue(testRedis(), { prefix }));
});

describe('the Worker and a Redis that never answers', () => {
  let w: Booted;
  beforeAll(async () => {
    w = await boot(
      script,
      bindings({
        UPSTASH_REDIS_REST_URL: hungUrl,
        UPSTASH_REDIS_REST_TOKEN: 'x',
        EDGEKUE_REDIS_TIMEOUT_MS: '500',
      }),
    );
  }, 60_000);

  it('answers 503 within about the timeout', async () => {
    for (const [method, path, body] of [
      ['GET', '/stats', undefined],
      ['POST', '/job', { type: 'email' }],
    ] as const) {
      const r = await send(w.url, method, path, body);
      expect(r.status, path).toBe(503);
      expect(JSON.parse(r.text)).toEqual({ error: 'Redis is unavailable, retry later' });
      expect(r.ms, path).toBeLessThan(4_000);
    }
  });

  it('ends a worker run within its budget', async () => {
    const r = await send(w.url, 'POST', '/work?wait=1', undefined, secret);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).errors).toBeGreaterThan(0);
    expect(r.ms).toBeLessThan(3_000 + 2_000);
  });

  it('says in one line that the cron tick, or a background run, cannot reach Redis', async () => {
    const before = w.logs().length;
    const worker = await w.mf.getWorker();
    await worker.scheduled({ cron: '* * * * *' });
    await until('the tick logged', () =>
      w.logs().includes('edgekue: the cron tick cannot reach Redis:'),
    );
    const background = await send(w.url, 'POST', '/work', undefined, secret);
    expect(background.status).toBe(202);
    await until('the run logged', () =>
      w.logs().includes('edgekue: a worker run cannot reach Redis:'),
    );
    const line = w
      .logs()
      .split('\n')
      .find((l) => l.includes('the cron tick cannot reach Redis'));
    expect(line).toMatch(/cannot reach Redis: \w+: .*(timeout|abort)/i);
    // no stack per tick (the failed requests above logged theirs, as every 5xx does)
    const lines = w.logs().slice(before);
    expect(lines).not.toMatch(/\n\s+at /);
    expect(lines).not.toContain('undefined');
  }, 20_000);
});

describe('the Worker and a Redis that refuses connections', () => {
  it('says so in one line when its cron tick runs', async () => {
    const w = await boot(
      script,
      bindings({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', EDGEKUE_REDIS_TIMEOUT_MS: '1000' }),
    );
    const worker = await w.mf.getWorker();
    expect((await worker.scheduled({ cron: '* * * * *' })).outcome).toBe('ok');
    await until('logged', () => w.logs().includes('edgekue: the cron tick cannot reach Redis: '));
    expect(w.logs()).not.toMatch(/\n\s+at /);
  }, 20_000);
});

describe('the Worker with a Redis token that is refused', () => {
  it('answers 502 naming UPSTASH_REDIS_REST_TOKEN, not 503', async () => {
    const w = await boot(script, bindings({ UPSTASH_REDIS_REST_TOKEN: 'not-the-token' }));
    const r = await send(w.url, 'GET', '/stats');
    expect(r.status).toBe(502);
    expect(JSON.parse(r.text)).toEqual({
      error: 'Redis refused the credentials: check UPSTASH_REDIS_REST_TOKEN',
    });
  });
});

describe('the Worker without a configuration that reads', () => {
  it('answers a JSON 500 saying what is wrong, without a stack; the tick logs it once', async () => {
    const { UPSTASH_REDIS_REST_TOKEN: _, ...rest } = bindings();
    const w = await boot(script, rest);
    const r = await send(w.url, 'GET', '/stats');
    expect(r.status).toBe(500);
    expect(r.type).toMatch(/^application\/json/);
    const body = JSON.parse(r.text) as { error: string };
    expect(body.error).toMatch(/^edgekue is not configured: /);
    expect(body.error).toContain('UPSTASH_REDIS_REST_TOKEN: is required');
    expect(r.text).not.toMatch(/\bat /);
    const worker = await w.mf.getWorker();
    expect((await worker.scheduled({ cron: '* * * * *' })).outcome).toBe('ok');
    expect((await worker.scheduled({ cron: '* * * * *' })).outcome).toBe('ok');
    await until('logged', () => w.logs().includes('edgekue is not configured'));
    expect(w.logs().split('edgekue is not configured: ').length - 1).toBe(1);
    expect(w.logs()).not.toMatch(/\n\s+at /);
  });
});

describe('POST /work with a QStash signature that does not verify', () => {
  it('is refused, and the log says to check the signing keys', async () => {
    const w = await boot(
      script,
      bindings({
        QSTASH_CURRENT_SIGNING_KEY: 'sig_current_not_the_key',
        QSTASH_NEXT_SIGNING_KEY: 'sig_next_not_the_key',
      }),
    );
    const res = await fetch(new URL('/work', w.url), {
      method: 'POST',
      headers: { 'upstash-signature': 'eyJhbGciOiJIUzI1NiJ9.e30.bm90LXNpZ25lZA' },
      body: '{"wake":"edgekue"}',
    });
    expect(res.status).toBe(401);
    await until('logged', () => w.logs().includes('signature did not verify'));
    expect(w.logs()).toContain('QSTASH_CURRENT_SIGNING_KEY');
  });
});

describe('an event stream on the Worker', () => {
  it('keeps its subscription past EDGEKUE_REDIS_TIMEOUT_MS, and gets what is published then', async () => {
    const vars = bindings({ EDGEKUE_REDIS_TIMEOUT_MS: '300' });
    const w = await boot(script, vars);
    const channel = new Queue(testRedis(), { prefix: vars.EDGEKUE_PREFIX }).keys.events;
    const abort = new AbortController();
    const res = await fetch(new URL('/events?since=$', w.url), {
      headers: { authorization: `Bearer ${apiToken}` },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    await until('subscribed', async () => (await channelSubscribers(channel)) === 1);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await channelSubscribers(channel)).toBe(1);
    const created = await send(w.url, 'POST', '/job', { type: 'email', data: { to: 'x' } });
    expect(created.status).toBe(200);
    const { id } = JSON.parse(created.text) as { id: number };
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const text = await readUntil(reader, `"id":"${id}"`);
    expect(text).toContain('event: enqueue');
    abort.abort();
  }, 20_000);
});

describe('createWorker(registry): a Worker of your own', () => {
  beforeAll(async () => {
    customScript = await buildWorker({
      config: join(import.meta.dirname, 'custom', 'wrangler.toml'),
    });
  }, 120_000);

  it("runs the registry's handlers, and only those", async () => {
    const vars = bindings();
    const w = await boot(customScript, vars);
    const shout = await send(w.url, 'POST', '/job', { type: 'shout', data: { text: 'hello' } });
    const email = await send(w.url, 'POST', '/job', { type: 'email', data: { to: 'x' } });
    expect([shout.status, email.status]).toEqual([200, 200]);
    const worker = await w.mf.getWorker();
    await worker.scheduled({ cron: '* * * * *' });
    const job = async (created: { text: string }) =>
      JSON.parse((await send(w.url, 'GET', `/job/${JSON.parse(created.text).id}`)).text) as {
        state: string;
        result?: unknown;
      };
    await until('shout complete', async () => (await job(shout)).state === 'complete');
    expect((await job(shout)).result).toBe('HELLO');
    // edgekue's demo handlers are not this Worker's: its email job waits
    expect((await job(email)).state).toBe('inactive');
  }, 30_000);
});
