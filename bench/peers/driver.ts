import type { PeerName } from '../settings.js';
import type { Payload } from '../workload.js';

export interface RedisAddress {
  host: string;
  port: number;
}

/**
 * One peer queue, driven the way its README shows: a producer adding jobs, and a worker
 * processing them with a concurrency, each with the library's defaults (completed jobs kept).
 */
export interface PeerDriver {
  readonly name: PeerName;
  /** Where the peer indexes finished jobs: the bench polls its size to know processing is over. */
  readonly completed: { key: string; kind: 'zset' | 'set' };
  /** Producer connections. */
  open(): Promise<void>;
  /** Adds job `i` (payload(i)) the usual way, one call per job. */
  add(i: number): Promise<void>;
  /** Adds jobs [from, to) in one bulk call; undefined when the library has no bulk API. */
  readonly addBulk: ((from: number, to: number) => Promise<void>) | undefined;
  /** Starts a worker with `concurrency`; `onStart` runs first thing in the handler. */
  startWorker(concurrency: number, onStart: (data: Payload) => void): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}
