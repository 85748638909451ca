/** A process's own memory, after a full GC when node runs with --expose-gc. */
export interface HeapReport {
  [field: string]: number | boolean;
  rss: number;
  heapUsed: number;
  external: number;
  afterGc: boolean;
}

export function heapReport(): HeapReport {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, afterGc: gc !== undefined };
}
