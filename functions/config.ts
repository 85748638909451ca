import { z } from 'zod';
import { isRestUrl, type QueueOptions, queueOptionsSchema } from '../core/index.js';
import { fewestCalls, invocationBounds } from '../worker-handlers/index.js';

/**
 * The deployment's settings, read from the environment (Worker bindings or process.env) and
 * validated once at start, so a typo fails loudly instead of exposing or stalling a queue.
 */
const csv = z
  .string()
  .optional()
  .transform((v) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  );

const positiveInt = (fallback: number) =>
  z.coerce.number().int().positive().optional().default(fallback);

/** An empty var counts as unset, as in a shell's `NAME= command`. */
const unsetWhenEmpty = (v: unknown) => (v === '' ? undefined : v);

/** A whole number whose bounds and default are core's (checked by queueOptionsSchema). */
const wholeNumber = z.preprocess(
  unsetWhenEmpty,
  z.coerce
    .number({ message: 'must be a whole number' })
    .int({ message: 'must be a whole number' })
    .optional(),
);

/** Vars are strings: a flag is spelled out, so a typo such as "flase" is refused, not read as on. */
const flag = z.preprocess(
  unsetWhenEmpty,
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true, false, 1 or 0' })
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
);

export const envSchema = z.object({
  /** HTTP Redis (Upstash REST protocol) */
  UPSTASH_REDIS_REST_URL: z
    .url({
      protocol: /^https?$/,
      error: (issue) =>
        issue.input === undefined
          ? 'is required'
          : 'must be an http(s) URL: an Upstash REST endpoint, or the bridge in front of a Redis (infra/redis-http)',
    })
    // what URL parsing forgives and @upstash/redis does not ('HTTPS://...'): it would fail every
    // request with an error that echoes the URL
    .refine(isRestUrl, {
      error: 'must be written as http:// or https:// then a host, lower case, without spaces',
    }),
  UPSTASH_REDIS_REST_TOKEN: z.string({ error: 'is required' }).min(1),
  /**
   * How long one Redis request may take, retries included, before it fails as Redis unavailable
   * (503): a Redis that accepts connections and never answers would otherwise hold a request, or
   * a worker run, for minutes. Not subscriptions: a live event stream lasts as long as it is read.
   */
  EDGEKUE_REDIS_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .optional()
    .default(10_000),
  /** Key prefix (Kue's `prefix`) */
  EDGEKUE_PREFIX: z.string().optional().default('q'),
  /**
   * The queue's options (core's QueueOptions; unset: core's default): Kue's `disableSearch` and
   * `jobEvents`, the event stream's cap, the largest job data, log lines kept per job and the
   * most ids a search answers.
   */
  EDGEKUE_DISABLE_SEARCH: flag,
  EDGEKUE_JOB_EVENTS: flag,
  EDGEKUE_EVENTS_MAX: wholeNumber,
  EDGEKUE_MAX_DATA_BYTES: wholeNumber,
  EDGEKUE_MAX_LOG_LINES: wholeNumber,
  EDGEKUE_MAX_SEARCH_RESULTS: wholeNumber,
  /** Runs cut by the end of their invocation given back without counting an attempt (0: none). */
  EDGEKUE_MAX_INTERRUPTIONS: wholeNumber,
  /** Complete and failed jobs kept at most, the newest; unset: all (as Kue). */
  EDGEKUE_KEEP_COMPLETE: wholeNumber,
  EDGEKUE_KEEP_FAILED: wholeNumber,
  /** How long complete and failed jobs are kept after they finish, in ms; unset: for ever. */
  EDGEKUE_KEEP_COMPLETE_MS: wholeNumber,
  EDGEKUE_KEEP_FAILED_MS: wholeNumber,
  /** Dashboard title (Kue's app.set('title')) */
  EDGEKUE_TITLE: z.string().optional().default('edgekue'),
  /** API and dashboard auth: a bearer token, and/or a basic-auth user and password */
  EDGEKUE_AUTH_TOKEN: z.string().min(16).optional(),
  EDGEKUE_AUTH_USER: z.string().min(1).optional(),
  EDGEKUE_AUTH_PASSWORD: z.string().min(8).optional(),
  /** CORS stays off unless origins are listed */
  EDGEKUE_CORS_ORIGINS: csv,
  /** Largest request body the API accepts, in bytes */
  EDGEKUE_BODY_LIMIT: positiveInt(1024 * 1024),
  /**
   * About the most bytes of jobs a page of GET /jobs/... answers: a page of large jobs stops there
   * and says where the rest starts (Edgekue-Next-Range), so it fits an invocation's memory
   */
  EDGEKUE_PAGE_BYTES: positiveInt(8 * 1024 * 1024),
  /** Shared secret that authorises POST /work when QStash signatures are not used */
  EDGEKUE_WORKER_SECRET: z.string().min(16).optional(),
  /** Where wake-ups are sent (this deployment's own POST /work URL) */
  EDGEKUE_WORKER_URL: z
    .url()
    // (zod runs a refine even after z.url() refused the text: an unparsable one is its error alone)
    .refine((url) => !URL.canParse(url) || /\/work\/?$/.test(new URL(url).pathname), {
      message:
        "must be this deployment's POST /work URL, its path ending in /work (e.g. https://edgekue.example.workers.dev/work): wake-ups sent elsewhere reach the API and are refused",
    })
    .optional(),
  /** QStash: publish wake-ups through it (token, optional custom URL) and verify its deliveries */
  QSTASH_URL: z.url().optional(),
  QSTASH_TOKEN: z.string().min(1).optional(),
  QSTASH_CURRENT_SIGNING_KEY: z.string().min(1).optional(),
  QSTASH_NEXT_SIGNING_KEY: z.string().min(1).optional(),
  /** A worker invocation's time budget and lease length, in ms */
  // the bounds worker-handlers checks an invocation's options against
  EDGEKUE_BUDGET_MS: z.coerce
    .number()
    .int()
    .min(1)
    .max(invocationBounds.maxMs)
    .optional()
    .default(25_000),
  EDGEKUE_LEASE_MS: z.coerce
    .number()
    .int()
    .min(invocationBounds.minLeaseMs)
    .max(invocationBounds.maxMs)
    .optional()
    .default(30_000),
  /**
   * The servers (Node, Deno, Bun) only: how often their cron tick starts, which is also how long
   * one may run, in ms (a Worker's cron fires every minute)
   */
  EDGEKUE_TICK_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(invocationBounds.maxMs)
    .optional()
    .default(60_000),
  /**
   * Jobs a worker invocation leases per call (and runs at once per lane), and its lanes: batches
   * run side by side under a backlog (worker-handlers' `lanes`).
   */
  EDGEKUE_MAX_JOBS: z.coerce.number().int().min(1).max(1_000).optional().default(10),
  EDGEKUE_LANES: z.coerce.number().int().min(1).max(16).optional().default(1),
  /**
   * Script calls (subrequests) one Worker invocation may make: Cloudflare allows 50 on the Free
   * plan and 10,000 on Paid (1,000 on older accounts). Claims stop while what is left is only
   * enough to settle the jobs running; over the platform's limit, acks would fail and finished
   * jobs run again. The Worker entry only (workerCalls): Node has no such limit.
   */
  EDGEKUE_MAX_CALLS: z.coerce.number().int().min(1).max(10_000_000).optional(),
});

