// What every server entry (Node, Deno, Bun) shares from functions/server-runtime.ts: where it
// listens, what a failed start prints, its signals, and a tick that cannot reach Redis saying so.
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createQueue } from '../../core/index.js';
import { ConfigError } from '../../functions/config.js';
import {
  createServerRuntime,
  listenAddress,
  onStopSignals,
  startFailure,
} from '../../functions/server-runtime.js';
import { HandlerRegistry } from '../../worker-handlers/index.js';
import { testRedis } from '../support/stack.js';

const bridgeEnv = () => ({
  UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
  UPSTASH_REDIS_REST_TOKEN: inject('bridgeToken'),
});

async function dropPrefix(prefix: string) {
  const redis = testRedis();
  const keys = await redis.keys(`*${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

/** Waits until `done` says so or `ms` pass; what follows asserts what came of it. */
async function pollUntil(done: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !(await done())) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A registry whose `type` handler records each job's data.name, in the order they run. */
function recordingNames(type: string): { ran: string[]; registry: HandlerRegistry } {
  const ran: string[] = [];
  const registry = new HandlerRegistry().process(type, async (job) => {
    ran.push((job.data as { name: string }).name);
  });
  return { ran, registry };
}

describe('the server runtime', () => {
  it('listens on PORT and HOST: unset or empty is 3000 on loopback, anything else must be a port', () => {
    expect(listenAddress({})).toEqual({ port: 3000, hostname: '127.0.0.1' });
    expect(listenAddress({ PORT: '', HOST: '' })).toEqual({ port: 3000, hostname: '127.0.0.1' });
    expect(listenAddress({ PORT: '0', HOST: '::' })).toEqual({ port: 0, hostname: '::' });
    expect(listenAddress({ PORT: '65535' }).port).toBe(65_535);
    for (const bad of ['abc', '70000', '-1', '80.5', ' 80']) {
      expect(() => listenAddress({ PORT: bad })).toThrow(ConfigError);
      expect(() => listenAddress({ PORT: bad })).toThrow(/^PORT must be/);
    }
    expect(startFailure(new ConfigError('PORT must be ...'))).toBe(
      'edgekue: could not start: PORT must be ...',
    );
  });

  it('stops gracefully on the first signal and at once on the second, saying so', async () => {
    const lines: string[] = [];
    const exits: number[] = [];
    let finish = () => {};
    const stopping = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let clock = 0;
    const onSignal = onStopSignals(
      () => stopping,
      (code) => exits.push(code),
      (line) => lines.push(line),
      () => clock,
    );
    onSignal();
    expect(exits).toEqual([]);
    // the same signal again at once (sent to the process group and forwarded by a wrapper)
    clock = 5;
    onSignal();
    expect(exits).toEqual([]);
    expect(lines).toHaveLength(1);
    clock = 1_500;
    onSignal();
    expect(exits).toEqual([1]);
    expect(lines[1]).toMatch(/stopping now; jobs still running are retried/);
    finish();
    await stopping;
    await Promise.resolve();
    expect(exits).toEqual([1, 0]);
  });

  it('says once that its tick cannot reach Redis (a wrong token is otherwise silent)', async () => {
    const warnings: string[] = [];
    const runtime = createServerRuntime({
      env: {
        UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
        UPSTASH_REDIS_REST_TOKEN: 'not-the-token',
        EDGEKUE_BUDGET_MS: '200',
      },
      tickBudgetMs: 150,
      intervalMs: 50,
      log: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
    runtime.startTicking();
    const deadline = Date.now() + 10_000;
    while (warnings.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    // several ticks fail meanwhile: one line, not one per tick
    await new Promise((r) => setTimeout(r, 600));
    await runtime.stop();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/the cron tick cannot reach Redis: .+/);
  });

  it('stops at once on a stop signal during a tick, not at the end of the tick period', async () => {
    const prefix = `stop-${randomBytes(4).toString('hex')}`;
    // a job due in an hour: the tick keeps looking (every interval) instead of ending
    const other = createQueue(
      { url: inject('bridgeUrl'), token: inject('bridgeToken') },
      { prefix },
    );
    await other.create('later', {}).delay(3_600_000).save();
    const runtime = createServerRuntime({
      env: { ...bridgeEnv(), EDGEKUE_PREFIX: prefix, EDGEKUE_TICK_MS: '60000' },
      registry: new HandlerRegistry(),
    });
    try {
      runtime.startTicking();
      await new Promise((r) => setTimeout(r, 500));
      const t = Date.now();
      await runtime.stop();
      // before the fix it slept out the tick's minute
      expect(Date.now() - t).toBeLessThan(20_000);
    } finally {
      await dropPrefix(prefix);
    }
  }, 90_000);

  it("runs a job longer than a tick's period to the end: a server's ticks need not stop", async () => {
    const prefix = `long-${randomBytes(4).toString('hex')}`;
    const other = createQueue(
      { url: inject('bridgeUrl'), token: inject('bridgeToken') },
      { prefix },
    );
    // created behind the server's back: only its tick runs it
    const job = await other.create('long', {}).save();
    const registry = new HandlerRegistry().process('long', async (_job, ctx) => {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, 2_500);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        });
      });
      return 'done';
    });
    const runtime = createServerRuntime({
      env: { ...bridgeEnv(), EDGEKUE_PREFIX: prefix },
      registry,
      tickBudgetMs: 1_000,
      intervalMs: 200,
    });
    try {
      runtime.startTicking();
      await pollUntil(async () => {
        const state = (await other.getJob(job.id!)).state();
        return state === 'complete' || state === 'failed';
      }, 15_000);
      const done = await other.getJob(job.id!);
      expect(done.state()).toBe('complete');
      expect(done.attempts()).toMatchObject({ made: 1 });
      expect(done.interruptions).toBeUndefined();
    } finally {
      await runtime.stop();
      await dropPrefix(prefix);
    }
  }, 60_000);

  it('starts a job created while a long one runs at once, and a delayed one when it falls due, not when the long one or the tick period ends', async () => {
    const prefix = `busy-${randomBytes(4).toString('hex')}`;
    const started = new Map<string, number>();
    let longEnded = 0;
    const registry = new HandlerRegistry()
      .process('long', async () => {
        await new Promise((r) => setTimeout(r, 4_000));
        longEnded = Date.now();
      })
      .process('short', async (job) => {
        started.set((job.data as { name: string }).name, Date.now());
      });
    // the tick loop is not started: only the in-process wake-ups run jobs
    const runtime = createServerRuntime({
      env: { ...bridgeEnv(), EDGEKUE_PREFIX: prefix },
      registry,
    });
    const { queue } = runtime;
    try {
      expect(runtime.wakeMode).toBe('in-process');
      await queue.create('long', {}).save();
      await new Promise((r) => setTimeout(r, 500));
      const t0 = Date.now();
      await queue.create('short', { name: 'created' }).save();
      await queue.create('short', { name: 'delayed' }).delay(1_000).save();
      await pollUntil(() => started.size >= 2 && longEnded > 0, 15_000);
      expect(longEnded).toBeGreaterThan(0);
      // (both started when the long job ended, 3.5 s after they were created, before)
      expect(started.get('created')).toBeLessThan(longEnded);
      expect(started.get('delayed')).toBeLessThan(longEnded);
      expect(started.get('delayed')).toBeGreaterThanOrEqual(t0 + 900);

      // idle, with no batch running: a delayed job starts when it falls due, not at the next tick
      const idle = Date.now();
      await queue.create('short', { name: 'later' }).delay(800).save();
      await pollUntil(() => started.has('later'), 10_000);
      expect(started.get('later')).toBeGreaterThanOrEqual(idle + 700);
      expect(started.get('later')).toBeLessThan(idle + 5_000);
    } finally {
      await runtime.stop();
      await dropPrefix(prefix);
    }
  }, 60_000);

  it('starts a job sent back to inactive at once, not at the next tick: a retry or a move over HTTP or from code, a resume', async () => {
    const prefix = `requeue-${randomBytes(4).toString('hex')}`;
    const { ran, registry } = recordingNames('again');
    const token = randomBytes(16).toString('hex');
    // the tick loop is not started: only wake-ups run jobs
    const runtime = createServerRuntime({
      env: { ...bridgeEnv(), EDGEKUE_PREFIX: prefix, EDGEKUE_AUTH_TOKEN: token },
      registry,
    });
    const { queue } = runtime;
    const send = async (method: string, path: string) =>
      runtime.fetch(
        new Request(`http://localhost${path}`, {
          method,
          headers: { authorization: `Bearer ${token}` },
        }),
      );
    const failed = async (name: string) => {
      const { id } = await queue.create('again', { name }).save();
      await pollUntil(() => ran.includes(name), 5_000);
      await queue.setState([id!], 'failed');
      return id!;
    };
    const cases: [string, (id: string) => Promise<unknown>][] = [
      ['HTTP retry', (id) => send('POST', `/jobs/${id}/retry`)],
      ['HTTP retry of a state', () => send('POST', '/jobs/failed/retry?type=again')],
      ['HTTP move', (id) => send('PUT', `/job/${id}/state/inactive`)],
      ["Kue's restart", (id) => send('GET', `/inactive/${id}`)],
      ['queue.retry', (id) => queue.retry(id)],
      ['queue.retryAll', () => queue.retryAll('failed', 'again')],
      ['job.inactive()', async (id) => (await queue.getJob(id)).inactive()],
      ['queue.setState', (id) => queue.setState([id], 'inactive')],
    ];
    try {
      const late: string[] = [];
      for (const [name, requeue] of cases) {
        const id = await failed(name);
        ran.length = 0;
        const res = await requeue(id);
        if (res instanceof Response) expect(res.status, name).toBe(200);
        await pollUntil(() => ran.length > 0, 5_000);
        if (!ran.includes(name)) late.push(name);
      }
      // a paused type's job starts when the type is resumed
      await queue.pause('again');
      ran.length = 0;
      await queue.create('again', { name: 'resumed' }).save();
      await new Promise((r) => setTimeout(r, 300));
      expect(ran).toEqual([]);
      await queue.resume('again');
      await pollUntil(() => ran.length > 0, 5_000);
      if (!ran.includes('resumed')) late.push('queue.resume');
      expect(late).toEqual([]);
    } finally {
      await runtime.stop();
      await dropPrefix(prefix);
    }
  }, 90_000);

  it('with a reminder due in an hour, still runs a job created elsewhere at its next tick (one tick slept until the reminder)', async () => {
    const prefix = `remind-${randomBytes(4).toString('hex')}`;
    const { ran, registry } = recordingNames('note');
    const runtime = createServerRuntime({
      env: { ...bridgeEnv(), EDGEKUE_PREFIX: prefix, EDGEKUE_TICK_MS: '1000' },
      registry,
    });
    const elsewhere = createQueue(
      { url: inject('bridgeUrl'), token: inject('bridgeToken') },
      { prefix },
    );
    try {
      await elsewhere.create('note', { name: 'reminder' }).delay(3_600_000).save();
      runtime.startTicking();
      await new Promise((r) => setTimeout(r, 1_500));
      // created by another process: no wake-up reaches this server
      await elsewhere.create('note', { name: 'from elsewhere' }).save();
      await pollUntil(() => ran.length > 0, 8_000);
      expect(ran).toEqual(['from elsewhere']);
    } finally {
      await runtime.stop();
      await elsewhere.close();
      await dropPrefix(prefix);
    }
  }, 30_000);
});
