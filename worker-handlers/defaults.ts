/** Every tunable of the worker side, with why it has the value it has. */
export const workerDefaults = {
  /** Jobs one invocation runs at once: enough to hide HTTP latency, few enough for one isolate. */
  maxJobs: 10,
  /** A lease outlives a few missed heartbeats (one every leaseMs / 3) before recovery steps in. */
  leaseMs: 30_000,
  /** Wall time of one invocation: a cron trigger gets about 30 s, a waitUntil 30 s after the response. */
  budgetMs: 25_000,
  /** At budget - grace an invocation stops claiming and lets running jobs finish (at most a fifth of a shorter budget). */
  graceMs: 5_000,
  /** Jobs that finish within this window are acknowledged together, in one call. */
  ackDebounceMs: 5,
  /** Progress and log lines reach Redis at most this often (and with every lease extension). */
  flushIntervalMs: 1_000,
  /** How long a tick waits to try again after a claim that failed (Redis unreachable). */
  tickIntervalMs: 5_000,
  /** A woken invocation waits this long at most for a delayed job about to fall due. */
  dueHorizonMs: 2_000,
} as const;

/** The grace of a budget: as given (capped by the budget), else the default or a fifth of the budget. */
export function graceFor(budgetMs: number, graceMs: number | undefined): number {
  if (graceMs !== undefined) return Math.max(0, Math.min(graceMs, budgetMs));
  return Math.min(workerDefaults.graceMs, Math.floor(budgetMs / 5));
}
