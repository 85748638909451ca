// Bridge options, validated at the edge so a typo fails at start-up with a clear message.
import { z } from 'zod';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** Upstash's max request size, which its answers are held to as well. */
export const DEFAULT_ANSWER_LIMIT_BYTES = 10 * 1000 * 1000;

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
