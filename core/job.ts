import { defaults } from './defaults.js';
import { given, InvalidState, ValidationError } from './errors.js';
import { format } from './format.js';
import { readJobFields } from './job-fields.js';
import { cutText, jsonText, parseJson } from './json-text.js';
import type { JobState } from './keys.js';
import { priorityValue } from './priority.js';
import type { Queue } from './queue.js';
import {
  type Backoff,
  backoffSchema,
  type JobJson,
  type JobOptions,
  jobStateSchema,
  MAX_DELAY_MS,
} from './schema.js';

/** A caller-side backoff: the delay in ms before retry `attempt` (1-based), given the job's delay. */
export type BackoffFunction = (attempt: number, delay: number) => number;

/** Where a running job's log and progress writes go: a worker coalesces them with lease extensions. */
export interface JobWriter {
  log(line: string): void;
  progress(percent: number, data: string | undefined): void;
}

export type JobListener = (...args: unknown[]) => void;

/** Kue's node-style callback: `(null, value)` once the call succeeds, `(error)` when it fails. */
export type NodeCallback<T> = (error: Error | null, value: T) => void;

/**
 * The promise, and Kue's callback told of its outcome when one is given: `(null, value)` or
 * `(error)`. The promise is then marked handled (a caller who passed a callback and dropped the
 * promise is not told twice, nor is the process taken down); a callback that throws does
 * surface, as an unhandled rejection, as a throw in Kue's callbacks did.
 */
export function withCallback<T>(promise: Promise<T>, callback: unknown): Promise<T> {
  if (typeof callback !== 'function') return promise;
  const cb = callback as NodeCallback<T>;
  promise.then(
    (value) => cb(null, value),
    (error: unknown) => cb(error as Error, undefined as T),
  );
  return handledRejection(promise);
}

/**
 * The promise itself, marked as handled: a caller that drops it is not told of its rejection (no
 * unhandled rejection, which Node, Deno and Bun turn into an exit), one that awaits it still is.
 */
function handledRejection<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** The searchKeys a job's hash keeps (JSON text), or undefined: all of data. */
function storedSearchKeys(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  const keys = parseJson(text);
  return Array.isArray(keys) && keys.every((k) => typeof k === 'string') ? keys : undefined;
}

