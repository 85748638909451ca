import { z } from 'zod';

export const QStashOptionsSchema = z.object({
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65_535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  /** Publishers present it as `Authorization: Bearer <token>` (QSTASH_TOKEN). */
  token: z.string().min(1),
  /** Deliveries are signed with the current key (receivers also accept the next one). */
  currentSigningKey: z.string().min(1),
  nextSigningKey: z.string().min(1),
  /**
   * Retries after a failed delivery (any answer but 2XX, or none) unless the message sets
   * Upstash-Retries. QStash's default is the plan's most (3 on the free plan).
   */
  retries: z.number().int().min(0).max(10).default(3),
  /**
   * A fixed wait between attempts, for tests; unset: QStash's backoff (1 s, 12 s, 2 min 28 s...).
   * A receiver's Retry-After wins over either, as with QStash.
   */
  retryDelayMs: z.number().int().min(0).optional(),
  /** How long a deduplication id is remembered. */
  dedupeMs: z
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
  /** A delivery that takes longer is a failure (QStash's default timeout is far longer). */
  deliveryTimeoutMs: z.number().int().positive().default(30_000),
});

export type QStashOptions = z.input<typeof QStashOptionsSchema> & {
  log?: (line: string) => void;
};
export type ResolvedQStashOptions = z.output<typeof QStashOptionsSchema>;
