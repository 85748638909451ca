// The one workload every system runs: same job type, same payloads, same handler body, same
// concurrency. Only the queue around it differs.

export const JOB_TYPE = 'email';

export interface Payload {
  i: number;
  to: string;
  template: string;
}

/** A small payload (about 60 bytes of JSON), unique per job. */
export function payload(i: number): Payload {
  return { i, to: `user${i}@example.com`, template: 'welcome' };
}

/** The handler body: trivial, so what is measured is the queue, not the work. */
export async function work(data: Payload): Promise<void> {
  if (typeof data.i !== 'number') throw new Error('payload lost its index');
  await Promise.resolve();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

export const now = () => performance.now();

/** This process' CPU time (user + system), in ms. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs fn(i) for i in [0, count) with `concurrency` callers, each waiting for its previous call. */
export async function forEachConcurrent(
  count: number,
  concurrency: number,
  fn: (i: number, lane: number) => Promise<unknown>,
  onDone?: (done: number) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  const lane = async (_: unknown, k: number) => {
    while (next < count) {
      const i = next++;
      await fn(i, k);
      done++;
      onDone?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/** At most `limit` bodies at once (the handler concurrency where a worker holds more leases). */
export class Limiter {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#limit) await new Promise<void>((r) => this.#waiting.push(r));
    this.#active++;
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}

/** Nearest-rank percentile (p in 0..100) of the samples; null without samples. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Per-job bytes by group, the small groups (under 1 byte a job) left out. */
export function perJobGroups(groups: Record<string, number>, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  const sorted = Object.entries(groups).sort((a, b) => b[1] - a[1]);
  for (const [group, bytes] of sorted)
    if (bytes / n >= 1) out[group] = Math.round((bytes / n) * 10) / 10;
  return out;
}

export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : 0;
}

/** Resolves when a handler reports job `i` started; one waiter per index. */
export class StartSignals {
  readonly #waiters = new Map<number, (at: number) => void>();
  readonly #early = new Map<number, number>();

  started(data: Payload): void {
    const at = now();
    const waiter = this.#waiters.get(data.i);
    if (waiter) {
      this.#waiters.delete(data.i);
      waiter(at);
    } else {
      this.#early.set(data.i, at);
    }
  }

  wait(i: number, timeoutMs: number): Promise<number> {
    const early = this.#early.get(i);
    if (early !== undefined) {
      this.#early.delete(i);
      return Promise.resolve(early);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(i);
        reject(new Error(`job ${i} did not start within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.set(i, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }
}
