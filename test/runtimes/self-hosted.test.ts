// The self-hosted entry points on their own runtimes: functions/node-server.ts in Node,
// functions/deno.ts in Deno and functions/bun.ts in Bun (both installed from npm as
// devDependencies), against the test bridge. Each must serve
// the API and the dashboard, run a created job at once (wake-up) and a delayed one from its tick
// timer, tell a loopback caller from a forwarded one, and stop cleanly on SIGTERM, giving back
// the job it cuts without counting an attempt; idle, its tick costs one call a period.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createQueue } from '../../core/index.js';
import { createdSchema, jobSchema, statsSchema } from '../../functions/api/schema.js';
import { assetVersion } from '../../functions/dashboard/assets.js';
import { startBridge } from '../../infra/redis-http/index.js';
import { testRedis } from '../support/stack.js';

const root = join(import.meta.dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

const runtimes = [
  { name: 'Node', command: bin('tsx'), args: ['functions/node-server.ts'] },
  {
    name: 'Deno',
    command: bin('deno'),
    args: [
      'run',
      '--allow-net',
      '--allow-env',
      '--allow-read',
      '--unstable-sloppy-imports',
      'functions/deno.ts',
    ],
  },
  { name: 'Bun', command: bin('bun'), args: ['functions/bun.ts'] },
] as const;

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

/** Signals the entry's whole process group, as systemd, `kill -- -<pgid>` or a container do. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is gone
  }
}

afterAll(() => {
  for (const child of started) signalGroup(child, 'SIGKILL');
});

/** Runs an entry with the test bridge's address and `env` on top; its output is collected. */
function spawnEntry(command: string, args: readonly string[], env: Record<string, string>) {
  const child = spawn(command, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: '1',
      UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
      UPSTASH_REDIS_REST_TOKEN: inject('bridgeToken'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // a process group of its own: tsx runs the Node server in a child process
    detached: true,
  });
  started.push(child);
  let text = '';
  const collect = (d: Buffer) => {
    text += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, output: () => text, exited };
}

/** A tick every 2 s: a job only the tick can run starts within seconds. */
const TICK_MS = 2_000;

async function start(
  command: string,
  args: readonly string[],
  prefix: string,
  env: Record<string, string> = {},
): Promise<Started> {
  const { child, output, exited } = spawnEntry(command, args, {
    EDGEKUE_PREFIX: prefix,
    PORT: '0',
    EDGEKUE_TICK_MS: String(TICK_MS),
    ...env,
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const ready = /^ready (http:\/\/\S+)$/m.exec(output());
      if (ready?.[1]) {
        clearInterval(timer);
        resolve(ready[1]);
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`${command} exited with ${code} before ready:\n${output()}`));
    });
  });
  return { child, url, output, exited };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(runtimes)('functions on $name', ({ command, args }) => {
  it('serves the API and the dashboard, runs jobs, and stops on SIGTERM', async () => {
    const prefix = `rt-${randomBytes(5).toString('hex')}`;
    const s = await start(command, args, prefix);
    let streaming: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let interrupted: string | undefined;
    const json = async (path: string, init?: RequestInit) => {
      const r = await fetch(`${s.url}${path}`, init);
      return { status: r.status, body: (await r.json()) as unknown };
    };
    try {
      // a loopback caller needs no credentials when none are set: the runtime's address is read
      const stats = await json('/stats');
      expect(stats.status).toBe(200);
      statsSchema.parse(stats.body);
      const forwarded = await fetch(`${s.url}/stats`, {
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(forwarded.status).toBe(403);
      await forwarded.body?.cancel();

      const page = await fetch(`${s.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');

      const create = (options: object) =>
        json('/job', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'email', data: { to: 'tj@example.com' }, options }),
        });
      const now = await create({});
      const { id } = createdSchema.parse(now.body);
      // the wake-up runs it in the same process, without waiting for a tick
      const done = await until(
        async () => jobSchema.parse((await json(`/job/${id}`)).body),
        (job) => job.state === 'complete',
        5_000,
      );
      expect(done.state).toBe('complete');

      // a job created behind the server's back wakes nobody: only the tick, which the runtime's
      // timers drive, can promote and run it
      const behind = createQueue(
        { url: inject('bridgeUrl'), token: inject('bridgeToken') },
        { prefix },
      );
      const later = await behind.create('email', { to: 'ann@example.com' }).delay(300).save();
      const promoted = await until(
        async () => jobSchema.parse((await json(`/job/${later.id}`)).body),
        (job) => job.state === 'complete',
        15_000,
      );
      expect(promoted.state).toBe('complete');
      await behind.close();

      // served byte for byte as on Node: the asset URLs carry a hash of their content
      const html = await (await fetch(`${s.url}/`)).text();
      expect(html).toContain(`?v=${assetVersion}"`);

      // an open event stream (a dashboard tab) must not hold the shutdown open
      const events = await fetch(`${s.url}/events`);
      expect(events.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = events.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toMatch(/^retry: \d+/m);
      streaming = reader;

      // a deploy: SIGTERM while a long job runs (200 frames, 20 s) gives it back uncounted
      const long = createdSchema.parse(
        (
          await json('/job', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ type: 'video', data: { frames: 200 } }),
          })
        ).body,
      );
      const running = await until(
        async () => jobSchema.parse((await json(`/job/${long.id}`)).body),
        (job) => job.state === 'active',
        10_000,
      );
      expect(running.state).toBe('active');
      interrupted = String(long.id);
    } finally {
      // to the group: tsx forwards it too, so the Node server gets it twice
      signalGroup(s.child, 'SIGTERM');
    }
    expect(await s.exited, s.output()).toBe(0);
    await streaming?.cancel().catch(() => {});
    expect(s.output()).not.toMatch(/error|uncaught|panic/i);
    const after = createQueue(
      { url: inject('bridgeUrl'), token: inject('bridgeToken') },
      { prefix },
    );
    const back = await after.getJob(interrupted!);
    expect(back.state()).toBe('inactive');
    expect(back.attempts()).toMatchObject({ made: 0 });
    expect(await after.logs(interrupted!)).toContain(
      'cut short by the end of its invocation: given back without counting an attempt (1 of 3)',
    );
    await after.close();
    const redis = testRedis();
    const keys = await redis.keys(`*${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }, 60_000);

  it('idle on an empty queue, makes one call a tick period and none between', async () => {
    // a bridge of its own, so that only this server's requests are counted
    const bridge = await startBridge({
      redisUrl: inject('redisUrl'),
      token: inject('bridgeToken'),
      port: 0,
      log: () => {},
    });
    const s = await start(command, args, `idle-${randomBytes(5).toString('hex')}`, {
      UPSTASH_REDIS_REST_URL: bridge.url,
    });
    try {
      await new Promise((r) => setTimeout(r, 500));
      const before = bridge.stats().requests;
      await new Promise((r) => setTimeout(r, 2.5 * TICK_MS));
      const calls = bridge.stats().requests - before;
      // ticks at about 2 s and 4 s into the window (a tick that spun made thousands)
      expect(calls).toBeGreaterThanOrEqual(1);
      expect(calls).toBeLessThanOrEqual(4);
    } finally {
      signalGroup(s.child, 'SIGTERM');
      await s.exited;
      await bridge.close();
    }
  });

  it('refuses to start on bad configuration with one message and exit code 1', async () => {
    for (const env of [{ UPSTASH_REDIS_REST_URL: '' }, { PORT: 'abc' }] as Record<
      string,
      string
    >[]) {
      const { output, exited } = spawnEntry(command, args, env);
      const code = await exited;
      const text = output();
      expect(code, text).toBe(1);
      expect(text).toMatch(/^edgekue: could not start: /);
      expect(text).toMatch(Object.keys(env)[0]!);
      // no stack trace, no source excerpt
      expect(text, text).not.toMatch(/^\s+at |\bat .*:\d+:\d+|\^/m);
    }
  });

  it('refuses to start on a port in use with one message and exit code 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as AddressInfo).port);
      const { output, exited } = spawnEntry(command, args, { PORT: port });
      const code = await exited;
      const text = output();
      expect(code, text).toBe(1);
      expect(text).toMatch(/^edgekue: could not start: /);
      expect(text, text).not.toMatch(/^\s+at |\bat .*:\d+:\d+|Uncaught/m);
    } finally {
      taken.close();
    }
  });
});
