import type { Job } from '../core/index.js';

/** What a handler gets besides its job. */
export interface WorkerContext {
  /** Fires when the job's lease is lost, its ttl runs out, or the invocation starts shutting down. */
  readonly signal: AbortSignal;
  /** The invocation running the job (stored as the job's workerId). */
  readonly workerId: string;
  /**
   * Pauses claiming of this job's type in every invocation, for `ms` or until resume(). Kue's form
   * `pause(callback)` works too; running jobs are not interrupted.
   */
  pause(ms?: number): Promise<void>;
  pause(callback: (err?: Error) => void, ms?: number): void;
  resume(): Promise<void>;
}

/** Kue's `done(err, result)`. */
export type DoneCallback = (err?: unknown, result?: unknown) => void;

/**
 * Kue's callback style `(job, done, ctx)`, and `async (job, ctx) => result`. The second argument
 * is both: `done`, carrying the context's members, so either style types and runs.
 */
export type Handler<D = unknown> = (
  job: Job<D>,
  done: DoneCallback & WorkerContext,
  ctx: WorkerContext,
) => unknown;

const AsyncFunction = (async () => {}).constructor;

/**
 * Kue told the styles apart by arity: a function of two or more parameters is given `done` and
 * finishes when it calls it. An async function finishes with its promise whatever its arity, so
 * `async (job, ctx) => ...` is the promise style.
 */
export function isCallbackStyle(handler: Handler): boolean {
  return handler.length >= 2 && !(handler instanceof AsyncFunction);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

const CONTEXT = Symbol('context');

/**
 * done's `signal`, read through a getter: reading it is what makes the AbortSignal (an
 * EventTarget, some 4 µs a job), which most handlers never do. The getter lives on a prototype
 * shared by every done: defining it on each function made V8 rebuild the function's shape, and
 * cost more than running a trivial handler.
 */
const DONE_PROTOTYPE = Object.create(Function.prototype, {
  signal: {
    get(this: { [CONTEXT]: WorkerContext }) {
      return this[CONTEXT].signal;
    },
    enumerable: true,
  },
});

function withSignalOf(done: DoneCallback, ctx: WorkerContext): void {
  (done as DoneCallback & { [CONTEXT]: WorkerContext })[CONTEXT] = ctx;
  Object.setPrototypeOf(done, DONE_PROTOTYPE);
}

/** Runs a handler of either style; resolves with its result, rejects with its error. */
export function invokeHandler(handler: Handler, job: Job, ctx: WorkerContext): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let finished = false;
    const finish = (err: unknown, result: unknown) => {
      if (finished) return;
      finished = true;
      if (err !== undefined && err !== null) reject(err);
      else resolve(result);
    };
    const done = ((err?: unknown, result?: unknown) => finish(err ?? undefined, result)) as {
      -readonly [K in keyof (DoneCallback & WorkerContext)]: (DoneCallback & WorkerContext)[K];
    } & DoneCallback;
    done.workerId = ctx.workerId;
    done.pause = ctx.pause.bind(ctx);
    done.resume = ctx.resume.bind(ctx);
    withSignalOf(done, ctx);
    let returned: unknown;
    try {
      returned = handler(job, done, ctx);
    } catch (error) {
      finish(error ?? new Error('handler threw'), undefined);
      return;
    }
    const callbackStyle = isCallbackStyle(handler);
    if (isThenable(returned)) {
      returned.then(
        (value) => {
          if (!callbackStyle) finish(undefined, value);
        },
        (error: unknown) => finish(error ?? new Error('handler rejected'), undefined),
      );
    } else if (!callbackStyle) {
      finish(undefined, returned);
    }
  });
}

/** The text stored as a failed attempt's error (Kue kept the message). */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
