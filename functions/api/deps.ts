import type { Context } from 'hono';
import { JOB_FIELDS, Job, type Queue, withoutCommands } from '../../core/index.js';
import type { ErrorLog } from './errors.js';

/** What the routes need from the app: the queue, the wake-up hook and where to log. */
export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

/** Called with the jobs an HTTP request created, so workers can be woken (QStash, in-process). */
export type Wake = (jobs: Job[], ctx: WaitUntil) => void;

export interface EventStreamOptions {
  /** How long a quiet stream waits before reading Redis again (the least time between reads). */
  pollMs: number;
  /**
   * With a subscription to the queue's events channel (a client with `subscribe`, as
   * @upstash/redis), a quiet stream reads when a script publishes, and at least this often in
   * case a message was lost: Upstash bills every read, and an open dashboard tab would otherwise
   * read once a pollMs on an idle queue.
   */
  quietPollMs: number;
  /** A comment line this often keeps proxies from closing an idle connection. */
  heartbeatMs: number;
  /**
   * A connection ends after this long and the client reconnects with Last-Event-ID: a Worker
   * invocation has a bounded number of subrequests, and every poll is one.
   */
  maxLifetimeMs: number;
  /** The reconnect delay the stream asks EventSource clients for. */
  retryMs: number;
}

export const defaultEventStreamOptions: EventStreamOptions = {
  pollMs: 1_000,
  quietPollMs: 15_000,
  heartbeatMs: 15_000,
  maxLifetimeMs: 5 * 60_000,
  retryMs: 1_000,
};

export interface ApiDeps {
  queue: Queue;
  wake: Wake | undefined;
  log: ErrorLog;
  events: EventStreamOptions;
  /** About the most bytes of jobs a page answers (the rest: Edgekue-Next-Range). */
  pageBytes: number;
}

/** The request's waitUntil on Workers; on Node (no execution context) promises just run. */
export function waitUntilOf(c: Context, log: ErrorLog): WaitUntil {
  let ctx: WaitUntil | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  const guard = (p: Promise<unknown>) =>
    p.catch((error: unknown) => log.error('background task failed', withoutCommands(error)));
  if (ctx) {
    const exec = ctx;
    return { waitUntil: (p) => exec.waitUntil(guard(p)) };
  }
  return {
    waitUntil: (p) => {
      void guard(p);
    },
  };
}

/**
 * What a wake-up is given for jobs sent back to inactive (a retry, a resume, a move by hand): the
 * wake-ups only read the state (and a type), so one stand-in job speaks for all of them.
 */
export function requeuedJob(queue: Queue, type = ''): Job {
  return Job.fromHash(queue, [JOB_FIELDS.type, type, JOB_FIELDS.state, 'inactive']);
}

/**
 * Wakes a worker for jobs a request sent back to inactive, as a create does: else they wait for
 * the next cron tick. (A server hears of them from the queue itself: `queue.onRequeue`.)
 */
export function wakeForInactive(deps: ApiDeps, c: Context, type = ''): void {
  if (!deps.wake) return;
  deps.wake([requeuedJob(deps.queue, type)], waitUntilOf(c, deps.log));
}
