// Small helpers every scenario uses: sleeping, bounded polling, and a seeded random source so a
// run that found something can be replayed with the same choices.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A seeded PRNG (mulberry32): the same seed gives the same faults, kills and inputs. */
export interface Random {
  readonly seed: number;
  /** In [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function random(seed = Math.floor(Math.random() * 2 ** 31)): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  };
}

/**
 * Polls `probe` every `everyMs` until it answers something other than undefined/false, or until
 * `timeoutMs` has passed (then undefined): bounded by time and by count.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  const maxPolls = Math.ceil(timeoutMs / everyMs) + 1;
  for (let i = 0; i < maxPolls; i++) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() >= until) return undefined;
    await sleep(everyMs);
  }
  return undefined;
}

/** A safety net for loops that normally end when told to: none outlives this. */
export const LOOP_LIMIT_MS = 20 * 60_000;

/**
 * Runs `body` until `stop` aborts, at most `maxRounds` times and until `deadline` (epoch ms),
 * swallowing (and counting) errors.
 */
export async function loopUntil(
  stop: AbortSignal,
  maxRounds: number,
  body: () => Promise<void>,
  onError: (error: unknown) => void,
  pauseOnErrorMs = 200,
  deadline = Date.now() + LOOP_LIMIT_MS,
): Promise<void> {
  for (let i = 0; i < maxRounds && !stop.aborted && Date.now() < deadline; i++) {
    try {
      await body();
    } catch (error) {
      onError(error);
      await sleep(pauseOnErrorMs);
    }
  }
}
