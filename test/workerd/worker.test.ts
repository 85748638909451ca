// The real Worker bundle in workerd: a job created over HTTP is run by the cron tick, delayed
// jobs are promoted on the tick, and a wake-up runs a job without any tick. Workerd reaches the
// test's Redis bridge on 127.0.0.1 with ordinary outbound fetches.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Queue } from '../../core/index.js';
import { bootWorker, buildWorker } from '../../infra/build/workerd-bundle.js';
import { findFreePort } from '../../infra/redis-server/index.js';
import { channelSubscribers, testRedis } from '../support/stack.js';
import { readUntil } from '../support/stream-text.js';
import { dropQueue } from '../worker/helpers.js';

const secret = 'workerd-test-secret-0123456789';

interface JobJson {
  id: string;
  state: string;
  result?: unknown;
}

async function createJob(base: URL, body: unknown): Promise<number> {
  const res = await fetch(new URL('/job', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  const created = (await res.json()) as { id: number };
  return created.id;
}

async function getJob(base: URL, id: number): Promise<JobJson> {
  const res = await fetch(new URL(`/job/${id}`, base));
  expect(res.status).toBe(200);
  return (await res.json()) as JobJson;
}

async function waitForState(base: URL, id: number, state: string): Promise<JobJson> {
  const until = Date.now() + 15_000;
  for (;;) {
    const job = await getJob(base, id);
    if (job.state === state) return job;
    if (Date.now() > until) throw new Error(`job ${id} is ${job.state}, not ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let script: string;
const started: Miniflare[] = [];
let wakeCalls: { authorization: string | undefined }[] = [];
let wakeSink: Server;
const prefixes: string[] = [];

function bindings(prefix: string, extra: Record<string, string>): Record<string, string> {
  prefixes.push(prefix);
  return {
    UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
    UPSTASH_REDIS_REST_TOKEN: inject('bridgeToken'),
    EDGEKUE_PREFIX: prefix,
    EDGEKUE_BUDGET_MS: '3000',
    EDGEKUE_LEASE_MS: '2000',
    EDGEKUE_WORKER_SECRET: secret,
    ...extra,
  };
}

beforeAll(async () => {
  script = await buildWorker();
  // Wake-ups of the tick-only Worker land here and run nothing: only the cron tick can.
  wakeSink = createServer((req, res) => {
    wakeCalls.push({ authorization: req.headers.authorization });
    req.resume();
    res.writeHead(202).end('{}');
  });
  await new Promise<void>((r) => wakeSink.listen(0, '127.0.0.1', r));
}, 120_000);

afterAll(async () => {
  for (const mf of started) await mf.dispose();
  for (const prefix of prefixes) await dropQueue(new Queue(testRedis(), { prefix }));
  await new Promise((r) => wakeSink?.close(r));
});

describe('the Worker in workerd', () => {
  let tickOnly: URL;
  let tickMf: Miniflare;
  const tickPrefix = `wd_tick_${Date.now()}`;

  beforeAll(async () => {
    const sink = `http://127.0.0.1:${(wakeSink.address() as AddressInfo).port}/work`;
    const booted = await bootWorker(script, bindings(tickPrefix, { EDGEKUE_WORKER_URL: sink }));
    started.push(booted.mf);
    tickOnly = booted.url;
    tickMf = booted.mf;
  }, 60_000);

  it('runs a job created over HTTP when the cron tick fires', async () => {
    wakeCalls = [];
    const id = await createJob(tickOnly, { type: 'email', data: { to: 'tj@example.com' } });
    expect((await getJob(tickOnly, id)).state).toBe('inactive');
    const worker = await tickMf.getWorker();
    const outcome = await worker.scheduled({ cron: '* * * * *' });
    expect(outcome.outcome).toBe('ok');
    const done = await waitForState(tickOnly, id, 'complete');
    expect(done.result).toMatchObject({ to: 'tj@example.com' });
    // The create did try to wake a worker, with the secret.
    expect(wakeCalls.length).toBeGreaterThanOrEqual(1);
    expect(wakeCalls[0]?.authorization).toBe(`Bearer ${secret}`);
  });

  it('promotes a delayed job on the tick', async () => {
    const id = await createJob(tickOnly, { type: 'email', options: { delay: 300 } });
    expect((await getJob(tickOnly, id)).state).toBe('delayed');
    await new Promise((r) => setTimeout(r, 400));
    const worker = await tickMf.getWorker();
    await worker.scheduled({ cron: '* * * * *' });
    await waitForState(tickOnly, id, 'complete');
  });

  it('coalesces the wake-ups of a burst of creates', async () => {
    wakeCalls = [];
    const body = Array.from({ length: 100 }, (_, i) => ({ type: 'email', data: { i } }));
    for (let i = 0; i < 5; i++)
      await createJob(tickOnly, body.slice(i * 20, i * 20 + 20)).catch(() => 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(wakeCalls.length).toBeGreaterThanOrEqual(1);
    expect(wakeCalls.length).toBeLessThanOrEqual(3);
  });

  it('wakes a worker after a create: the job runs without a tick', async () => {
    const port = await findFreePort();
    const booted = await bootWorker(
      script,
      bindings(`wd_wake_${Date.now()}`, {
        EDGEKUE_WORKER_URL: `http://127.0.0.1:${port}/work`,
      }),
      port,
    );
    started.push(booted.mf);
    const id = await createJob(booted.url, { type: 'email', data: { to: 'woken@example.com' } });
    const done = await waitForState(booted.url, id, 'complete');
    expect(done.result).toMatchObject({ to: 'woken@example.com' });
  });

  it('stops claiming within EDGEKUE_MAX_CALLS script calls, and settles what it claimed', async () => {
    // 5 jobs a call need 16 calls to claim at all; 18 leave room for a few claims. Without the
    // limit the tick runs all 15 jobs (5 at a time, 50-300 ms each) well within its budget.
    const prefix = `wd_calls_${Date.now()}`;
    const booted = await bootWorker(
      script,
      bindings(prefix, { EDGEKUE_MAX_CALLS: '18', EDGEKUE_MAX_JOBS: '5' }),
    );
    started.push(booted.mf);
    const queue = new Queue(testRedis(), { prefix });
    await queue.createMany(Array.from({ length: 15 }, (_, i) => ({ type: 'email', data: { i } })));
    const worker = await booted.mf.getWorker();
    await worker.scheduled({ cron: '* * * * *' });
    const until = Date.now() + 15_000;
    while ((await queue.activeCount()) > 0 || (await queue.completeCount()) === 0) {
      if (Date.now() > until) throw new Error('the tick did not settle its jobs');
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500)); // no claim follows
    expect(await queue.activeCount()).toBe(0);
    expect(await queue.failedCount()).toBe(0);
    expect(await queue.inactiveCount()).toBeGreaterThan(0);
    expect((await queue.completeCount()) + (await queue.inactiveCount())).toBe(15);
  });

  it('streams events woken by a subscription to the queue channel', async () => {
    const channel = new Queue(testRedis(), { prefix: tickPrefix }).keys.events;
    const subscribed = async () => {
      for (let i = 0; i < 100 && (await channelSubscribers(channel)) === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      return channelSubscribers(channel);
    };
    const abort = new AbortController();
    const res = await fetch(new URL('/events', tickOnly), { signal: abort.signal });
    expect(res.status).toBe(200);
    expect(await subscribed()).toBe(1);
    const id = await createJob(tickOnly, { type: 'email', data: { to: 'live@example.com' } });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const text = await readUntil(reader, `"id":"${id}"`);
    expect(text).toContain('event: enqueue');
    // workerd notices the client left at the stream's next write (a heartbeat), not at once
    abort.abort();
  });

  it('refuses POST /work without the secret', async () => {
    const res = await fetch(new URL('/work', tickOnly), { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toHaveProperty('error');
    const wrong = await fetch(new URL('/work', tickOnly), {
      method: 'POST',
      headers: { authorization: 'Bearer not-the-secret-at-all' },
      body: '{}',
    });
    expect(wrong.status).toBe(401);
  });
});
