// `npm start` as a user runs it: the whole stack comes up, prints one stdout line `ready <url>`,
// serves the dashboard and the API with demo jobs completing, and a SIGTERM to npm (what
// `timeout`, a process manager or an IDE sends) stops every process it started.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { descendants, isAlive } from '../support/processes.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let npm: ChildProcess | undefined;
let started: number[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'edgekue-start-'));

afterAll(() => {
  // whatever the test found, nothing it started outlives it
  for (const pid of [...started, ...(npm?.pid ? descendants(npm.pid) : [])]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (npm?.pid && isAlive(npm.pid)) npm.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(`${dataDir}.lock`, { force: true });
});

describe('npm start', () => {
  it('serves the stack with demo jobs flowing, and a SIGTERM to npm stops all of it', async () => {
    const env: Record<string, string | undefined> = { ...process.env, EDGEKUE_DATA_DIR: dataDir };
    delete env.UPSTASH_REDIS_REST_URL;
    delete env.UPSTASH_REDIS_REST_TOKEN;
    delete env.REDIS_URL;
    const child = spawn('npm', ['start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    npm = child;
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));

    const until = Date.now() + 150_000;
    let url: string | undefined;
    while (!url) {
      url = /^ready (\S+)$/m.exec(stdout)?.[1];
      if (Date.now() > until || child.exitCode !== null) {
        throw new Error(`no ready line; stderr:\n${stderr.slice(-2_000)}`);
      }
      await sleep(200);
    }

    const dashboard = await fetch(url);
    expect(dashboard.status).toBe(200);
    expect((await dashboard.text()).toLowerCase()).toContain('<html');
    let complete = 0;
    while (complete === 0 && Date.now() < until) {
      const stats = (await (await fetch(new URL('stats', url))).json()) as {
        completeCount: number;
      };
      complete = stats.completeCount;
      if (complete === 0) await sleep(500);
    }
    expect(complete).toBeGreaterThan(0);
    // the one stdout line besides npm's own banner ("> edgekue@… start"); the rest went to stderr
    const ours = stdout.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('> '));
    expect(ours).toEqual([`ready ${url}`]);
    expect(stderr).toMatch(/UPSTASH_REDIS_REST_URL=http\S+ UPSTASH_REDIS_REST_TOKEN=\S+/);

    // a second stack on the same data directory refuses to start (two redis-servers over one
    // set of files: the last to save overwrites the other's data)
    expect(existsSync(`${dataDir}.lock`)).toBe(true);
    const second = spawn('npm', ['start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let secondOut = '';
    second.stdout!.on('data', (d: Buffer) => {
      secondOut += d.toString();
    });
    second.stderr!.on('data', (d: Buffer) => {
      secondOut += d.toString();
    });
    const secondCode = await Promise.race([
      new Promise<number | null>((resolve) => second.on('exit', (code) => resolve(code))),
      sleep(90_000).then(() => 'still running'),
    ]);
    if (secondCode === 'still running') second.kill('SIGKILL');
    expect(secondCode).not.toBe(0);
    expect(secondOut).toMatch(/in use by another stack \(pid \d+\)/);
    expect(secondOut).not.toMatch(/^ready /m);

    started = descendants(child.pid!);
    expect(started.length).toBeGreaterThan(3); // redis-server, workerd, ... under npm
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(30_000)]);
    const deadline = Date.now() + 10_000;
    while (started.some(isAlive) && Date.now() < deadline) await sleep(200);
    const left = started.filter(isAlive).map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').slice(0, 120);
      } catch {
        return String(pid);
      }
    });
    expect(left).toEqual([]);
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  }, 200_000);
});