export type Env = z.input<typeof envSchema>;
export type Config = z.infer<typeof envSchema>;

/** A worker invocation's options as the deployment sets them. */
export function invocationOptions(c: Config) {
  return {
    budgetMs: c.EDGEKUE_BUDGET_MS,
    leaseMs: c.EDGEKUE_LEASE_MS,
    maxJobs: c.EDGEKUE_MAX_JOBS,
    lanes: c.EDGEKUE_LANES,
  };
}

/** Each queue option and the var that sets it. */
const queueOptionVars = {
  prefix: 'EDGEKUE_PREFIX',
  disableSearch: 'EDGEKUE_DISABLE_SEARCH',
  jobEvents: 'EDGEKUE_JOB_EVENTS',
  eventsMax: 'EDGEKUE_EVENTS_MAX',
  maxDataBytes: 'EDGEKUE_MAX_DATA_BYTES',
  maxLogLines: 'EDGEKUE_MAX_LOG_LINES',
  maxInterruptions: 'EDGEKUE_MAX_INTERRUPTIONS',
  maxSearchResults: 'EDGEKUE_MAX_SEARCH_RESULTS',
  keepComplete: 'EDGEKUE_KEEP_COMPLETE',
  keepFailed: 'EDGEKUE_KEEP_FAILED',
  keepCompleteMs: 'EDGEKUE_KEEP_COMPLETE_MS',
  keepFailedMs: 'EDGEKUE_KEEP_FAILED_MS',
} as const satisfies Record<keyof QueueOptions, keyof Config>;

/** The deployment's queue options: the vars that are set, the rest left to core's defaults. */
export function queueOptions(c: Config): QueueOptions {
  const options: Record<string, unknown> = {};
  for (const [option, name] of Object.entries(queueOptionVars)) {
    if (c[name] !== undefined) options[option] = c[name];
  }
  return options as QueueOptions;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG';
}

