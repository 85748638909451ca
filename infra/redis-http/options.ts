// Bridge options, validated at the edge so a typo fails at start-up with a clear message.
import { z } from 'zod';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** Upstash's max request size, which its answers are held to as well. */
export const DEFAULT_ANSWER_LIMIT_BYTES = 10 * 1000 * 1000;
/**
 * Entries of one pipeline or transaction. edgekue's own client sends script calls of some 130
 * bytes at least (EVALSHA, sha, its queue's keys, config and input JSON), so the 1 MiB body limit
 * holds its pipelines to about 8,000 entries: this limit never refuses what the body limit lets
 * through. It stops a body of 116,000 ["ping"] entries, which cost the bridge some 350 MB and
 * seconds of the shared connection.
 */
export const DEFAULT_MAX_PIPELINE_COMMANDS = 10_000;
/**
 * Bytes a subscriber's stream may fall behind before the bridge ends it: Redis' own hard limit
 * for pub/sub clients (`client-output-buffer-limit pubsub 32mb`), which never applies to the
 * bridge's subscriber connection because the bridge reads every message whatever the client does.
 */
export const DEFAULT_SUBSCRIBER_BACKLOG_BYTES = 32 * 1024 * 1024;
/**
 * Time a client has to send a whole request (headers and body). Waiting for the answer is not
 * part of it, so a BLPOP of any timeout is never cut by it.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Time a client has to send a request's headers, at most (and never more than the request timeout). */
export const MAX_HEADERS_TIMEOUT_MS = 10_000;

/** A Redis URL fit for logs: its password, if any, replaced by `***`. */
export function redactRedisUrl(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    if (!url.password) return redisUrl;
    url.password = '***';
    return url.toString();
  } catch {
    return redisUrl.replace(/\/\/[^@/]*@/, '//***@');
  }
}

export const BridgeOptionsSchema = z.object({
  /** Redis behind the bridge, e.g. `redis://127.0.0.1:6380/0` (a password goes in the URL). */
  redisUrl: z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL'),
  /** Clients present it as `Authorization: Bearer <token>` (or `?_token=`). */
  token: z.string().min(1, 'must not be empty'),
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65_535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  bodyLimitBytes: z.number().int().positive().default(DEFAULT_BODY_LIMIT_BYTES),
  /** A command whose answer is larger fails with `ERR max request size exceeded`, as on Upstash. */
  answerLimitBytes: z.number().int().positive().default(DEFAULT_ANSWER_LIMIT_BYTES),
  /** Let through CONFIG, FLUSHALL, SCRIPT FLUSH and the like (tests; never on a shared server). */
  allowDangerousCommands: z.boolean().default(false),
  /** How long a non-blocking command may take before the request fails with 504. */
  commandTimeoutMs: z.number().int().positive().default(15_000),
  /** Connections for blocking commands and subscriptions, at most, at once. */
  maxDedicatedConnections: z.number().int().positive().default(256),
  /** Entries of one pipeline or transaction, at most: more is a 400 and nothing runs. */
  maxPipelineCommands: z.number().int().positive().default(DEFAULT_MAX_PIPELINE_COMMANDS),
  /** Unsent bytes a subscription stream may hold before it is ended (a client that stopped reading). */
  subscriberBacklogBytes: z.number().int().positive().default(DEFAULT_SUBSCRIBER_BACKLOG_BYTES),
  /** Time to receive a whole request; over it the client gets 408 and the connection is closed. */
  requestTimeoutMs: z.number().int().positive().default(DEFAULT_REQUEST_TIMEOUT_MS),
});

export type BridgeOptions = z.input<typeof BridgeOptionsSchema> & {
  /** Where operational messages go (Redis lost/regained, internal errors). Default: stderr. */
  log?: (line: string) => void;
};

export type ResolvedBridgeOptions = z.output<typeof BridgeOptionsSchema>;

/** Validates options, throwing an Error that lists every problem. */
export function resolveBridgeOptions(options: BridgeOptions): ResolvedBridgeOptions {
  const { log: _log, ...data } = options;
  const parsed = BridgeOptionsSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || 'options'}: ${i.message}`,
    );
    throw new TypeError(`invalid redis-http bridge options: ${problems.join('; ')}`);
  }
  return parsed.data;
}
