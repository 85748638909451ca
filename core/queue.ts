import { bySize } from './by-size.js';
import { defaults } from './defaults.js';
import { type EnqueueRun, expandEnqueueAnswer } from './enqueue-answer.js';
import { given, InvalidState, JobNotFound, ValidationError } from './errors.js';
import { type EventListener, QueueEvents } from './events.js';
import { type BackoffFunction, Job, type NodeCallback, withCallback } from './job.js';
import { byteLength, jsonText } from './json-text.js';
import { type JobState, type Keys, queueKeys } from './keys.js';
import { priorityValue } from './priority.js';
import { randomHex } from './random-hex.js';
import { type Connection, connect, type RedisClient, splitConnection } from './redis-client.js';
import {
  type JobOptions,
  jobOptionsSchema,
  jobStateSchema,
  jobStates,
  jobTypeSchema,
  type QueueOptions,
  queueOptionsSchema,
} from './schema.js';
import { list, ScriptRunner } from './script-runner.js';
import { searchWords, words } from './search-words.js';
import { type TouchEntry, touchChunks } from './touch-chunks.js';

/** Job types a queue remembers as checked (more are checked each time). */
const CHECKED_TYPES_MAX = 1_000;

/** A random token per create request: a retry of the same request is answered, not run again. */
function requestToken(): string {
  return randomHex(12);
}

export interface NewJob {
  type: string;
  data?: unknown;
  options?: JobOptions;
}

/**
 * What enqueue.lua takes for one job; fields at their defaults are left out (priority 0,
 * max_attempts 1, events on). The data goes beside the input JSON, in ARGV (ScriptRunner.run).
 */
interface EnqueueEntry {
  type: string;
  priority?: number;
  max_attempts?: number;
  delay?: number;
  backoff?: string;
  ttl?: number;
  remove_on_complete?: boolean;
  search?: string;
  /** the searchKeys paths as JSON text, only when given: update() re-indexes the same ones */
  search_keys?: string;
  events?: false;
  unique?: string;
}

/** A job checked for enqueue.lua: its entry and its data's JSON text. */
interface QueuedEntry {
  job: Job;
  entry: EnqueueEntry;
  data: string;
}

/** An answer's byte budget: at most maxAnswerBytes, at least 1 (a job always comes). */
function answerBudget(bytes: number): number {
  return Math.max(1, Math.min(defaults.maxAnswerBytes, bytes));
}

/** About what a checked job adds to an enqueue call (a call holds up to maxBatchBytes). */
function entryBytes(e: QueuedEntry): number {
  return byteLength(e.data) + 256;
}

/**
 * Resolves once the microtasks queued now have run, and the ones they queue (two turns, as
 * @upstash/redis' auto-pipelining waits): saves made by callers resuming together all get in.
 */
async function nextTicks(): Promise<void> {
  await Promise.resolve();
  await Promise.resolve();
}

export interface Counts {
  states: Record<JobState, number>;
  types: Record<string, Record<JobState, number>>;
  workTime: number;
  paused: Record<string, number>;
}

/** Kue's /stats shape. */
export interface KueStats {
  inactiveCount: number;
  completeCount: number;
  activeCount: number;
  failedCount: number;
  delayedCount: number;
  workTime: number;
}

/** The queue options that keep finished jobs bounded (lib/retention.lua): unset, all are kept. */
type RetentionOption = 'keepComplete' | 'keepFailed' | 'keepCompleteMs' | 'keepFailedMs';

/** What touch.lua says of each entry's job. */
export type TouchStatus = 'ok' | 'lost' | 'ttl' | 'missing';

/** Hooks of a touch, which may take several calls (a flood of log lines). */
export interface TouchHooks {
  /** A call is about to go out. */
  onCall?: () => void;
  /**
   * A call went through with `part` of entry `index` (some of its lines, its progress with the
   * last part): when a later call fails, what was written need not be sent again.
   */
  onWritten?: (index: number, part: TouchEntry) => void;
}