export function readConfig(env: Record<string, unknown>): Config {
  // An empty var counts as unset (a `.env` template's `EDGEKUE_AUTH_TOKEN=`), for every var.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid edgekue configuration:\n  ${lines.join('\n  ')}`);
  }
  const c = parsed.data;
  // Bounds live in core's schema, once; a refusal here names the var rather than the option.
  const options = queueOptionsSchema.safeParse(queueOptions(c));
  if (!options.success) {
    const lines = options.error.issues.map((i) => {
      const name = queueOptionVars[i.path[0] as keyof QueueOptions] ?? i.path.join('.');
      return `${name}: ${i.message}`;
    });
    throw new ConfigError(`invalid edgekue configuration:\n  ${lines.join('\n  ')}`);
  }
  if (c.EDGEKUE_MAX_CALLS !== undefined) workerCalls(c);
  if (Boolean(c.EDGEKUE_AUTH_USER) !== Boolean(c.EDGEKUE_AUTH_PASSWORD)) {
    throw new ConfigError('EDGEKUE_AUTH_USER and EDGEKUE_AUTH_PASSWORD go together');
  }
  // QStash delivers wake-ups to POST /work signed, and nothing else: without both keys every
  // delivery is refused (401), and jobs wait for the cron tick with nothing said.
  if (
    c.QSTASH_TOKEN &&
    c.EDGEKUE_WORKER_URL &&
    !(c.QSTASH_CURRENT_SIGNING_KEY && c.QSTASH_NEXT_SIGNING_KEY)
  ) {
    const missing = ['QSTASH_CURRENT_SIGNING_KEY', 'QSTASH_NEXT_SIGNING_KEY'].filter(
      (name) => !c[name as 'QSTASH_CURRENT_SIGNING_KEY'],
    );
    throw new ConfigError(
      `invalid edgekue configuration:\n  ${missing.join(', ')}: required with QSTASH_TOKEN and EDGEKUE_WORKER_URL, to verify QStash's deliveries to POST /work (both keys: a key rotation then refuses none)`,
    );
  }
  return c;
}

/**
 * What a configuration that starts may still get wrong, one line each, for the entry to log once
 * when it builds its runtime (once per isolate or process).
 */
export function configWarnings(c: Config): string[] {
  const warnings: string[] = [];
  if (c.QSTASH_TOKEN && !c.EDGEKUE_WORKER_URL) {
    warnings.push(
      "edgekue: QSTASH_TOKEN is set without EDGEKUE_WORKER_URL, so QStash is not used: set EDGEKUE_WORKER_URL to this deployment's POST /work URL",
    );
  }
  return warnings;
}

/**
 * What every platform's @upstash/redis client is given: the endpoint, and a timeout on each
 * request (EDGEKUE_REDIS_TIMEOUT_MS), as a signal made per request. The client uses it for a
 * command and its retries, not for a subscription (which brings its own signal).
 */
export function redisOptions(c: Config): {
  url: string;
  token: string;
  signal: () => AbortSignal;
} {
  const ms = c.EDGEKUE_REDIS_TIMEOUT_MS;
  return {
    url: c.UPSTASH_REDIS_REST_URL,
    token: c.UPSTASH_REDIS_REST_TOKEN,
    signal: () => AbortSignal.timeout(ms),
  };
}

/** Script calls a Worker invocation makes at most when EDGEKUE_MAX_CALLS is unset. */
const DEFAULT_WORKER_CALLS = 900;

/**
 * The script calls one Worker invocation may make (EDGEKUE_MAX_CALLS, else 900), refused when
 * they could not claim a single job with the invocation's maxJobs and lanes: such a Worker would
 * run nothing and say nothing.
 */
export function workerCalls(c: Config): number {
  const calls = c.EDGEKUE_MAX_CALLS ?? DEFAULT_WORKER_CALLS;
  const least = fewestCalls(c.EDGEKUE_MAX_JOBS, c.EDGEKUE_LANES);
  if (calls < least) {
    throw new ConfigError(
      `invalid edgekue configuration:\n  EDGEKUE_MAX_CALLS: ${calls}${c.EDGEKUE_MAX_CALLS === undefined ? " (unset: a Worker's default)" : ''} calls are too few to claim any job with EDGEKUE_MAX_JOBS=${c.EDGEKUE_MAX_JOBS} and EDGEKUE_LANES=${c.EDGEKUE_LANES}: at least ${least} (set EDGEKUE_MAX_CALLS, within the plan's subrequest limit)`,
    );
  }
  return calls;
}
