import type { Wake } from '../api/index.js';
import { coalesce, type WakeLog } from './coalesce.js';

/** A Workers service binding (or anything with fetch): reaches the worker without the internet. */
export interface Fetcher {
  fetch(request: Request): Promise<Response>;
}

export interface DirectWakeOptions {
  /** The worker's POST /work URL. */
  url: string;
  /** Sent as `Authorization: Bearer <secret>`. */
  secret: string;
  /** Used instead of the global fetch when given (a service binding to this Worker). */
  fetcher?: Fetcher;
  cooldownMs?: number;
  log: WakeLog;
}

/**
 * Wakes a worker by calling POST /work, which answers at once and runs its batch in its own
 * invocation. Delayed jobs are left to the cron tick (a direct call cannot be scheduled).
 */
export function directWake(options: DirectWakeOptions): Wake {
  const send = async () => {
    const request = new Request(options.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.secret}`, 'content-type': 'application/json' },
      body: '{"wake":"edgekue"}',
    });
    const res = await (options.fetcher ? options.fetcher.fetch(request) : fetch(request));
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`POST ${options.url} answered ${res.status}`);
  };
  const kick = coalesce(send, {
    cooldownMs: options.cooldownMs ?? 200,
    log: options.log,
    what: 'wake-up',
  });
  return (jobs, ctx) => {
    if (jobs.some((job) => job.state() === 'inactive')) kick(ctx);
  };
}