function int(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * One job, with Kue's API: a builder before save(), and an instance with log, progress, state and
 * removal after. Every write is one script call (see core/scripts/).
 */
export class Job<D = unknown> {
  readonly queue: Queue;
  id: string | undefined;
  type: string;
  /**
   * The job's data. `D` is what the code creating or handling the job says it is
   * (`queue.create<Email>(...)`, `registry.process<Email>(...)`): read back from Redis, it is
   * whatever was stored, unchecked.
   */
  data: D;
  result: unknown;
  error: string | undefined;
  progress_data: unknown;
  created_at: string | undefined;
  updated_at: string | undefined;
  promote_at: string | undefined;
  started_at: string | undefined;
  failed_at: string | undefined;
  duration: string | undefined;
  workerId: string | undefined;
  /**
   * Runs of this job cut short by the end of their invocation and given back without counting an
   * attempt (queue option maxInterruptions); undefined when none was. Not Kue's.
   */
  interruptions: number | undefined;
  /** The lease a worker holds on this job while it runs it. */
  lease: { token: string; until: number } | undefined;
  /** Installed by a worker while the job runs: log and progress go through it. */
  writer: JobWriter | undefined;

  #priority = 0;
  #maxAttempts = 1;
  #made = 0;
  #delay: number | undefined;
  /** delay() was called since the job was saved or last updated: update() then writes it. */
  #delayChanged = false;
  #ttl: number | undefined;
  #backoff: Backoff | 'custom' | undefined;
  #removeOnComplete = false;
  #searchKeys: string[] | undefined;
  #events = true;
  #unique: string | undefined;
  #state: JobState | undefined;
  #existed = false;
  #progress = 0;
  /** Listeners given to on() before the job had an id: attached once it has one (attach). */
  #pendingListeners: [string, JobListener][] = [];

  constructor(queue: Queue, type: string, data: D = {} as D) {
    this.queue = queue;
    this.type = type;
    this.data = data;
    this.id = undefined;
  }

  /** Fetches a job by id; rejects with JobNotFound. Kue's `(err, job)` callback may follow. */
  static get<D = unknown>(
    queue: Queue,
    id: string | number,
    callback?: NodeCallback<Job<D>>,
  ): Promise<Job<D>> {
    return withCallback(queue.getJob<D>(id), callback);
  }

  /** Builds a job from its Redis hash as the scripts answer it (core/job-fields.ts). */
  static fromHash(queue: Queue, flat: readonly string[]): Job {
    const h = readJobFields(flat);
    const job = new Job(queue, h.type ?? '', parseJson(h.data));
    job.id = h.id;
    job.#priority = int(h.priority) ?? 0;
    job.#maxAttempts = int(h.max_attempts) ?? 1;
    job.#made = int(h.attempts) ?? 0;
    job.#delay = int(h.delay);
    job.#ttl = int(h.ttl);
    job.#backoff = h.backoff ? (parseJson(h.backoff) as Backoff | 'custom') : undefined;
    if (job.#backoff && typeof job.#backoff === 'object' && 'type' in job.#backoff) {
      if ((job.#backoff as { type: string }).type === 'custom') job.#backoff = 'custom';
    }
    job.#removeOnComplete = h.remove_on_complete === '1';
    job.#events = h.events !== '0';
    job.#unique = h.unique;
    job.#searchKeys = storedSearchKeys(h.search_keys);
    job.#state = h.state ? jobStateSchema.parse(h.state) : undefined;
    // absent: 0, or 100 once complete (the hash leaves a finished job's 100 out)
    job.#progress = int(h.progress) ?? (job.#state === 'complete' ? 100 : 0);
    job.result = parseJson(h.result);
    job.progress_data = parseJson(h.progress_data);
    job.error = h.error;
    job.created_at = h.created_at;
    job.updated_at = h.updated_at;
    job.promote_at = h.promote_at;
    job.started_at = h.started_at;
    job.failed_at = h.failed_at;
    job.duration = h.duration;
    job.workerId = h.workerId;
    job.interruptions = int(h.interruptions);
    if (h.lease) job.lease = { token: h.lease, until: int(h.lease_until) ?? 0 };
    return job;
  }

  // ---- builder (Kue's chainable setters; getters when called without arguments) ----

  priority(): number;
  priority(level: string | number): this;
  priority(level?: string | number): number | this {
    if (level === undefined) return this.#priority;
    this.#priority = priorityValue(level);
    return this;
  }

  attempts(): { made: number; remaining: number; max: number };
  attempts(n: number): this;
  attempts(n?: number): { made: number; remaining: number; max: number } | this {
    if (n === undefined) {
      return {
        made: this.#made,
        remaining: Math.max(0, this.#maxAttempts - this.#made),
        max: this.#maxAttempts,
      };
    }
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
      throw new ValidationError(
        `attempts must be an integer from 1 to 1000000, got ${given(n)}`,
        'attempts',
      );
    }
    this.#maxAttempts = n;
    return this;
  }

  backoff(): Backoff | 'custom' | undefined;
  backoff(b: Backoff | BackoffFunction): this;
  backoff(b?: Backoff | BackoffFunction): Backoff | 'custom' | undefined | this {
    if (b === undefined) return this.#backoff;
    if (typeof b === 'function') {
      // Functions cannot be stored in Redis: the queue keeps it for this type, and the worker
      // that fails the job computes the delay with it.
      this.queue.backoffFunctions.set(this.type, b);
      this.#backoff = 'custom';
      return this;
    }
    const parsed = backoffSchema.safeParse(b);
    if (!parsed.success) {
      throw new ValidationError(
        `backoff must be true, {type:'fixed'|'exponential', delay, maxDelay} or a function`,
        'backoff',
      );
    }
    this.#backoff = parsed.data;
    return this;
  }

  delay(): number | undefined;
  delay(ms: number | Date): this;
  delay(ms?: number | Date): number | undefined | this {
    if (ms === undefined) return this.#delay;
    const value = ms instanceof Date ? ms.getTime() - Date.now() : ms;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ValidationError('delay must be a number of ms or a Date', 'delay');
    }
    if (value > MAX_DELAY_MS) {
      throw new ValidationError(`delay must be at most ${MAX_DELAY_MS} ms (10 years)`, 'delay');
    }
    this.#delay = Math.max(0, Math.round(value));
    this.#delayChanged = true;
    return this;
  }

  ttl(): number | undefined;
  ttl(ms: number): this;
  ttl(ms?: number): number | undefined | this {
    if (ms === undefined) return this.#ttl;
    if (!Number.isInteger(ms) || ms < 1 || ms > MAX_DELAY_MS) {
      throw new ValidationError(
        `ttl must be a whole number of ms from 1 to ${MAX_DELAY_MS} (10 years), got ${given(ms)}`,
        'ttl',
      );
    }
    this.#ttl = ms;
    return this;
  }

  removeOnComplete(flag: boolean): this {
    this.#removeOnComplete = Boolean(flag);
    return this;
  }

  searchKeys(keys: string | string[]): this {
    this.#searchKeys = Array.isArray(keys) ? [...keys] : [keys];
    return this;
  }

  events(flag: boolean): this {
    this.#events = Boolean(flag);
    return this;
  }

  /** A second job created with the same key returns the first instead of a duplicate. */
  unique(key: string): this {
    if (typeof key !== 'string' || key.length === 0 || key.length > 512) {
      throw new ValidationError('unique must be a string of 1 to 512 characters', 'unique');
    }
    this.#unique = key;
    return this;
  }

  /** Applies every option given as data (the JSON API's and createMany's `options`). */
  setOptions(
    o: Omit<JobOptions, 'priority' | 'searchKeys'> & {
      priority?: string | number;
      searchKeys?: string | string[];
    },
  ): this {
    if (o.priority !== undefined) this.priority(o.priority);
    if (o.attempts !== undefined) this.attempts(o.attempts);
    if (o.delay !== undefined) this.delay(o.delay);
    if (o.backoff !== undefined) this.backoff(o.backoff);
    if (o.ttl !== undefined) this.ttl(o.ttl);
    if (o.removeOnComplete !== undefined) this.removeOnComplete(o.removeOnComplete);
    if (o.searchKeys !== undefined) this.searchKeys(o.searchKeys);
    if (o.events !== undefined) this.events(o.events);
    if (o.unique !== undefined) this.unique(o.unique);
    return this;
  }

  /** The builder's settings, for save() and createMany(). */
  get spec() {
    return {
      type: this.type,
      data: this.data,
      priority: this.#priority,
      attempts: this.#maxAttempts,
      delay: this.#delay,
      delayChanged: this.#delayChanged,
      ttl: this.#ttl,
      backoff: this.#backoff,
      removeOnComplete: this.#removeOnComplete,
      searchKeys: this.#searchKeys,
      events: this.#events,
      unique: this.#unique,
    };
  }

  /**
   * Saves a new job in one script call, shared with the other saves of the tick (or updates an
   * existing one, as Kue did). Kue's `save(function (err) {...})` works too.
   */
  save(callback?: NodeCallback<this>): Promise<this> {
    return withCallback(this.#save(), callback);
  }

  async #save(): Promise<this> {
    if (this.id !== undefined) return this.update();
    await this.queue.saveNew(this);
    return this;
  }

  /**
   * True when save() (or createMany) found a job holding this one's `unique` key and answered its
   * id instead of creating this one: this object still has what the caller gave it, not what the
   * job in Redis holds (queue.getJob(job.id) reads that).
   */
  get existed(): boolean {
    return this.#existed;
  }

  /** Records that enqueue.lua answered an existing job's id for this one (same unique key). */
  matched(id: string): void {
    this.id = id;
    this.#existed = true;
    this.#attachListeners();
  }

  /** Records what enqueue.lua answered for this job (the queue calls it after a create). */
  saved(id: string, now: string, state: JobState): void {
    this.id = id;
    this.created_at = this.updated_at = now;
    if (state === 'delayed' && this.#delay) this.promote_at = String(Number(now) + this.#delay);
    this.#state = state;
    this.#delayChanged = false;
    this.#attachListeners();
  }

  /** Records what update.lua answered: the delay is written, and moved promote_at when given. */
  rewritten(promoteAt: string | undefined): void {
    this.#delayChanged = false;
    if (promoteAt !== undefined) this.promote_at = promoteAt;
  }

  /**
   * Writes back the job's data and options (Kue's callback may follow). The delay is written only
   * when delay() was called on this object since it was loaded (or saved, or last updated): a
   * delayed job then waits for it from its last failed attempt, else from its creation (Kue's
   * rule); otherwise its due time stays, so a change of data does not cut a backoff short.
   */
  update(callback?: NodeCallback<this>): Promise<this> {
    return withCallback(
      this.queue.updateJob(this).then(() => this),
      callback,
    );
  }

  /**
   * Appends a printf-style line to the job's log. Kue's code calls it without awaiting (a voided
   * call that fails never takes the process down; awaited, it rejects).
   */
  log(fmt: unknown, ...args: unknown[]): Promise<void> {
    return handledRejection(this.#log(fmt, args));
  }

  async #log(fmt: unknown, args: unknown[]): Promise<void> {
    const line = cutText(format(fmt, ...args), defaults.maxLineBytes);
    if (this.writer) return this.writer.log(line);
    await this.queue.touch([{ id: this.#requireId(), logs: [line] }]);
  }

  /**
   * Records progress: min(100, floor(completed * 100 / total)), with optional data. Called without
   * awaiting as Kue's README does (`job.progress(frames, totalFrames)`), a refused value or a failed
   * write never takes the process down; awaited, it rejects.
   */
  progress(completed: number, total: number, data?: unknown): Promise<void> {
    return handledRejection(this.#setProgress(completed, total, data));
  }

  async #setProgress(completed: number, total: number, data?: unknown): Promise<void> {
    if (!Number.isFinite(completed) || !Number.isFinite(total) || total <= 0) {
      throw new ValidationError('progress needs finite numbers and a total above 0', 'progress');
    }
    const percent = Math.max(0, Math.min(100, Math.floor((completed * 100) / total)));
    this.#progress = percent;
    // Checked as job data is: JSON, and no larger than maxDataBytes.
    const text =
      data === undefined
        ? undefined
        : jsonText(data, 'progress_data', this.queue.options.maxDataBytes);
    if (data !== undefined) this.progress_data = data;
    if (this.writer) return this.writer.progress(percent, text);
    await this.queue.touch([
      { id: this.#requireId(), progress: text === undefined ? [percent] : [percent, text] },
    ]);
  }

  get percent(): number {
    return this.#progress;
  }

  /** Deletes the job and everything that refers to it (Kue's callback may follow). */
  remove(callback?: NodeCallback<void>): Promise<void> {
    return withCallback(this.#remove(), callback);
  }

  async #remove(): Promise<void> {
    await this.queue.remove([this.#requireId()]);
  }

  state(): JobState | undefined;
  state(to: JobState): Promise<this>;
  state(to?: JobState): JobState | undefined | Promise<this> {
    if (to === undefined) return this.#state;
    const parsed = jobStateSchema.safeParse(to);
    if (!parsed.success) return Promise.reject(new InvalidState(to));
    return this.queue.setState([this.#requireId()], parsed.data).then(() => {
      this.#state = parsed.data;
      return this;
    });
  }

  inactive(): Promise<this> {
    return this.state('inactive');
  }
  active(): Promise<this> {
    return this.state('active');
  }
  complete(): Promise<this> {
    return this.state('complete');
  }
  failed(): Promise<this> {
    return this.state('failed');
  }
  delayed(): Promise<this> {
    return this.state('delayed');
  }

  /**
   * Listens for this job's events (complete, failed, failed attempt, progress, promotion...).
   * Before save(), as Kue's examples do, the listener waits for the job's id and is attached on
   * save: it hears what it would have heard had it been added just after.
   */
  on(event: string, listener: JobListener): this {
    if (this.id === undefined) this.#pendingListeners.push([event, listener]);
    else this.queue.onJob(this.id, event, listener);
    return this;
  }

  #attachListeners(): void {
    const pending = this.#pendingListeners;
    this.#pendingListeners = [];
    for (const [event, listener] of pending) this.on(event, listener);
  }

  #requireId(): string {
    if (this.id === undefined) throw new ValidationError('the job is not saved yet', 'id');
    return this.id;
  }

  toJSON(): JobJson {
    const a = this.attempts();
    return {
      id: this.id ?? '',
      type: this.type,
      data: this.data,
      result: this.result,
      priority: this.#priority,
      progress: this.#progress,
      progress_data: this.progress_data,
      state: this.#state ?? 'inactive',
      error: this.error,
      created_at: this.created_at ?? '',
      promote_at: this.promote_at,
      updated_at: this.updated_at ?? '',
      failed_at: this.failed_at,
      started_at: this.started_at,
      duration: this.duration,
      delay: this.#delay,
      workerId: this.workerId,
      ttl: this.#ttl,
      attempts: a,
      interruptions: this.interruptions,
    };
  }
}
