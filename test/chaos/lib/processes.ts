// Child processes for chaos runs: TypeScript scripts started with `node --import tsx` (one process,
// so its pid is the one we kill and measure), talking to us over IPC. Every child we start is
// tracked and killed by its own pid when we exit; children also exit when the IPC channel closes,
// so a parent killed outright leaves nothing behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A message a chaos child sends: `t` says what it is. */
export interface ChildMessage {
  t: string;
  [field: string]: unknown;
}

export interface ChildHandle {
  readonly pid: number;
  readonly label: string;
  /** Messages received so far (bounded: the oldest are dropped past 10,000). */
  readonly messages: ChildMessage[];
  /** Resolves on exit with the code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly alive: boolean;
  send(message: ChildMessage): void;
  onMessage(listener: (m: ChildMessage) => void): () => void;
  /** Sends `message` and resolves with the next message of type `reply` (undefined on timeout). */
  ask(message: ChildMessage, reply: string, timeoutMs: number): Promise<ChildMessage | undefined>;
  /** The first message matching `test` (already received or next), within `timeoutMs`. */
  waitFor(
    test: (m: ChildMessage) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<ChildMessage>;
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines the child wrote on stderr, for error messages. */
  stderrTail(): string;
}

const live = new Set<ChildProcess>();
let hookInstalled = false;

function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
}

export interface SpawnOptions {
  /** Extra node flags, e.g. `--expose-gc`. */
  nodeArgs?: string[];
  args?: string[];
  env?: Record<string, string>;
  label?: string;
}

/** Starts `script` (a path from the repo root) under node with tsx, with an IPC channel. */
export function spawnTsChild(script: string, opts: SpawnOptions = {}): ChildHandle {
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), '--import', 'tsx', join(repoRoot, script), ...(opts.args ?? [])],
    {
      cwd: repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    },
  );
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  const pid = child.pid;
  live.add(child);
  installExitHook();
  const label = opts.label ?? script;
  const messages: ChildMessage[] = [];
  const listeners = new Set<(m: ChildMessage) => void>();
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      stderr.push(line);
      if (stderr.length > 40) stderr.shift();
    }
  });
  child.on('message', (raw) => {
    const m = raw as ChildMessage;
    if (!m || typeof m !== 'object' || typeof m.t !== 'string') return;
    messages.push(m);
    if (messages.length > 10_000) messages.shift();
    for (const l of listeners) l(m);
  });
  child.on('error', () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const isAlive = () => child.exitCode === null && child.signalCode === null;

  const handle: ChildHandle = {
    pid,
    label,
    messages,
    exited,
    get alive() {
      return isAlive();
    },
    send(message) {
      if (isAlive() && child.connected) child.send(message, () => {});
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ask(message, reply, timeoutMs) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          off();
          resolve(undefined);
        }, timeoutMs);
        const off = handle.onMessage((m) => {
          if (m.t !== reply) return;
          clearTimeout(timer);
          off();
          resolve(m);
        });
        handle.send(message);
      });
    },
    waitFor(test, timeoutMs, what) {
      const found = messages.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`${label}: no ${what} within ${timeoutMs} ms\n${stderr.join('\n')}`));
        }, timeoutMs);
        const off = handle.onMessage((m) => {
          if (!test(m)) return;
          clearTimeout(timer);
          off();
          resolve(m);
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          off();
          reject(
            new Error(`${label} exited (${code ?? signal}) before ${what}\n${stderr.join('\n')}`),
          );
        });
      });
    },
    signal(sig) {
      if (isAlive()) child.kill(sig);
    },
    async stop(graceMs = 5_000) {
      if (isAlive()) {
        // A stopped (SIGSTOP) child cannot handle SIGTERM until it runs again.
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (isAlive()) child.kill('SIGKILL');
        }, graceMs);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    },
    stderrTail: () => stderr.join('\n'),
  };
  return handle;
}

/** Starts a child and waits for its `{ t: 'ready' }` message. */
export async function startTsChild(
  script: string,
  opts: SpawnOptions & { readyTimeoutMs?: number } = {},
): Promise<{ child: ChildHandle; ready: ChildMessage }> {
  const child = spawnTsChild(script, opts);
  try {
    const ready = await child.waitFor(
      (m) => m.t === 'ready',
      opts.readyTimeoutMs ?? 60_000,
      'ready',
    );
    return { child, ready };
  } catch (error) {
    await child.stop(1_000);
    throw error;
  }
}

/**
 * For child scripts: the parent's IPC channel, and exit when it closes (the parent is gone). A
 * child that is not a chaos child (started by hand) just logs to stdout.
 */
export function parentChannel(): { send(m: ChildMessage): void } {
  process.on('disconnect', () => process.exit(0));
  return {
    send(m) {
      if (process.send && process.connected) process.send(m, undefined, {}, () => {});
      else process.stdout.write(`${JSON.stringify(m)}\n`);
    },
  };
}
