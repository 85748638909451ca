// `wrangler dev` as a child process in its own process group, so stopping it stops workerd too.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { findFreePort } from '../redis-server/index.js';

export interface WranglerDev {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface WranglerDevOptions {
  root: string;
  port: number;
  /** Vars and secrets, written to a private env file (values may hold colons and such). */
  vars: Record<string, string>;
  /** Where wrangler's output goes (a line at a time). */
  log: (line: string) => void;
  readyTimeoutMs?: number;
}

const STOP_GRACE_MS = 5_000;

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone already
  }
}

async function waitUntilServing(url: string, child: ChildProcess, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode})`);
    try {
      const res = await fetch(`${url}/stats`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not serve ${url} within ${timeoutMs} ms`);
}

/**
 * A tiny `sh` that stops the process group `pgid` once we are gone, however we go: it blocks on a
 * pipe from us, which the kernel closes when we die (the redis-server guard does the same).
 */
function spawnGroupGuard(pgid: number): { dispose(): void } {
  const guard = spawn(
    'sh',
    [
      '-c',
      'read _ignored; kill -TERM -- -"$0" 2>/dev/null; sleep 5; kill -KILL -- -"$0" 2>/dev/null',
      String(pgid),
    ],
    { detached: true, stdio: ['pipe', 'ignore', 'ignore'] },
  );
  guard.unref();
  const stdin = guard.stdin as (Writable & { unref?: () => void }) | null;
  stdin?.on('error', () => {});
  stdin?.unref?.();
  return {
    dispose() {
      if (guard.exitCode === null && guard.signalCode === null) guard.kill('SIGKILL');
      stdin?.destroy();
    },
  };
}

export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const dir = mkdtempSync(join(tmpdir(), 'edgekue-dev-'));
  const envFile = join(dir, 'worker.env');
  const lines = Object.entries(options.vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  writeFileSync(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  chmodSync(envFile, 0o600);
  const inspectorPort = await findFreePort();
  const child = spawn(
    join(options.root, 'node_modules', '.bin', 'wrangler'),
    [
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--inspector-port',
      String(inspectorPort),
      '--test-scheduled',
      '--env-file',
      envFile,
      '--show-interactive-dev-session',
      'false',
      '--log-level',
      'warn',
    ],
    {
      cwd: options.root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        // Offline-friendly: don't fetch Request.cf from the internet on start.
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        NO_COLOR: '1',
        FORCE_COLOR: '0',
      },
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start wrangler dev');
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) options.log(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (groupAlive(pid)) {
        killGroup(pid, 'SIGTERM');
        const until = Date.now() + STOP_GRACE_MS;
        while (groupAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
        if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1_000))]);
      guard.dispose();
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  // If we die without stopping it, take the group with us: on exit, and through a guard process
  // if we are killed outright (a SIGKILL skips every exit hook).
  process.once('exit', () => killGroup(pid, 'SIGKILL'));
  const guard = spawnGroupGuard(pid);

  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilServing(url, child, options.readyTimeoutMs ?? 90_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid, stop };
}
