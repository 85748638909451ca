// A worker invocation's options, checked where a caller hands them over: a lease of 0 ms made
// every job look abandoned at once (each ran once per attempt, side by side), and a NaN budget or
// a fractional maxJobs stopped claiming without a word. The numbers and the call budget; the rest
// is typed.
import { z } from 'zod';
import { ValidationError } from '../core/index.js';

/** The bounds of an invocation's durations; a deployment's variables are checked against them. */
export const invocationBounds = { maxMs: 24 * 3600_000, minLeaseMs: 50 } as const;
const DAY_MS = invocationBounds.maxMs;

/** A count: a whole number. */
const whole = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .optional();

/** A duration in ms: any finite number in range (a schedule scaled down has fractions). */
const ms = (min: number, max: number) =>
  z
    .number({ error: 'must be a number of ms' })
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .optional();

const invocationOptionsSchema = z.object({
  budgetMs: ms(1, DAY_MS),
  // a heartbeat goes out every leaseMs / 3, and at most every 50 ms
  leaseMs: ms(invocationBounds.minLeaseMs, DAY_MS),
  graceMs: ms(0, DAY_MS),
  maxJobs: whole(1, 10_000),
  ackDebounceMs: ms(0, 60_000),
  flushIntervalMs: ms(1, DAY_MS),
  lanes: whole(1, 16),
  intervalMs: ms(1, DAY_MS),
  dueHorizonMs: ms(0, DAY_MS),
  workerId: z
    .string()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .optional(),
  // Infinity: no limit (Node)
  calls: z
    .object({
      remaining: z.custom<number>((v) => typeof v === 'number' && v >= 0, {
        error: 'must be a number of calls from 0',
      }),
    })
    .optional(),
});

/** Throws a ValidationError naming the first bad option (`leaseMs: must be at least 50`). */
export function checkInvocationOptions(options: object): void {
  const parsed = invocationOptionsSchema.safeParse(options);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  const field = (issue?.path ?? []).map(String).join('.') || 'options';
  throw new ValidationError(`${field}: ${issue?.message ?? 'invalid'}`, field);
}
