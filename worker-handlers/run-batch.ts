import {
  bySize,
  byteLength,
  cutText,
  defaults,
  type Job,
  LeaseLost,
  type Queue,
  sleep,
} from '../core/index.js';
import { graceFor, workerDefaults } from './defaults.js';
import { Shutdown, TtlExceeded } from './errors.js';
import { errorText, invokeHandler } from './handler.js';
import { JobContext } from './job-context.js';
import { JobWrites } from './job-writes.js';
import { LeaseKeeper } from './lease-keeper.js';
import { callId, leaseToken, workerName } from './lease-token.js';
import { checkInvocationOptions } from './options.js';
import type { HandlerRegistry, Registration } from './registry.js';
import type { Lookout, RunningBatches } from './running-batches.js';
import { type AckEntry, ack, type ClaimRequest, claim, type Settlement } from './script-calls.js';
import { afterMs, afterTurn, type CancelTimer } from './turn-timer.js';

export interface BatchOptions {
  /** Wall time this invocation may spend, from the call. */
  budgetMs?: number;
  /** Lease length; leases are extended every leaseMs / 3 while jobs run. */
  leaseMs?: number;
  /** Claiming stops at budgetMs - graceMs; running jobs get until budgetMs, then are cut (Shutdown). */
  graceMs?: number;
  /** Jobs run at once by this invocation. */
  maxJobs?: number;
  /** Aborting it starts the graceful shutdown at once (SIGTERM in Node). */
  signal?: AbortSignal;
  /** Stored as the jobs' workerId. */
  workerId?: string;
  ackDebounceMs?: number;
  flushIntervalMs?: number;
  /**
   * Script calls (HTTP requests) this invocation may still make, shared by the batches of one
   * tick: a Worker invocation has a subrequest limit. Claiming stops while what is left is only
   * enough to settle and keep the jobs already running.
   */
  calls?: CallBudget;
  /**
   * Jobs whose failed attempt was put off by their backoff, or whose cut run was given back to
   * delayed (with promote_at): give them to a wake-up that schedules a run for when they fall due
   * (QStash), or they wait for a cron tick.
   */
  onRetry?: (jobs: Job[]) => void;
  /**
   * Where this process's wake-ups find the batch while it runs (a server's in-process wake-up):
   * a job created meanwhile starts in a free slot at once.
   */
  running?: RunningBatches;
}

/** What the invocation around a batch learns from it, and keeps for the other batches it runs. */
export interface BatchHooks {
  /** Called once, with the number of jobs the batch's first claim took. */
  onFirstClaim?: (claimed: number) => void;
  /** Leases other batches of the invocation may hold: their acks share the call budget too. */
  heldElsewhere?: number;
}

/** A count of script calls left, decremented by every call a batch makes. */
export interface CallBudget {
  remaining: number;
}

export interface BatchResult {
  claimed: number;
  completed: number;
  /** Failed attempts, retried or not. */
  failed: number;
  /**
   * Runs cut short by the end of the budget or a shutdown signal: given back without counting an
   * attempt (queue option `maxInterruptions`), or past that failed with `Shutdown`; and jobs
   * claimed after the shutdown began, given back unrun.
   */
  shutdown: number;
  /** Jobs whose lease was lost before they could be settled (another invocation owns them now). */
  lost: number;
  ms: number;
  /** From the batch's first claim: Redis time, and when the next delayed job falls due (-1: none). */
  now: number;
  nextDue: number;
  /** Jobs inactive, delayed or active after the first claim: 0 is an empty queue. */
  waiting: number;
  /** A first claim that leased nothing: when the earliest lease held elsewhere ends (-1: none). */
  nextLease: number;
  /** Delayed jobs promoted by the first claim (it promotes a bounded number). */
  promoted: number;
}

