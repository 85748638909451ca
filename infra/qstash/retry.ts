// When QStash retries a delivery and how long it waits, as Upstash documents it:
// https://upstash.com/docs/qstash/features/retry
// - any answer that is not 2XX (or none) is retried, up to the message's retries;
// - except a 489 carrying `Upstash-NonRetryable-Error: true`: failed at once, no retry;
// - the wait is min(86400, e ** (2.5 * n)) seconds, n = how many times it was retried already;
// - the receiver may name the wait itself (Retry-After, X-RateLimit-Reset*), up to a day.

const DAY_MS = 86_400_000;

/** The receiver's answer to one delivery attempt: no status when it never answered. */
export interface Attempt {
  status?: number | undefined;
  headers?: Headers | undefined;
}

export function delivered(attempt: Attempt): boolean {
  return attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300;
}

/** The receiver's "do not retry": both the 489 and the header, as QStash asks. */
export function nonRetryable(attempt: Attempt): boolean {
  return (
    attempt.status === 489 &&
    attempt.headers?.get('upstash-nonretryable-error')?.trim().toLowerCase() === 'true'
  );
}

/** QStash's default backoff before the next attempt, `retried` attempts having been retries. */
export function backoffMs(retried: number): number {
  return Math.round(Math.min(86_400, Math.exp(2.5 * retried)) * 1000);
}

/** Go-style durations QStash takes in these headers: `6m5s`, `1.5h`, `300ms`, `10us`. */
function parseGoDuration(value: string): number | undefined {
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1_000,
    m: 60_000,
    h: 3_600_000,
  };
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) return undefined;
  let ms = 0;
  for (const [, n, , unit] of value.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    ms += Number(n) * units[unit!]!;
  }
  return ms;
}

/** One header's wait in ms: seconds, an HTTP date (RFC 1123) or a duration; undefined if neither. */
function waitOf(value: string, now: number): number | undefined {
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const duration = parseGoDuration(v);
  if (duration !== undefined) return duration;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const WAIT_HEADERS = [
  'retry-after',
  'x-ratelimit-reset',
  'x-ratelimit-reset-requests',
  'x-ratelimit-reset-tokens',
];

/**
 * When to try again after a failed attempt: the receiver's own wait if it names one within a day,
 * else `fallback(retried)` (QStash's backoff unless the stand-in was told otherwise).
 */
export function nextAttemptAt(
  attempt: Attempt,
  retried: number,
  now: number,
  fallback: (retried: number) => number = backoffMs,
): number {
  for (const name of WAIT_HEADERS) {
    const value = attempt.headers?.get(name);
    if (!value) continue;
    const wait = waitOf(value, now);
    // Past a day QStash ignores the header and uses its backoff.
    if (wait !== undefined && wait <= DAY_MS) return now + wait;
    break;
  }
  return now + fallback(retried);
}
