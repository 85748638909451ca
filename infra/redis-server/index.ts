// Starts and stops a real `redis-server` for tests, benchmarks and `npm start`. It never uses
// 6379 (a developer's own Redis lives there), and it never leaves a process behind: each server
// is stopped by its own pid, on our exit, and by an orphan guard if we are killed outright.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RedisStartError } from './errors.js';
import { findRedisServerBinary } from './find-binary.js';
import { type OrphanGuard, spawnOrphanGuard } from './orphan-guard.js';
import { waitForPing } from './ping.js';
import { findFreePort } from './ports.js';

export { RedisBinaryNotFoundError, RedisServerError, RedisStartError } from './errors.js';
export { findRedisServerBinary } from './find-binary.js';
export { findFreePort } from './ports.js';

export interface RedisServerOptions {
  /** TCP port; default: a free one (never 6379). */
  port?: number;
  /** Where RDB/AOF files go. Given: persistent (RDB snapshots like Redis' defaults). Absent: a temp dir, nothing saved. */
  dataDir?: string;
  /** Also write an append-only file (survives a SIGKILL with at most ~1 s of writes lost). */
  appendOnly?: boolean;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
}

export interface RedisServerHandle {
  readonly port: number;
  /** `redis://host:port`, for ioredis or `REDIS_URL`. */
  readonly url: string;
  /** The pid of the current process (changes after `restart()`). */
  readonly pid: number;
  /** SIGTERM, then SIGKILL if it has not exited within a few seconds. Idempotent. */
  stop(): Promise<void>;
  /** Sends a signal (default SIGKILL) without waiting: for chaos tests. */
  kill(signal?: NodeJS.Signals): void;
  /** Stops the server if it runs, then starts it again on the same port and data dir. */
  restart(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
const LOG_TAIL_LINES = 30;
const PORT_ATTEMPTS = 3;

/** Every server still running, so the exit hook can stop them if our process ends abruptly. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only synchronous work is possible here; SIGTERM lets a persistent server save its data.
  process.on('exit', () => {
    for (const child of running) {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    }
  });
}

function serverArgs(port: number, host: string, dir: string, opts: RedisServerOptions): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    host,
    '--dir',
    dir,
    '--daemonize',
    'no',
    // Log to stdout, which we keep a tail of for error messages.
    '--logfile',
    '',
    '--save',
    opts.dataDir ? '3600 1 300 100 60 10000' : '',
    '--appendonly',
    opts.appendOnly ? 'yes' : 'no',
  ];
}

/** One running redis-server process plus what is needed to stop it cleanly. */
interface LiveProcess {
  child: ChildProcess;
  guard: OrphanGuard;
  exited: Promise<void>;
  logTail: () => string;
}

function spawnServer(bin: string, args: string[]): LiveProcess {
  // Own process group: a Ctrl-C in the terminal reaches only us, and we stop Redis in order.
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > LOG_TAIL_LINES) lines.shift();
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', () => {
      running.delete(child);
      resolveExit();
    });
    child.once('error', (err) => {
      lines.push(String(err));
      running.delete(child);
      resolveExit();
    });
  });
  // The handle, not these pipes, decides how long our process lives.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) {
    (stream as (NodeJS.ReadableStream & { unref?: () => void }) | null)?.unref?.();
  }
  running.add(child);
  installExitHook();
  if (child.pid === undefined) {
    return { child, guard: { dispose() {} }, exited, logTail: () => lines.join('\n') };
  }
  return { child, guard: spawnOrphanGuard(child.pid), exited, logTail: () => lines.join('\n') };
}

const isRunning = (p: LiveProcess) => p.child.exitCode === null && p.child.signalCode === null;

async function stopProcess(p: LiveProcess): Promise<void> {
  // Keep our event loop alive until the process is really gone (it is unref'd otherwise).
  p.child.ref();
  if (isRunning(p)) {
    p.child.kill('SIGTERM');
    const timedOut = await Promise.race([
      p.exited.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), STOP_GRACE_MS).unref()),
    ]);
    if (timedOut && isRunning(p)) p.child.kill('SIGKILL');
  }
  await p.exited;
  p.guard.dispose();
}

async function launch(
  bin: string,
  port: number,
  host: string,
  dir: string,
  opts: RedisServerOptions,
): Promise<LiveProcess> {
  const p = spawnServer(bin, serverArgs(port, host, dir, opts));
  const ready = await waitForPing(host, port, {
    timeoutMs: START_TIMEOUT_MS,
    isAlive: () => isRunning(p),
  });
  if (ready && isRunning(p)) return p;
  await stopProcess(p);
  throw new RedisStartError(
    `redis-server did not become ready on ${host}:${port} within ${START_TIMEOUT_MS} ms`,
    p.logTail(),
  );
}

/** Starts a redis-server and resolves once it answers PING. */
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const bin = findRedisServerBinary();
  const host = opts.host ?? '127.0.0.1';
  const ownsDir = !opts.dataDir;
  const dir = opts.dataDir ? resolve(opts.dataDir) : mkdtempSync(join(tmpdir(), 'edgekue-redis-'));
  mkdirSync(dir, { recursive: true });

  let port = opts.port ?? 0;
  let live: LiveProcess | undefined;
  for (let attempt = 1; !live; attempt++) {
    if (!opts.port) port = await findFreePort(host);
    try {
      live = await launch(bin, port, host, dir, opts);
    } catch (err) {
      // A free port can be taken between finding it and binding it: try another one.
      const portRace =
        !opts.port && err instanceof RedisStartError && /address already in use/i.test(err.logTail);
      if (!portRace || attempt >= PORT_ATTEMPTS) {
        if (ownsDir) rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  let current: LiveProcess = live;
  let stopped = false;
  const handle: RedisServerHandle = {
    port,
    // A wildcard bind is reached through loopback.
    url: `redis://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    get pid() {
      return current.child.pid ?? -1;
    },
    async stop() {
      stopped = true;
      await stopProcess(current);
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
    },
    kill(signal = 'SIGKILL') {
      if (isRunning(current)) current.child.kill(signal);
    },
    async restart() {
      if (stopped) throw new RedisStartError('cannot restart a redis-server after stop()', '');
      await stopProcess(current);
      current = await launch(bin, port, host, dir, opts);
    },
  };
  return handle;
}
