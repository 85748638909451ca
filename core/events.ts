import type { Keys } from './keys.js';
import type { RedisClient, Subscription } from './redis-client.js';
import { type QueueEvent, queueEventSchema } from './schema.js';
import { list, type ScriptRunner } from './script-runner.js';
import { sleep } from './sleep.js';

export type EventListener = (...args: unknown[]) => void;

/** A subscription to a queue's event channel (QueueEvents.watch). */
export interface Watch {
  failed: Promise<void>;
  close(): Promise<void>;
}

function parseEvent(raw: unknown, sid?: string): QueueEvent | undefined {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    const candidate = {
      ...v,
      sid: sid ?? v.sid,
      args: Array.isArray(v.args) ? v.args : [],
      id: v.id === undefined ? '' : String(v.id),
    };
    const parsed = queueEventSchema.safeParse(candidate);
    return parsed.success ? parsed.data : undefined;
  }
  return undefined;
}

/**
 * The events of one channel message: a call's { first, events: [[id, type, event, args?]] }
 * (lib/events.lua; event k's sid is first + k), or from older scripts an array of events or one.
 */
function liveEvents(message: unknown): unknown[] {
  let value = message;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const { first, events } = value as { first?: unknown; events?: unknown };
    if (typeof first === 'number' && Array.isArray(events)) {
      return events.map((e: unknown, k) =>
        Array.isArray(e)
          ? { id: e[0], type: e[1], event: e[2], args: e[3], sid: `${first + k}-0` }
          : e,
      );
    }
  }
  return Array.isArray(value) ? value : [value];
}

/**
 * A queue's events: the capped stream read over plain HTTP (resumable by stream id, no blocking
 * connection), and live listeners over the bridge's SSE subscription, as Kue's queue.on and job.on.
 */
export class QueueEvents {
  readonly #redis: RedisClient;
  readonly #scripts: ScriptRunner;
  readonly #channel: string;
  readonly #queueListeners = new Map<string, Set<EventListener>>();
  readonly #jobListeners = new Map<string, Map<string, Set<EventListener>>>();
  #subscription: Subscription | undefined;
  #poller: AbortController | undefined;

  constructor(redis: RedisClient, scripts: ScriptRunner, keys: Keys) {
    this.#redis = redis;
    this.#scripts = scripts;
    this.#channel = keys.events;
  }

  /** Events after a stream id ('0' = the oldest kept, '$' = none, only the newest id). */
  async read(after = '0', count = 100): Promise<{ events: QueueEvent[]; last: string }> {
    const r = await this.#scripts.run<{ events: [string, string][] | object; last: string }>(
      'read-events',
      { after, count },
    );
    const events: QueueEvent[] = [];
    for (const [sid, payload] of list(r.events as [string, string][])) {
      const e = parseEvent(payload, sid);
      if (e) events.push(e);
    }
    return { events, last: r.last };
  }

  /** Follows the stream from `since` (default: what comes next), polling while it is quiet. */
  async *stream(
    opts: { since?: string; pollMs?: number; signal?: AbortSignal; follow?: boolean } = {},
  ): AsyncGenerator<QueueEvent> {
    let after = opts.since ?? '$';
    if (after === '$') after = (await this.read('$')).last;
    while (!opts.signal?.aborted) {
      const { events } = await this.read(after, 200);
      for (const e of events) {
        after = e.sid;
        yield e;
      }
      if (events.length === 0) {
        if (opts.follow === false) return;
        await sleep(opts.pollMs ?? 1000, opts.signal);
      }
    }
  }

  /**
   * Calls `onChange` when a script publishes events, and once when the subscription is confirmed
   * (what was published before it is unseen): a wake-up for a reader of the stream, which reads
   * the stream itself, so a lost or late message costs latency, not events. Undefined when the
   * client cannot subscribe; `failed` resolves if the subscription fails.
   */
  watch(onChange: () => void): Watch | undefined {
    if (!this.#redis.subscribe) return undefined;
    let fail = () => {};
    const failed = new Promise<void>((resolve) => {
      fail = resolve;
    });
    let sub: Subscription;
    try {
      sub = this.#redis.subscribe([this.#channel]);
    } catch {
      return undefined;
    }
    sub.on('message', () => onChange());
    sub.on('subscribe', () => onChange());
    sub.on('error', () => fail());
    return { failed, close: () => sub.unsubscribe().catch(() => {}) };
  }

  /** Kue's queue events: 'job complete', 'job failed', 'job progress'... with (id, ...args). */
  on(name: string, listener: EventListener): void {
    const set = this.#queueListeners.get(name) ?? new Set();
    this.#queueListeners.set(name, set);
    set.add(listener);
    this.#listen();
  }

  off(name: string, listener: EventListener): void {
    this.#queueListeners.get(name)?.delete(listener);
  }

  /** Kue's job events: 'complete', 'failed', 'failed attempt', 'progress', 'promotion'... */
  onJob(id: string, event: string, listener: EventListener): void {
    const byEvent = this.#jobListeners.get(id) ?? new Map<string, Set<EventListener>>();
    this.#jobListeners.set(id, byEvent);
    const set = byEvent.get(event) ?? new Set();
    byEvent.set(event, set);
    set.add(listener);
    this.#listen();
  }

  dispatch(e: QueueEvent): void {
    // A type's events (pause, resume) belong to no job: their listeners get the type.
    const subject = e.id === '' ? e.type : e.id;
    // Kue's enqueue listeners get the job's type ((id, type) on the queue, (type) on the job);
    // the stream's enqueue args hold the state it entered, given after it.
    const args = e.event === 'enqueue' ? [e.type, ...e.args] : e.args;
    for (const fn of this.#queueListeners.get(`job ${e.event}`) ?? []) fn(subject, ...args);
    for (const fn of this.#queueListeners.get(e.event) ?? []) fn(subject, ...args);
    for (const fn of this.#queueListeners.get('*') ?? []) fn(e);
    const byEvent = this.#jobListeners.get(e.id);
    for (const fn of byEvent?.get(e.event) ?? []) fn(...args);
    // a finished job sends no more events: let go of its listeners
    if (byEvent && (e.event === 'complete' || e.event === 'failed' || e.event === 'remove')) {
      this.#jobListeners.delete(e.id);
    }
  }

  #listen(): void {
    if (this.#subscription || this.#poller) return;
    if (this.#redis.subscribe) {
      const sub = this.#redis.subscribe([this.#channel]);
      // A script call publishes its events as one message (lib/events.lua), in order.
      sub.on('message', (m: { message?: unknown }) => {
        for (const raw of liveEvents(m?.message)) {
          const e = parseEvent(raw);
          if (e) this.dispatch(e);
        }
      });
      this.#subscription = sub;
      return;
    }
    this.#poller = new AbortController();
    const signal = this.#poller.signal;
    void (async () => {
      for await (const e of this.stream({ signal })) this.dispatch(e);
    })().catch(() => {});
  }

  async close(): Promise<void> {
    this.#poller?.abort();
    this.#poller = undefined;
    const sub = this.#subscription;
    this.#subscription = undefined;
    if (sub) await sub.unsubscribe();
    this.#queueListeners.clear();
    this.#jobListeners.clear();
  }
}