interface RunningJob {
  readonly job: Job;
  readonly id: string;
  readonly token: string;
  readonly registration: Registration | undefined;
  readonly controller: AbortController;
  readonly writes: JobWrites;
  settled: boolean;
  ttlTimer?: ReturnType<typeof setTimeout>;
  /**
   * How the run was cut, if it was: 'running' at the end of the budget (its handler may still be
   * going: JavaScript cannot stop it), 'unstarted' when it was claimed after shutdown began.
   */
  cut?: 'running' | 'unstarted';
}

/**
 * Whether a handler's error says it stopped because its signal fired: the signal's reason (what
 * `signal.throwIfAborted()` and an aborted `fetch` throw), or an AbortError.
 */
function stoppedOnSignal(error: unknown, reason: unknown): boolean {
  return (
    error === reason ||
    error instanceof Shutdown ||
    (error instanceof Error && error.name === 'AbortError')
  );
}

/** One finished job waiting for the next ack call. */
interface Finished {
  entry: AckEntry;
  running: RunningJob;
  shutdown: boolean;
}

const ACK_RETRIES = 3;
/** The longest an ack waits for a lease-keeper flush under way (one call takes milliseconds). */
const FLUSH_WAIT_MS = 2_000;
/** Calls kept back, beyond one per running job, for heartbeats and retries of the last acks. */
const CALL_RESERVE = 10;

/**
 * The fewest script calls an invocation of `lanes` batches of `maxJobs` needs to claim at all: a
 * claim goes out only while what is left exceeds what acking and keeping its leases may take.
 */
export function fewestCalls(maxJobs: number, lanes: number): number {
  return maxJobs * lanes + CALL_RESERVE + 1;
}

/**
 * `call`, tried again after 100, 200 and 400 ms while it throws; undefined when every try failed.
 * Only for calls that are safe to send again (an ack's replay key, a touch's log mark).
 */
async function withRetries<T>(call: () => Promise<T>): Promise<T | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch {
      if (attempt >= ACK_RETRIES) return undefined;
      await sleep(100 * 2 ** attempt);
    }
  }
}

/**
 * One invocation's work: claims a batch, runs the handlers concurrently, acknowledges jobs that
 * finish close together in one call that also claims their replacements, and shuts down
 * gracefully at the end of its budget. Every ack claims for the slots it frees (in the same call:
 * a slot of a concurrency-limited type frees there), and the batch ends when nothing runs, so an
 * idle queue costs nothing beyond the claim that found it empty; while its jobs run, a free slot
 * also claims when a job the batch knows of falls due (a delayed job, a retry) or a wake-up in its
 * process says a job was created, so a long job does not hold up the rest until it ends.
 */
