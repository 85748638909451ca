// A fixed number of worker process slots: each slot runs one chaos worker, which can be killed,
// frozen (SIGSTOP) and thawed, or replaced by a fresh process.
import type { WorkerSettings } from '../workers/settings.js';
import { type ChildHandle, startTsChild } from './processes.js';

export interface WorkerTotals {
  claimed: number;
  completed: number;
  failed: number;
  lost: number;
  shutdown: number;
  errors: number;
}

interface Slot {
  child: ChildHandle;
  workerId: string;
}

export class WorkerPool {
  readonly #settings: Omit<WorkerSettings, 'label'>;
  readonly #slots: Slot[] = [];
  readonly #retired: ChildHandle[] = [];
  readonly #nodeArgs: string[];
  readonly totals: WorkerTotals = {
    claimed: 0,
    completed: 0,
    failed: 0,
    lost: 0,
    shutdown: 0,
    errors: 0,
  };
  started = 0;

  constructor(settings: Omit<WorkerSettings, 'label'>, opts: { nodeArgs?: string[] } = {}) {
    this.#settings = settings;
    this.#nodeArgs = opts.nodeArgs ?? [];
  }

  get size(): number {
    return this.#slots.length;
  }

  slot(i: number): Slot {
    return this.#slots[i]!;
  }

  /** Starts `count` workers side by side. */
  async start(count: number): Promise<void> {
    const started = await Promise.all(
      Array.from({ length: count }, (_, i) => this.#spawn(`w${i}`)),
    );
    this.#slots.push(...started);
  }

  async #spawn(label: string): Promise<Slot> {
    const { child, ready } = await startTsChild('test/chaos/workers/batch-worker.ts', {
      env: { CHAOS_WORKER: JSON.stringify({ ...this.#settings, label }) },
      nodeArgs: this.#nodeArgs,
      label,
    });
    this.started++;
    child.onMessage((m) => {
      if (m.t === 'tick') {
        for (const k of ['claimed', 'completed', 'failed', 'lost', 'shutdown'] as const) {
          this.totals[k] += Number(m[k] ?? 0);
        }
      } else if (m.t === 'error') {
        this.totals.errors++;
      }
    });
    return { child, workerId: String(ready.workerId) };
  }

  /** SIGKILL the slot's process (no goodbye: its leases are left to expire). */
  async kill(i: number): Promise<{ workerId: string; at: number }> {
    const slot = this.#slots[i]!;
    const at = Date.now();
    slot.child.signal('SIGKILL');
    await slot.child.exited;
    this.#retired.push(slot.child);
    return { workerId: slot.workerId, at };
  }

  /** A fresh process in the slot. */
  async replace(i: number): Promise<void> {
    this.#slots[i] = await this.#spawn(`w${i}`);
  }

  freeze(i: number): { workerId: string; at: number } {
    const slot = this.#slots[i]!;
    slot.child.signal('SIGSTOP');
    return { workerId: slot.workerId, at: Date.now() };
  }

  thaw(i: number): void {
    this.#slots[i]!.child.signal('SIGCONT');
  }

  pids(): Record<string, number> {
    return Object.fromEntries(this.#slots.map((s, i) => [`worker${i}`, s.child.pid]));
  }

  /** Graceful stop of every worker (SIGTERM: running jobs finish or are given back). */
  async stop(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.child.stop(10_000)));
    await Promise.all(this.#retired.map((c) => c.stop(1_000)));
  }
}