export interface RangeQuery {
  state?: JobState;
  type?: string;
  from: number;
  to: number;
  order?: 'asc' | 'desc';
}

/** A page of jobs read within a byte budget. */
export interface RangePage {
  jobs: Job[];
  /**
   * The rank the rest of the page starts at, when the page stopped at its byte budget; null when
   * it holds every job of the range.
   */
  next: number | null;
}

/** About the bytes a job's hash adds to an answer: its values (read-range counts the same). */
function hashBytes(h: string[]): number {
  let n = 0;
  for (let i = 1; i < h.length; i += 2) n += h[i]?.length ?? 0;
  return n;
}

export type EnqueueListener = (jobs: Job[]) => void;
/** Hears that jobs went back to inactive: of `type`, or of any type when undefined. */
export type RequeueListener = (type: string | undefined) => void;

function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }, base: string) {
  const issue = error.issues[0];
  const field = [base, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  return new ValidationError(`${field}: ${issue?.message ?? 'invalid'}`, field);
}

/** Words a search intersects at most: each is a set Redis reads. */
const MAX_QUERY_WORDS = 32;

/**
 * A queue: one prefix in one Redis. Not a singleton: any number of queues and prefixes can live in
 * one process. Every write is one script call; reads that need several commands are one too.
 */

export class Queue {
  readonly prefix: string;
  readonly keys: Keys;
  readonly redis: RedisClient;
  readonly scripts: ScriptRunner;
  /** The options with their defaults; the retention options stay unset unless given (keep all). */
  readonly options: Required<Omit<QueueOptions, RetentionOption>> &
    Pick<QueueOptions, RetentionOption>;
  /** Caller-side backoff functions by job type (Job#backoff(fn) registers them). */
  readonly backoffFunctions = new Map<string, BackoffFunction>();
  readonly #events: QueueEvents;
  readonly #enqueueListeners = new Set<EnqueueListener>();
  readonly #requeueListeners = new Set<RequeueListener>();
  readonly #checkedTypes = new Set<string>();
  /** Saves waiting for the end of the tick (saveNew). */
  #saves: { entry: QueuedEntry; resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(redis: RedisClient, options: QueueOptions = {}) {
    const parsed = queueOptionsSchema.safeParse(options);
    if (!parsed.success) throw firstIssue(parsed.error, 'options');
    const o = parsed.data;
    this.options = {
      prefix: o.prefix ?? defaults.prefix,
      disableSearch: o.disableSearch ?? false,
      jobEvents: o.jobEvents ?? true,
      eventsMax: o.eventsMax ?? defaults.eventsMax,
      maxDataBytes: o.maxDataBytes ?? defaults.maxDataBytes,
      maxLogLines: o.maxLogLines ?? defaults.maxLogLines,
      maxInterruptions: o.maxInterruptions ?? defaults.maxInterruptions,
      maxSearchResults: o.maxSearchResults ?? defaults.maxSearchResults,
      keepComplete: o.keepComplete,
      keepFailed: o.keepFailed,
      keepCompleteMs: o.keepCompleteMs,
      keepFailedMs: o.keepFailedMs,
    };
    this.prefix = this.options.prefix;
    this.keys = queueKeys(this.prefix);
    this.redis = redis;
    this.scripts = new ScriptRunner(redis, this.keys, {
      events_max: this.options.eventsMax,
      events_off: !this.options.jobEvents,
      interruptions_max: this.options.maxInterruptions,
      ...(o.keepComplete !== undefined ? { keep_complete: o.keepComplete } : {}),
      ...(o.keepFailed !== undefined ? { keep_failed: o.keepFailed } : {}),
      ...(o.keepCompleteMs !== undefined ? { keep_complete_ms: o.keepCompleteMs } : {}),
      ...(o.keepFailedMs !== undefined ? { keep_failed_ms: o.keepFailedMs } : {}),
    });
    this.#events = new QueueEvents(redis, this.scripts, this.keys);
  }

  // ---- creating jobs ----

  /** Kue's queue.create(type, data): a job builder; nothing is written until save(). */
  create<D = unknown>(type: string, data: D = {} as D): Job<D> {
    return new Job(this, type, data);
  }

  /** Creates many jobs in one script call (split only when the payload would exceed a request). */
  async createMany(items: ReadonlyArray<Job | NewJob>): Promise<Job[]> {
    const jobs = items.map((item) => (item instanceof Job ? item : this.#jobFromSpec(item)));
    const entries = jobs.map((job) => this.#entry(job));
    const created: Job[] = [];
    for (const call of bySize(entries, entryBytes, defaults.maxBatchBytes)) {
      created.push(...(await this.#enqueueCall(call)));
    }
    this.#announce(created);
    return jobs;
  }

  /**
   * Creates a new job (Job#save): with the other saves made in the same tick (a Promise.all of
   * saves, producers sharing the queue) in one enqueue call, as @upstash/redis' auto-pipelining
   * puts their requests in one HTTP request, so they cost one billed command instead of one each.
   * A job whose data or options are refused fails alone; a failed call fails the saves in it (saves
   * of more than a call's bytes go in several).
   */
  saveNew(job: Job): Promise<void> {
    const entry = this.#entry(job);
    return new Promise((resolve, reject) => {
      if (this.#saves.length === 0) void nextTicks().then(() => this.#flushSaves());
      this.#saves.push({ entry, resolve, reject });
    });
  }

  async #flushSaves(): Promise<void> {
    const saves = this.#saves;
    this.#saves = [];
    // Each save learns what its own call did.
    for (const call of bySize(saves, (s) => entryBytes(s.entry), defaults.maxBatchBytes)) {
      let created: Job[];
      try {
        created = await this.#enqueueCall(call.map((s) => s.entry));
      } catch (error) {
        for (const s of call) s.reject(error);
        continue;
      }
      this.#announce(created);
      for (const s of call) s.resolve();
    }
  }

  /** One enqueue call of checked entries; each job learns its id. Answers the jobs it created. */
  async #enqueueCall(call: QueuedEntry[]): Promise<Job[]> {
    const runs = await this.scripts.run<EnqueueRun[]>(
      'enqueue',
      {
        request: requestToken(),
        // a job at every default goes as its type alone
        jobs: call.map(({ entry }) => (Object.keys(entry).length === 1 ? entry.type : entry)),
      },
      call.map((e) => e.data),
    );
    const created: Job[] = [];
    expandEnqueueAnswer(list(runs)).forEach(([id, isNew, now, state], i) => {
      const job = call[i]!.job;
      if (isNew === 1 && state) {
        job.saved(String(id), String(now), state);
        created.push(job);
      } else {
        job.matched(String(id));
      }
    });
    return created;
  }

  /** Tells the enqueue listeners of created jobs. */
  #announce(created: Job[]): void {
    if (created.length > 0) for (const fn of this.#enqueueListeners) fn(created);
  }

  /** Called after jobs are created: platform code hooks wake-ups of workers here. */
  onEnqueue(listener: EnqueueListener): () => void {
    this.#enqueueListeners.add(listener);
    return () => this.#enqueueListeners.delete(listener);
  }

  /**
   * Called after jobs went back to inactive (a retry, a move by hand, a resume of their type):
   * platform code wakes workers here as for created jobs, else they wait for the next tick.
   */
  onRequeue(listener: RequeueListener): () => void {
    this.#requeueListeners.add(listener);
    return () => this.#requeueListeners.delete(listener);
  }

  #announceRequeue(type?: string): void {
    for (const fn of this.#requeueListeners) fn(type);
  }

  #jobFromSpec(item: NewJob): Job {
    if (item === null || typeof item !== 'object')
      throw new ValidationError('job must be an object', 'job');
    const job = this.create(item.type, item.data ?? {});
    // most batches' jobs have no options: nothing to check (and a schema parse a job saved)
    if (item.options === undefined || item.options === null) return job;
    const parsed = jobOptionsSchema.safeParse(item.options);
    if (!parsed.success) throw firstIssue(parsed.error, 'options');
    return job.setOptions(parsed.data);
  }

  /** A job's type, checked once per queue: a batch's jobs share a few types. */
  #checkedType(type: unknown): string {
    if (typeof type === 'string' && this.#checkedTypes.has(type)) return type;
    const parsed = jobTypeSchema.safeParse(type);
    if (!parsed.success) throw firstIssue(parsed.error, 'type');
    if (this.#checkedTypes.size < CHECKED_TYPES_MAX) this.#checkedTypes.add(parsed.data);
    return parsed.data;
  }

  /** A job as enqueue.lua takes it: its entry, and its data's JSON text. */
  #entry(job: Job): QueuedEntry {
    const s = job.spec;
    const type = this.#checkedType(s.type);
    const data = jsonText(s.data, 'data', this.options.maxDataBytes);
    let backoff: string | undefined;
    if (s.backoff === 'custom') backoff = '{"type":"custom"}';
    else if (s.backoff === true) backoff = '{"type":"fixed"}';
    else if (s.backoff && typeof s.backoff === 'object') backoff = JSON.stringify(s.backoff);
    const entry: EnqueueEntry = { type };
    const priority = priorityValue(s.priority);
    if (priority !== 0) entry.priority = priority;
    if (s.attempts !== 1) entry.max_attempts = s.attempts;
    if (!(this.options.jobEvents && s.events)) entry.events = false;
    if (s.delay) entry.delay = s.delay;
    if (backoff) entry.backoff = backoff;
    if (s.ttl) entry.ttl = s.ttl;
    if (s.removeOnComplete) entry.remove_on_complete = true;
    if (s.unique) entry.unique = s.unique;
    // kept even without search: a queue that turns it on must not index a field left out
    if (s.searchKeys && s.searchKeys.length > 0) entry.search_keys = JSON.stringify(s.searchKeys);
    if (!this.options.disableSearch) {
      const w = searchWords(s.data, s.searchKeys);
      if (w) entry.search = w;
    }
    return { job, entry, data };
  }

  // ---- reading jobs ----

  /** A job by id (`getJob<Email>(id)`: its data as the caller says it is, unchecked). */
  async getJob<D = unknown>(id: string | number): Promise<Job<D>> {
    const [job] = await this.getJobs([id]);
    if (!job) throw new JobNotFound(id);
    return job as Job<D>;
  }

  /** Jobs by id in order; missing ones are left out. */
  async getJobs(ids: ReadonlyArray<string | number>): Promise<Job[]> {
    return (await this.#readJobs(ids.map(String), Number.POSITIVE_INFINITY)).jobs;
  }

  /**
   * Jobs by id in order until they hold maxBytes (at least one id is read): `read` ids were read,
   * the missing ones left out of `jobs`. An answer stops at maxAnswerBytes of jobs (at least one),
   * so large jobs take several calls.
   */
  async #readJobs(ids: string[], maxBytes: number): Promise<{ jobs: Job[]; read: number }> {
    let valid = ids.filter((id) => /^\d{1,15}$/.test(id));
    const jobs: Job[] = [];
    let read = ids.length - valid.length;
    let bytes = 0;
    while (valid.length > 0 && (read === 0 || bytes < maxBytes)) {
      const rows = list(
        await this.scripts.run<{ job: string[] | object }[]>('read-jobs', {
          ids: valid,
          max_bytes: answerBudget(maxBytes - bytes),
        }),
      );
      for (const r of rows) {
        const h = list(r.job as string[]);
        if (h.length > 0) jobs.push(Job.fromHash(this, h));
        bytes += hashBytes(h);
      }
      const n = Math.max(1, rows.length);
      read += n;
      valid = valid.slice(n);
    }
    return { jobs, read };
  }

  /** A job's log lines; JobNotFound when the job does not exist. */
  async logs(id: string | number): Promise<string[]> {
    if (!/^\d{1,15}$/.test(String(id))) throw new JobNotFound(id);
    const lines: string[] = [];
    // A long log (up to maxLogLines lines of up to 16 KiB) comes in answers of maxAnswerBytes.
    for (let from = 0; ; ) {
      const rows = await this.scripts.run<
        { job: string[] | object; log?: string[] | object; more?: number }[]
      >('read-jobs', {
        ids: [String(id)],
        logs: true,
        log_from: from,
        max_bytes: defaults.maxAnswerBytes,
      });
      const row = list(rows)[0];
      if (!row || list(row.job as string[]).length === 0) throw new JobNotFound(id);
      lines.push(...list(row.log as string[]));
      if (row.more === undefined || row.more <= from) return lines;
      from = row.more;
    }
  }

  /** A page of jobs by rank, ordered by id: all jobs, one state, or one type in one state. */
  async range(q: RangeQuery): Promise<Job[]> {
    return (await this.rangePage(q, Number.POSITIVE_INFINITY)).jobs;
  }

  /**
   * A page of jobs as range() reads it, stopping once the jobs hold maxBytes (at least one job):
   * a page of 1,000 jobs of half a megabyte each is half a gigabyte, more than an invocation's
   * memory. `next` is the rank to ask from for the rest.
   */
  async rangePage(q: RangeQuery, maxBytes: number): Promise<RangePage> {
    for (const field of ['from', 'to'] as const) {
      // ranks as ZRANGE takes them: negative ones count from the end
      if (!Number.isSafeInteger(q[field])) {
        throw new ValidationError(
          `${field} must be a whole number (a rank), got ${given(q[field])}`,
          field,
        );
      }
    }
    if (q.state !== undefined) this.#checkState(q.state);
    if (q.type !== undefined && q.state === undefined) {
      throw new ValidationError('a type range needs a state', 'state');
    }
    const r = await this.scripts.run<{
      jobs: string[][] | object;
      rest: number[] | object;
      read: number;
    }>('read-range', {
      state: q.state,
      type: q.type,
      from: q.from,
      to: q.to,
      order: q.order === 'desc' ? 'desc' : 'asc',
      max_bytes: answerBudget(maxBytes),
    });
    const rows = list(r.jobs as string[][]);
    const jobs = rows.map((h) => Job.fromHash(this, h));
    // A page of large jobs: the ids the answer had no room for, fetched in as many calls as the
    // budget allows.
    const rest = list(r.rest as number[]).map(String);
    const bytes = rows.reduce((n, h) => n + hashBytes(h), 0);
    if (rest.length === 0) return { jobs, next: null };
    if (bytes >= maxBytes) return { jobs, next: q.from + r.read };
    const more = await this.#readJobs(rest, maxBytes - bytes);
    jobs.push(...more.jobs);
    return { jobs, next: more.read < rest.length ? q.from + r.read + more.read : null };
  }

  /** Every count in one call: per state, per type and state, work time, paused types. */
  async counts(types?: string[]): Promise<Counts> {
    const r = await this.scripts.run<{
      states: Record<JobState, number>;
      types: Record<string, Record<JobState, number>> | [];
      work_time: number;
      paused: Record<string, number> | [];
    }>('read-counts', { types: types ?? [] });
    return {
      states: r.states,
      types: Array.isArray(r.types) ? {} : r.types,
      workTime: r.work_time,
      paused: Array.isArray(r.paused) ? {} : r.paused,
    };
  }

  /** A count of a state, of a type when one is given; Kue's `(err, total)` callback may follow. */
  #count(
    state: JobState,
    type: string | NodeCallback<number> | undefined,
    callback: NodeCallback<number> | undefined,
  ): Promise<number> {
    // Kue's inactiveCount(fn): the callback in the type's place
    if (typeof type === 'function') return withCallback(this.#countOf(state), type);
    return withCallback(this.#countOf(state, type), callback);
  }

  async #countOf(state: JobState, type?: string): Promise<number> {
    const c = await this.counts(type ? [type] : undefined);
    return type ? (c.types[type]?.[state] ?? 0) : c.states[state];
  }

  inactiveCount(type?: string | NodeCallback<number>, callback?: NodeCallback<number>) {
    return this.#count('inactive', type, callback);
  }
  activeCount(type?: string | NodeCallback<number>, callback?: NodeCallback<number>) {
    return this.#count('active', type, callback);
  }
  delayedCount(type?: string | NodeCallback<number>, callback?: NodeCallback<number>) {
    return this.#count('delayed', type, callback);
  }
  completeCount(type?: string | NodeCallback<number>, callback?: NodeCallback<number>) {
    return this.#count('complete', type, callback);
  }
  failedCount(type?: string | NodeCallback<number>, callback?: NodeCallback<number>) {
    return this.#count('failed', type, callback);
  }

  /** Job types that have jobs. */
  async types(): Promise<string[]> {
    return Object.keys((await this.counts()).types).sort();
  }

  /** Kue's /stats. */
  async stats(): Promise<KueStats> {
    const c = await this.counts();
    return {
      inactiveCount: c.states.inactive,
      completeCount: c.states.complete,
      activeCount: c.states.active,
      failedCount: c.states.failed,
      delayedCount: c.states.delayed,
      workTime: c.workTime,
    };
  }

  /**
   * Ids of the jobs whose indexed words include every word of the query, ascending. Refused
   * (ValidationError on `q`) when every word is in more than `maxSearchResults` jobs, or when the
   * query has more than 32 distinct words (dropping the rest would widen the search). `filter`
   * keeps only the jobs in a state and/or of a type.
   */
  async search(
    query: string,
    filter: { state?: JobState | undefined; type?: string | undefined } = {},
  ): Promise<string[]> {
    const w = [...new Set(words(String(query ?? '')))];
    if (w.length > MAX_QUERY_WORDS) {
      throw new ValidationError(
        `q has ${w.length} distinct words, more than a search takes (${MAX_QUERY_WORDS})`,
        'q',
      );
    }
    if (w.length === 0) return [];
    const max = this.options.maxSearchResults;
    const r = await this.scripts.run<{ ids?: string[] | object; too_many?: number }>(
      'read-search',
      {
        words: w,
        max,
        ...(filter.state ? { state: filter.state } : {}),
        ...(filter.type ? { type: filter.type } : {}),
      },
    );
    if (r.too_many !== undefined) {
      throw new ValidationError(
        `q matches too many jobs: each of its words is in more than ${max} (the rarest in ${r.too_many}); add a word to narrow it`,
        'q',
      );
    }
    return list((r.ids ?? []) as string[])
      .map(String)
      .sort((a, b) => Number(a) - Number(b));
  }

  /** Completed and failed jobs per minute, oldest first. */
  async throughput(minutes = 60): Promise<{ now: number; minutes: [number, number, number][] }> {
    return this.scripts.run('read-throughput', { minutes: Math.max(1, Math.min(1440, minutes)) });
  }

  // ---- changing jobs ----

  /**
   * Writes a loaded job's data and options back (Kue's job.update()), re-indexed under its own
   * searchKeys (kept in its hash). Its delay only when delay() was called on it (Job.update).
   */
  async updateJob(job: Job): Promise<void> {
    if (job.id === undefined) throw new ValidationError('the job is not saved yet', 'id');
    const { entry: e, data } = this.#entry(job);
    const r = await this.scripts.run<{ missing?: number; promote_at?: string }>('update', {
      id: job.id,
      data,
      priority: e.priority ?? 0,
      max_attempts: e.max_attempts ?? 1,
      ttl: e.ttl ?? 0,
      backoff: e.backoff ?? '',
      search: e.search ?? '',
      search_keys: e.search_keys ?? '',
      ...(job.spec.delayChanged ? { delay: job.delay() ?? 0 } : {}),
    });
    if (r.missing) throw new JobNotFound(job.id);
    job.rewritten(r.promote_at);
  }

  async setPriority(id: string | number, priority: string | number): Promise<void> {
    const value = priorityValue(priority);
    const r = await this.scripts.run<{ missing?: number }>('update', {
      id: String(id),
      priority: value,
    });
    if (r.missing) throw new JobNotFound(id);
  }

  #checkState(state: unknown): JobState {
    const parsed = jobStateSchema.safeParse(state);
    if (!parsed.success) throw new InvalidState(state);
    return parsed.data;
  }

  /**
   * Moves jobs to a state by hand; JobNotFound for the first missing id. A job moved to active is held under a lease no worker has
   * (`leaseMs`, default 30 s), after which recovery fails its attempt as a vanished worker's and
   * it retries if it has attempts left: only a claim hands a job to a worker.
   */
  async setState(
    ids: ReadonlyArray<string | number>,
    to: JobState,
    options: { leaseMs?: number } = {},
  ): Promise<number> {
    this.#checkState(to);
    const { leaseMs } = options;
    if (leaseMs !== undefined && !(Number.isSafeInteger(leaseMs) && leaseMs > 0)) {
      throw new ValidationError(
        `leaseMs must be a positive whole number of ms, got ${given(leaseMs)}`,
        'leaseMs',
      );
    }
    const r = await this.scripts.run<{ moved: number; missing: string[] | object }>('move', {
      to,
      ids: ids.map(String),
      ...(to === 'active' && leaseMs !== undefined ? { lease_ms: leaseMs } : {}),
    });
    if (to === 'inactive' && r.moved > 0) this.#announceRequeue();
    const missing = list(r.missing as string[]);
    if (missing.length > 0) throw new JobNotFound(missing[0]!);
    return r.moved;
  }

  /** Sends a job back to inactive with its attempts reset, to run again. */
  async retry(id: string | number): Promise<void> {
    const r = await this.scripts.run<{ missing: string[] | object }>('move', {
      to: 'inactive',
      ids: [String(id)],
      reset_attempts: true,
    });
    if (list(r.missing as string[]).length > 0) throw new JobNotFound(id);
    this.#announceRequeue();
  }

  /** Retries every job of a state (optionally of one type); returns how many moved. */
  async retryAll(from: JobState = 'failed', type?: string): Promise<number> {
    this.#checkState(from);
    let total = 0;
    for (;;) {
      const r = await this.scripts.run<{ moved: number }>('move', {
        to: 'inactive',
        from,
        type,
        limit: defaults.bulkLimit,
        // Jobs retried from inactive stay where they were: the next call takes the next ranks.
        ...(from === 'inactive' ? { offset: total } : {}),
        reset_attempts: true,
      });
      total += r.moved;
      if (r.moved < defaults.bulkLimit) break;
    }
    if (total > 0) this.#announceRequeue(type);
    return total;
  }

  /** Removes jobs by id; returns how many existed. */
  async remove(ids: ReadonlyArray<string | number>): Promise<number> {
    const r = await this.scripts.run<{ removed: number }>('remove', { ids: ids.map(String) });
    return r.removed;
  }

  /** Removes every job of a state (optionally of one type); returns how many. */
  async removeAll(state: JobState, type?: string): Promise<number> {
    this.#checkState(state);
    let total = 0;
    for (;;) {
      const r = await this.scripts.run<{ removed: number }>('remove', {
        state,
        type,
        limit: defaults.bulkLimit,
      });
      total += r.removed;
      if (r.removed < defaults.bulkLimit) return total;
    }
  }

  /**
   * Heartbeats, log lines and progress of many jobs at once (workers flush through here), in
   * calls of about maxWriteBytes, a job's lines in order; `hooks` hears of each call as it goes
   * out (a Worker counts its subrequests) and of what each wrote (TouchHooks).
   */
  async touch(
    entries: TouchEntry[],
    leaseMs = 0,
    hooks: TouchHooks = {},
  ): Promise<{ status: TouchStatus[]; now: number }> {
    // Calls of about maxWriteBytes, one after the other so a job's lines keep their order. A job
    // whose lines span calls takes the status of any part that was not 'ok'.
    const status: TouchStatus[] = entries.map(() => 'ok');
    let now = 0;
    for (const chunk of touchChunks(entries, defaults.maxWriteBytes)) {
      hooks.onCall?.();
      const r = await this.scripts.run<{ status: TouchStatus[] | object; now: number }>('touch', {
        entries: chunk.entries,
        lease_ms: leaseMs,
        max_log: this.options.maxLogLines,
      });
      list(r.status as TouchStatus[]).forEach((s, k) => {
        const i = chunk.origin[k]!;
        if (s !== 'ok') status[i] = s;
      });
      chunk.entries.forEach((part, k) => {
        hooks.onWritten?.(chunk.origin[k]!, part);
      });
      now = r.now;
    }
    const missing = entries.findIndex((e, i) => !e.token && status[i] === 'missing');
    if (missing >= 0) throw new JobNotFound(entries[missing]!.id);
    return { status, now };
  }

  // ---- pause, promotion, recovery ----

  /**
   * Pauses claiming of a type across every worker, for `ms` (0: until resumed). A negative or
   * fractional ms would have read as 0 in the script: a pause meant to end that never does.
   */
  async pause(type: string, ms = 0): Promise<string[]> {
    this.#checkedType(type);
    if (!Number.isSafeInteger(ms) || ms < 0) {
      throw new ValidationError(`ms must be a whole number of ms from 0, got ${given(ms)}`, 'ms');
    }
    const r = await this.scripts.run<{ paused: string[] | object }>('pause', { type, ms });
    return list(r.paused as string[]);
  }

  async resume(type: string): Promise<string[]> {
    this.#checkedType(type);
    const r = await this.scripts.run<{ paused: string[] | object }>('pause', {
      type,
      resume: true,
    });
    this.#announceRequeue(type);
    return list(r.paused as string[]);
  }

  /** Promotes due delayed jobs (at most `limit`); nextDue is -1 when none waits. */
  promote(
    limit: number = defaults.promoteLimit,
  ): Promise<{ promoted: number; next_due: number; now: number }> {
    return this.scripts.run('promote', { limit });
  }

  /** Fails the attempt of active jobs whose lease expired (at most `limit`). */
  recover(
    limit: number = defaults.promoteLimit,
  ): Promise<{ recovered: number; next_expiry: number; now: number }> {
    return this.scripts.run('recover', { limit });
  }

  // ---- events ----

  get eventStream(): QueueEvents {
    return this.#events;
  }

  /** Follows queue events from a stream id (default: what comes next) over plain HTTP. */
  events(opts?: { since?: string; pollMs?: number; signal?: AbortSignal; follow?: boolean }) {
    return this.#events.stream(opts);
  }

  /** Kue's queue events: queue.on('job complete', (id, result) => ...). */
  on(name: string, listener: EventListener): this {
    this.#events.on(name, listener);
    return this;
  }

  off(name: string, listener: EventListener): this {
    this.#events.off(name, listener);
    return this;
  }

  onJob(id: string, event: string, listener: EventListener): void {
    this.#events.onJob(id, event, listener);
  }

  /** Stops live listeners. Nothing else holds resources: HTTP Redis has no connection to close. */
  async close(): Promise<void> {
    await this.#events.close();
  }

  static readonly states = jobStates;
}

/**
 * A queue on an HTTP Redis: `createQueue(connection, options)`, or Kue's one object,
 * `createQueue({ prefix, url, token, ... })` (the connection's keys and the queue options side by
 * side; an option may not be given in both places). Without a connection, the environment's
 * UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN. Kue's `redis: { host, port }` is refused
 * at once (connect()).
 */
export function createQueue(
  connection?: (Connection & QueueOptions) | QueueOptions,
  options?: QueueOptions,
): Queue {
  const split = splitConnection(connection);
  for (const key of Object.keys(split.options)) {
    if (
      options &&
      key in options &&
      (options as Record<string, unknown>)[key] !== split.options[key]
    ) {
      throw new ValidationError(
        `options.${key} is given twice, with the connection and in options: give it once`,
        `options.${key}`,
      );
    }
  }
  const merged = { ...split.options, ...options } as QueueOptions;
  return new Queue(connect(split.connection), merged);
}