class Batch implements Lookout {
  readonly #queue: Queue;
  readonly #registry: HandlerRegistry;
  readonly #o: Required<Omit<BatchOptions, 'signal' | 'calls' | 'onRetry' | 'running'>>;
  readonly #runningBatches: RunningBatches | undefined;
  readonly #onRetry: ((jobs: Job[]) => void) | undefined;
  readonly #calls: CallBudget;
  readonly #hooks: BatchHooks;
  readonly #start = Date.now();
  readonly #running = new Map<string, RunningJob>();
  #finished: Finished[] = [];
  #ackTimer: CancelTimer | undefined;
  #acking = false;
  #claimsOpen = true;
  /**
   * Something may have become claimable since the last claim (a delayed job or a retry falls
   * due, a wake-up in this process): with no ack on its way to carry a claim, a claim of its own.
   */
  #looking = false;
  /** Slots the claims on their way (a top-up's, an ack's) asked for: not free for another. */
  #pendingSlots = 0;
  /** When (local ms) the next job this batch knows of falls due, and its timer. */
  #lookAt = Number.POSITIVE_INFINITY;
  #lookTimer: ReturnType<typeof setTimeout> | undefined;
  /** A claim of its own (not riding on an ack) is on its way. */
  #claiming = false;
  #shuttingDown = false;
  #forced = false;
  #firstClaimDone = false;
  #ended = false;
  /**
   * The caller's signal and our listener on it, removed when the batch ends: a Node process passes
   * one signal for its whole life, which would otherwise keep every batch it ran reachable.
   */
  #signal: AbortSignal | undefined;
  readonly #abortListener = () => this.#onAbort();
  #timers: ReturnType<typeof setTimeout>[] = [];
  #keeper: LeaseKeeper;
  #resolve: (() => void) | undefined;
  readonly #result: BatchResult = {
    claimed: 0,
    completed: 0,
    failed: 0,
    shutdown: 0,
    lost: 0,
    ms: 0,
    now: 0,
    nextDue: -1,
    nextLease: -1,
    waiting: 1,
    promoted: 0,
  };

  constructor(queue: Queue, registry: HandlerRegistry, options: BatchOptions, hooks: BatchHooks) {
    this.#queue = queue;
    this.#hooks = hooks;
    this.#registry = registry;
    const budgetMs = options.budgetMs ?? workerDefaults.budgetMs;
    this.#o = {
      budgetMs,
      leaseMs: options.leaseMs ?? workerDefaults.leaseMs,
      graceMs: graceFor(budgetMs, options.graceMs),
      maxJobs: Math.max(1, options.maxJobs ?? workerDefaults.maxJobs),
      workerId: options.workerId ?? workerName(),
      ackDebounceMs: options.ackDebounceMs ?? workerDefaults.ackDebounceMs,
      flushIntervalMs: options.flushIntervalMs ?? workerDefaults.flushIntervalMs,
    };
    this.#calls = options.calls ?? { remaining: Number.POSITIVE_INFINITY };
    this.#onRetry = options.onRetry;
    this.#runningBatches = options.running;
    this.#keeper = new LeaseKeeper(
      queue,
      { leaseMs: this.#o.leaseMs, flushIntervalMs: this.#o.flushIntervalMs },
      {
        leases: () => [...this.#running.values()],
        spent: () => {
          this.#calls.remaining--;
        },
        // What settling takes is kept back: an ack per running job, the calls of the other
        // batches' leases, and the reserve for heartbeats and retries.
        mayFlushWrites: () =>
          this.#calls.remaining >
          this.#running.size + (this.#hooks.heldElsewhere ?? 0) + CALL_RESERVE,
        onStatus: (lease, status) => {
          const running = this.#running.get(lease.id);
          // (a stale run's status is not its job's newer run's)
          if (!running || running !== lease) return;
          if (status === 'ttl') this.#ttlExceeded(running);
          else this.#leaseLost(running);
        },
      },
    );
    const stopClaimingIn = this.#o.budgetMs - this.#o.graceMs;
    this.#timers.push(setTimeout(() => this.#beginShutdown(), stopClaimingIn));
    this.#timers.push(setTimeout(() => this.#forceShutdown(), this.#o.budgetMs));
    this.#signal = options.signal;
    options.signal?.addEventListener('abort', this.#abortListener, { once: true });
    if (options.signal?.aborted) this.#onAbort();
  }

  async run(): Promise<BatchResult> {
    const finished = new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
    try {
      const request = this.#claimRequest(this.#o.maxJobs);
      if (!request) {
        this.#end();
      } else {
        this.#calls.remaining--;
        const first = await claim(this.#queue, request, callId());
        this.#result.now = first.now;
        this.#result.nextDue = first.nextDue;
        this.#result.waiting = first.waiting;
        this.#result.nextLease = first.nextLease;
        this.#result.promoted = first.promoted;
        this.#firstClaimDone = true;
        // before the jobs start: a batch forced to end by then takes itself out again (#end)
        this.#runningBatches?.add(this);
        this.#started(first.jobs, request.token, first.now);
        this.#noteDue(first.nextDue, first.now);
        this.#hooks.onFirstClaim?.(first.jobs.length);
        this.#maybeEnd();
      }
    } catch (error) {
      this.#end();
      throw error;
    }
    await finished;
    this.#result.ms = Date.now() - this.#start;
    return this.#result;
  }

  /**
   * The claim to send now, or undefined when this invocation must not claim any more. Without
   * handlers the first claim still goes out with a count of 0: it promotes and recovers.
   */
  #claimRequest(count: number): ClaimRequest | undefined {
    if (!this.#claimsOpen || this.#shuttingDown || count <= 0) return undefined;
    // Keep enough calls to ack and heartbeat what runs now, and what this claim would add.
    const reserve = this.#o.maxJobs + (this.#hooks.heldElsewhere ?? 0) + CALL_RESERVE;
    if (this.#calls.remaining <= reserve) {
      this.#claimsOpen = false;
      return undefined;
    }
    this.#looking = false;
    return {
      count: this.#registry.size === 0 ? 0 : count,
      lease_ms: this.#o.leaseMs,
      token: leaseToken(),
      worker: this.#o.workerId,
      types: this.#registry.claimTypes(),
      max_bytes: defaults.maxAnswerBytes,
    };
  }

  #started(jobs: Job[], token: string, serverNow: number): void {
    this.#result.claimed += jobs.length;
    for (const job of jobs) this.#startJob(job, token, serverNow);
    // Claimed by an ack that came back after the budget ran out: nothing may run any more.
    if (this.#forced) this.#forceShutdown();
  }

  /**
   * Something may have become claimable (a wake-up in this process, or a job this batch knows of
   * falls due): claim into the free slots now, or with the ack about to go. False when the batch
   * has no free slot or claims no more: the caller looks elsewhere.
   */
  lookAgain(): boolean {
    if (this.#ended || this.#shuttingDown || !this.#claimsOpen) return false;
    if (this.#freeSlots() <= 0) return false;
    this.#looking = true;
    this.#topUp();
    return true;
  }

  /** A claim of its own, for #looking, unless an ack on its way or about to go carries it. */
  #topUp(): void {
    if (!this.#looking || this.#claiming || this.#acking || this.#ended) return;
    if (this.#ackTimer !== undefined || this.#finished.length > 0) return;
    const request = this.#claimRequest(this.#freeSlots());
    if (!request) return;
    this.#claiming = true;
    this.#pendingSlots += request.count;
    // the same call again on a lost answer: claim.lua answers the jobs it leased the first time
    const id = callId();
    void withRetries(() => {
      this.#calls.remaining--;
      return claim(this.#queue, request, id);
    })
      .then((r) => {
        this.#pendingSlots -= request.count;
        if (!r) return; // unanswered: its jobs, if any, come back when their leases expire
        this.#started(r.jobs, request.token, r.now);
        this.#noteDue(r.nextDue, r.now);
      })
      .finally(() => {
        this.#claiming = false;
        this.#topUp();
        this.#maybeEnd();
      });
  }

  /** Slots neither running a job nor asked for by a claim on its way. */
  #freeSlots(): number {
    return this.#o.maxJobs - this.#running.size - this.#pendingSlots;
  }

  /**
   * A job falls due at `at` (Redis ms; `now` is Redis' time of the answer that said so): look
   * again then, if jobs still run here. A batch that ends leaves the rest to its tick.
   */
  #noteDue(at: number, now: number): void {
    if (at < 0 || now <= 0 || this.#ended) return;
    const local = Date.now() + Math.max(0, at - now) + 1;
    // Past the claiming window nothing may be claimed (and a timer past 2^31 ms fires at once).
    if (local >= this.#lookAt || local >= this.#start + this.#o.budgetMs - this.#o.graceMs) return;
    this.#lookAt = local;
    clearTimeout(this.#lookTimer);
    this.#lookTimer = setTimeout(() => {
      this.#lookAt = Number.POSITIVE_INFINITY;
      this.#lookTimer = undefined;
      this.lookAgain();
    }, local - Date.now());
  }

  #startJob(job: Job, token: string, serverNow: number): void {
    const id = job.id!;
    const running: RunningJob = {
      job,
      id,
      token: job.lease?.token ?? token,
      registration: this.#registry.get(job.type),
      controller: new AbortController(),
      writes: new JobWrites(() => this.#keeper.wrote(), this.#queue.options.maxLogLines),
      settled: false,
    };
    const stale = this.#running.get(id);
    this.#running.set(id, running);
    // The same job again: it was taken back (a retry by hand) and this batch claimed it anew. The
    // earlier run's lease is gone (the fence refuses its ack and writes); it must not end this
    // one's heartbeats when it returns.
    if (stale) this.#leaseLost(stale);
    job.writer = running.writes;
    if (this.#shuttingDown) {
      // claimed by a call answered after shutdown began: given back unrun, no interruption counted
      running.cut = 'unstarted';
      running.controller.abort(new Shutdown());
      this.#settle(running, false, undefined, new Shutdown());
      return;
    }
    const ttl = job.ttl();
    if (ttl) {
      // The ttl counts from started_at in Redis time; translate to a local timer.
      const endsIn = Number(job.started_at ?? serverNow) + ttl - serverNow;
      // A ttl past the budget cannot end within it (and a timer past 2^31 ms fires at once): the
      // lease, capped at the ttl, ends such a run if its worker goes.
      if (endsIn < this.#o.budgetMs) {
        running.ttlTimer = setTimeout(() => this.#ttlExceeded(running), Math.max(0, endsIn));
      }
    }
    if (!running.registration) {
      this.#settle(running, false, undefined, new Error(`no handler for type "${job.type}"`));
      return;
    }
    const context = new JobContext(this.#queue, job.type, running.controller, this.#o.workerId);
    invokeHandler(running.registration.handler, job, context).then(
      (result) => this.#settle(running, true, result, undefined),
      (error: unknown) => this.#settle(running, false, undefined, error),
    );
  }

  #settle(running: RunningJob, ok: boolean, result: unknown, error: unknown): void {
    if (running.settled) return;
    running.settled = true;
    clearTimeout(running.ttlTimer);
    this.#forget(running);
    const entry: AckEntry = { id: running.id, token: running.token, ok };
    let shutdown = false;
    if (ok && result !== undefined) {
      const max = this.#queue.options.maxDataBytes;
      try {
        entry.result = JSON.stringify(result);
      } catch {
        entry.ok = false;
        entry.error = 'the result is not JSON-serialisable';
      }
      // Kept in the job's hash like its data, and carried by the ack beside other jobs': a result
      // too large for that fails its own attempt instead of every job acked with it.
      const text = entry.result;
      const bytes = text !== undefined && text.length * 3 > max ? byteLength(text) : 0;
      if (bytes > max) {
        delete entry.result;
        entry.ok = false;
        entry.error = `the result is ${bytes} bytes of JSON, over the limit of ${max} (maxDataBytes)`;
      }
    }
    if (!entry.ok) {
      const { signal } = running.controller;
      const reason: unknown = signal.aborted ? signal.reason : undefined;
      // A handler that gave up because the signal fired failed for the signal's reason. One that
      // failed on its own during a shutdown's grace (or whose result was refused here) failed for
      // its own: only a run the shutdown cut is given back (ack.lua's interrupted).
      const onSignal =
        reason instanceof Error &&
        (!(reason instanceof Shutdown) ||
          running.cut !== undefined ||
          (error !== undefined && stoppedOnSignal(error, reason)));
      const cause = onSignal ? reason : error;
      shutdown = cause instanceof Shutdown;
      if (shutdown) {
        entry.interrupted = true;
        // a handler still going keeps the job for a lease's length, as its lease would have
        if (running.cut === 'running') entry.hold = this.#o.leaseMs;
        if (running.cut === 'unstarted') entry.unstarted = true;
      }
      entry.error ??= cutText(errorText(cause), defaults.maxLineBytes);
      entry.delay = this.#customDelay(running);
    }
    this.#finished.push({ entry, running, shutdown });
    this.#scheduleAck();
  }

  /** A custom backoff's delay (a function lives in code, so the failing worker computes it). */
  #customDelay(running: RunningJob): number {
    const { job } = running;
    if (job.backoff() !== 'custom') return -1;
    const fn = running.registration?.backoff ?? this.#queue.backoffFunctions.get(job.type);
    if (!fn) return -1;
    try {
      const delay = fn(job.attempts().made + 1, job.delay() ?? 0);
      return Number.isFinite(delay) && delay >= 0 ? Math.round(delay) : -1;
    } catch {
      return -1;
    }
  }

  #leaseLost(running: RunningJob): void {
    if (running.settled) return;
    running.settled = true;
    clearTimeout(running.ttlTimer);
    this.#forget(running);
    running.controller.abort(new LeaseLost(running.id));
    this.#result.lost++;
    this.#maybeEnd();
  }

  /** Drops a run from the running ones, unless a newer run of its job has taken its place. */
  #forget(running: RunningJob): void {
    if (this.#running.get(running.id) === running) this.#running.delete(running.id);
  }

  #ttlExceeded(running: RunningJob): void {
    if (running.settled) return;
    running.controller.abort(new TtlExceeded());
    this.#settle(running, false, undefined, new TtlExceeded());
  }

  #scheduleAck(): void {
    if (this.#acking) return;
    // With nothing left running, no other job can finish within the window: waiting only delays
    // the ack (and the claim riding on it). After this turn still, so a claim's loop of starts
    // completes.
    const delay = this.#running.size === 0 ? 0 : this.#o.ackDebounceMs;
    if (this.#ackTimer !== undefined) {
      if (delay > 0) return;
      this.#ackTimer();
    }
    const flush = () => {
      this.#ackTimer = undefined;
      void this.#flushAcks();
    };
    this.#ackTimer = delay > 0 ? afterMs(flush, delay) : afterTurn(flush);
  }

  async #flushAcks(): Promise<void> {
    if (this.#acking || this.#finished.length === 0) return this.#maybeEnd();
    this.#acking = true;
    const batch = this.#finished;
    this.#finished = [];
    // the slots the claim riding on the ack asks for, until its answer is in
    let held = 0;
    try {
      // A flush under way may carry these jobs' earlier lines (and put them back if it fails).
      await this.#keeper.idle(FLUSH_WAIT_MS);
      const request = this.#claimRequest(this.#freeSlots());
      held = request?.count ?? 0;
      this.#pendingSlots += held;
      // Acks of about maxWriteBytes of results and errors (a result may be up to maxDataBytes):
      // the usual batch, small results, is one ack.
      const parts = bySize(
        batch,
        (f) => 32 + (f.entry.result?.length ?? 0) + (f.entry.error?.length ?? 0),
        defaults.maxWriteBytes,
      );
      const logs = this.#pendingLogs(batch);
      // One part (the usual case): its log lines and its ack share one HTTP request. Large
      // results go in several acks, one after the other, the lines first; the claim rides last.
      if (parts.length > 1) await logs;
      for (const [p, part] of parts.entries()) {
        const last = p === parts.length - 1;
        const [, r] = await Promise.all([
          p === 0 ? logs : undefined,
          this.#ackWithRetry(part, last ? request : undefined),
        ]);
        if (last) {
          this.#pendingSlots -= held;
          held = 0;
        }
        this.#acked(part, r, last ? request : undefined);
      }
    } finally {
      this.#pendingSlots -= held;
      this.#acking = false;
      if (this.#finished.length > 0) this.#scheduleAck();
      else this.#topUp();
      this.#maybeEnd();
    }
  }

  /** Counts what one ack call settled, hands on its retries, and starts the jobs it claimed. */
  #acked(
    part: Finished[],
    r: Awaited<ReturnType<typeof ack>> | undefined,
    request: ClaimRequest | undefined,
  ): void {
    if (!r) {
      this.#result.lost += part.length;
      this.#claimsOpen = false;
      return;
    }
    part.forEach((f, i) => {
      this.#count(f, r.settled[i] ?? 'lost');
    });
    for (const job of r.retries) this.#noteDue(Number(job.promote_at), r.now);
    if (r.retries.length > 0 && this.#onRetry) {
      try {
        this.#onRetry(r.retries);
      } catch {
        // a wake-up that fails leaves the retry to the cron tick, as before
      }
    }
    if (request) this.#started(r.jobs, request.token, r.now);
  }

  /**
   * Log lines a finished job wrote since the last flush, issued in the same tick as the ack: with
   * auto-pipelining both travel in one HTTP request, in order, the lines under the lease. Sent
   * again when the call fails, as its ack is: touch.lua skips the lines it already wrote, and
   * takes the rest after the ack ran (`final`), but none from a run whose job another holds.
   */
  async #pendingLogs(batch: Finished[]): Promise<void> {
    const entries = batch
      .filter((f) => f.running.writes.pendingLogs || (!f.entry.ok && f.running.writes.pending))
      .map((f) => ({
        ...f.running.writes.take(f.running.id, f.running.token).entry,
        final: Number(f.running.job.started_at),
      }));
    if (entries.length === 0) return;
    await withRetries(() =>
      this.#queue.touch(entries, 0, {
        onCall: () => {
          this.#calls.remaining--;
        },
      }),
    );
  }

  async #ackWithRetry(batch: Finished[], request: ClaimRequest | undefined) {
    const done = batch.map((f) => f.entry);
    // Every try is the same call: if an earlier one ran and only its answer was lost, ack.lua
    // answers what it did then (settlements, and the jobs it claimed) instead of running again.
    const id = callId();
    return withRetries(() => {
      this.#calls.remaining--;
      return ack(this.#queue, done, request, id);
    });
  }

  #count(f: Finished, settled: Settlement): void {
    if (settled === 'complete') this.#result.completed++;
    else if (settled === 'lost') this.#result.lost++;
    else if (f.shutdown || settled === 'interrupted') this.#result.shutdown++;
    else this.#result.failed++;
  }

  #onAbort(): void {
    this.#beginShutdown();
    this.#timers.push(setTimeout(() => this.#forceShutdown(), this.#o.graceMs));
  }

  #beginShutdown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    this.#claimsOpen = false;
    for (const running of this.#running.values()) running.controller.abort(new Shutdown());
  }

  /**
   * The budget is spent: jobs still running are settled as interrupted (given back without
   * counting an attempt while their `maxInterruptions` allow, else failed with Shutdown).
   */
  #forceShutdown(): void {
    this.#forced = true;
    this.#beginShutdown();
    for (const running of [...this.#running.values()]) {
      running.cut = 'running';
      this.#settle(running, false, undefined, new Shutdown());
    }
    this.#maybeEnd();
  }

  #maybeEnd(): void {
    if (this.#ended || !this.#firstClaimDone) return;
    // With nothing running, nothing to ack and no claim on its way, the batch is done: what falls
    // due later is its tick's to look for.
    const idle =
      this.#running.size === 0 &&
      this.#finished.length === 0 &&
      !this.#acking &&
      !this.#claiming &&
      this.#ackTimer === undefined;
    if (idle) this.#end();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#runningBatches?.delete(this);
    clearTimeout(this.#lookTimer);
    this.#signal?.removeEventListener('abort', this.#abortListener);
    this.#keeper.stop();
    for (const t of this.#timers) clearTimeout(t);
    for (const running of this.#running.values()) clearTimeout(running.ttlTimer);
    this.#resolve?.();
  }
}

/**
 * Runs one invocation's batch: claim, run, acknowledge with replacement claims, shut down at the
 * end of the budget. Resolves when nothing is left running.
 */
export function runBatch(
  queue: Queue,
  registry: HandlerRegistry,
  options: BatchOptions = {},
  hooks: BatchHooks = {},
): Promise<BatchResult> {
  try {
    checkInvocationOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  return runCheckedBatch(queue, registry, options, hooks);
}

/** runBatch for options already checked (an invocation's lanes: its budget shrinks as it goes). */
export function runCheckedBatch(
  queue: Queue,
  registry: HandlerRegistry,
  options: BatchOptions,
  hooks: BatchHooks = {},
): Promise<BatchResult> {
  return new Batch(queue, registry, options, hooks).run();
}
