import { errors, type Redis } from '@upstash/redis';
import { bySize } from '../core/index.js';

/** A tick's script calls go in requests of about this many bytes of arguments each. */
export const TICK_CHUNK_BYTES = 48 * 1024;

interface PendingCall {
  readonly kind: 'evalsha' | 'eval';
  readonly script: string;
  readonly keys: string[];
  readonly args: unknown[];
  readonly bytes: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

function argBytes(args: readonly unknown[]): number {
  let n = 0;
  for (const a of args) n += typeof a === 'string' ? a.length : 16;
  return n;
}

/**
 * Script calls made in one tick, sent as pipelines over `redis` (one HTTP request each), as
 * @upstash/redis' auto-pipelining does, with one difference: a tick's calls beyond `chunkBytes`
 * of arguments go in further requests, each sent when the one before it has answered. The calls
 * keep their order (a later one never runs first), and the callers of the first request go on
 * while Redis runs the next: ten producers whose `createMany` calls shared one request all waited
 * for the last of them, so their client work and Redis' never overlapped.
 */
export class TickPipeline {
  readonly #redis: Redis;
  readonly #chunkBytes: number;
  #pending: PendingCall[] = [];

  constructor(redis: Redis, chunkBytes = TICK_CHUNK_BYTES) {
    this.#redis = redis;
    this.#chunkBytes = chunkBytes;
  }

  evalsha(sha: string, keys: string[], args: unknown[]): Promise<unknown> {
    return this.#add('evalsha', sha, keys, args);
  }

  eval(script: string, keys: string[], args: unknown[]): Promise<unknown> {
    return this.#add('eval', script, keys, args);
  }

  #add(kind: PendingCall['kind'], script: string, keys: string[], args: unknown[]) {
    return new Promise<unknown>((resolve, reject) => {
      if (this.#pending.length === 0) void this.#flushSoon();
      const bytes = script.length + argBytes(keys) + argBytes(args);
      this.#pending.push({ kind, script, keys, args, bytes, resolve, reject });
    });
  }

  async #flushSoon(): Promise<void> {
    // two microtask hops, as @upstash/redis waits before it sends an auto-pipeline: calls made
    // after an await in the same tick still join
    await Promise.resolve();
    await Promise.resolve();
    const calls = this.#pending;
    this.#pending = [];
    for (const chunk of bySize(calls, (c) => c.bytes, this.#chunkBytes)) await this.#send(chunk);
  }

  /** Never rejects: whatever fails (building the pipeline too) fails the chunk's calls. */
  async #send(chunk: PendingCall[]): Promise<void> {
    let results: { result?: unknown; error?: string }[];
    try {
      const pipeline = this.#redis.pipeline();
      for (const c of chunk) {
        if (c.kind === 'evalsha') pipeline.evalsha(c.script, c.keys, c.args);
        else pipeline.eval(c.script, c.keys, c.args);
      }
      results = await pipeline.exec({ keepErrors: true });
    } catch (error) {
      for (const c of chunk) c.reject(error);
      return;
    }
    chunk.forEach((c, i) => {
      const r = results[i];
      if (r?.error) c.reject(new errors.UpstashError(`Command failed: ${r.error}`));
      else c.resolve(r?.result);
    });
  }
}
