// Memory of processes during a run: resident set size read from /proc (works for a child that is
// stopped or busy, unlike asking it), sampled on a timer, summarised as start / peak / end.
import { readFileSync } from 'node:fs';

const MB = 1024 * 1024;

/** Resident set size of `pid` in bytes, or undefined when it cannot be read (gone, not Linux). */
export function rssOf(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

export interface MemorySummary {
  startMb: number;
  peakMb: number;
  endMb: number;
  samples: number;
}

export const toMb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

export function summarise(samples: number[]): MemorySummary | undefined {
  if (samples.length === 0) return undefined;
  return {
    startMb: toMb(samples[0]!),
    peakMb: toMb(Math.max(...samples)),
    endMb: toMb(samples[samples.length - 1]!),
    samples: samples.length,
  };
}

/** Two measures of a heap after GC (warm-up and end) as a summary row. */
export function heapSummary(startBytes: number, endBytes: number): MemorySummary {
  return {
    startMb: toMb(startBytes),
    peakMb: toMb(Math.max(startBytes, endBytes)),
    endMb: toMb(endBytes),
    samples: 2,
  };
}

/** Samples the RSS of named pids every `everyMs` until stopped. */
export class RssSampler {
  readonly #samples = new Map<string, number[]>();
  readonly #pids: () => Record<string, number>;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(pids: () => Record<string, number>, everyMs: number) {
    this.#pids = pids;
    this.sample();
    this.#timer = setInterval(() => this.sample(), everyMs);
    this.#timer.unref();
  }

  sample(): void {
    for (const [name, pid] of Object.entries(this.#pids())) {
      const rss = rssOf(pid);
      if (rss === undefined) continue;
      const list = this.#samples.get(name) ?? [];
      list.push(rss);
      this.#samples.set(name, list);
    }
  }

  /** Forgets what was sampled so far (after a warm-up, say). */
  reset(): void {
    this.#samples.clear();
    this.sample();
  }

  stop(): Record<string, MemorySummary> {
    clearInterval(this.#timer);
    this.sample();
    const out: Record<string, MemorySummary> = {};
    for (const [name, list] of this.#samples) {
      const s = summarise(list);
      if (s) out[name] = s;
    }
    return out;
  }
}
