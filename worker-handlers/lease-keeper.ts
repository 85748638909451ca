import type { Queue } from '../core/index.js';
import type { JobWrites } from './job-writes.js';

/** A lease the keeper extends, with the writes it flushes alongside. */
export interface KeptLease {
  readonly id: string;
  readonly token: string;
  readonly writes: JobWrites;
}

export interface LeaseKeeperHooks {
  /** The leases held right now. */
  leases(): KeptLease[];
  /** A touch call is about to go out (the invocation counts its calls; a flush may take several). */
  spent(): void;
  /**
   * Whether a flush for held writes alone may spend calls now. When it may not, the writes wait
   * for the next heartbeat (which the leases need anyway) or their job's ack: a Worker's
   * subrequests are few, and progress must not eat the calls that settle the jobs.
   */
  mayFlushWrites(): boolean;
  /** touch.lua said the lease is gone ('lost', or 'missing' when the job was removed) or the ttl ran out. */
  onStatus(lease: KeptLease, status: 'lost' | 'ttl'): void;
}

/**
 * Extends every lease an invocation holds in one touch call every leaseMs / 3, and sends the
 * handlers' held progress and log lines with it: at most one call per flush interval while
 * handlers write, one per heartbeat while they don't.
 */
export class LeaseKeeper {
  readonly #queue: Queue;
  readonly #leaseMs: number;
  readonly #flushIntervalMs: number;
  readonly #hooks: LeaseKeeperHooks;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastFlush = Date.now();
  #dirty = false;
  /** The flush under way, if any. */
  #inFlight: Promise<void> | undefined;
  #stopped = false;

  constructor(
    queue: Queue,
    opts: { leaseMs: number; flushIntervalMs: number },
    hooks: LeaseKeeperHooks,
  ) {
    this.#queue = queue;
    this.#leaseMs = opts.leaseMs;
    this.#flushIntervalMs = opts.flushIntervalMs;
    this.#hooks = hooks;
    this.#schedule();
  }

  /** A handler wrote a log line or progress: flush within the flush interval. */
  wrote(): void {
    if (this.#dirty) return;
    this.#dirty = true;
    if (!this.#inFlight) this.#schedule();
  }

  /**
   * Settles when the flush under way, if any, has (or after maxMs: a hung call must not hold acks
   * back for long). A finished job's last lines go with its ack: taken while a flush still carries
   * its earlier ones, they could reach Redis first, and the earlier ones, numbered below them,
   * would be skipped (or, when that flush fails, put back and never sent). A later flush does not
   * take a finished job's writes, so this one is all there is to wait for.
   */
  async idle(maxMs: number): Promise<void> {
    const flush = this.#inFlight;
    if (!flush) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      flush,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, maxMs);
      }),
    ]);
    clearTimeout(timer);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    const heartbeat = this.#lastFlush + Math.max(50, Math.floor(this.#leaseMs / 3));
    const early = this.#dirty && this.#hooks.mayFlushWrites();
    const at = early ? Math.min(heartbeat, this.#lastFlush + this.#flushIntervalMs) : heartbeat;
    this.#timer = setTimeout(
      () => {
        // The budget may have shrunk since (acks spend it): writes alone wait for the heartbeat.
        if (early && Date.now() < heartbeat && !this.#hooks.mayFlushWrites()) {
          this.#schedule();
          return;
        }
        const flush = this.#flush();
        this.#inFlight = flush;
        const done = () => {
          if (this.#inFlight === flush) this.#inFlight = undefined;
          this.#schedule();
        };
        flush.then(done, done);
      },
      Math.max(0, at - Date.now()),
    );
  }

  async #flush(): Promise<void> {
    const leases = this.#hooks.leases();
    this.#dirty = false;
    this.#lastFlush = Date.now();
    if (leases.length === 0) return;
    const taken = leases.map((lease) => ({ lease, ...lease.writes.take(lease.id, lease.token) }));
    // A flush of many lines takes several calls: what went through before one failed is not sent
    // again (touch.lua's log mark would skip it; this saves the bytes).
    const written = taken.map(() => ({ lines: 0, progress: false }));
    try {
      const { status } = await this.#queue.touch(
        taken.map((t) => t.entry),
        this.#leaseMs,
        {
          onCall: () => this.#hooks.spent(),
          onWritten: (i, part) => {
            const w = written[i]!;
            w.lines += part.logs?.length ?? 0;
            if (part.progress) w.progress = true;
          },
        },
      );
      status.forEach((s, i) => {
        const lease = taken[i]!.lease;
        if (s === 'lost' || s === 'missing') this.#hooks.onStatus(lease, 'lost');
        else if (s === 'ttl') this.#hooks.onStatus(lease, 'ttl');
      });
    } catch {
      // Redis unreachable: keep the writes for the next try; the lease has slack for two misses.
      taken.forEach((t, i) => {
        t.restore(written[i]);
      });
      this.#dirty = true;
    }
  }
}
