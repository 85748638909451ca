// Shared set-up for the worker tests: a queue under its own prefix on the shared test bridge,
// through the unmodified @upstash/redis client (auto-pipelining on, as in production).
import { randomBytes } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { Job, type JobFields, type JobState, Queue, readJobFields } from '../../core/index.js';
import { testRedis } from '../support/stack.js';

export function workerPrefix(label: string): string {
  return `w_${label}_${randomBytes(4).toString('hex')}`;
}

export function testQueue(label: string): Queue {
  return new Queue(testRedis({ enableAutoPipelining: true }), { prefix: workerPrefix(label) });
}

export const bridge = () => ({ url: inject('bridgeUrl'), token: inject('bridgeToken') });

/** Deletes every key of the queue's prefix (tests share one Redis). */
export async function dropQueue(queue: Queue): Promise<void> {
  const redis = testRedis();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, { match: `{${queue.prefix}}:*`, count: 1000 });
    if (keys.length > 0) await redis.del(...keys);
    cursor = String(next);
  } while (cursor !== '0');
}

/** A job's hash as stored, read without any worker code (Kue's names: core/job-fields.ts). */
export async function rawJob(queue: Queue, id: string): Promise<JobFields> {
  const h = await testRedis().hgetall<Record<string, string>>(queue.keys.job(id));
  if (!h) return {};
  return readJobFields(['id', id, ...Object.entries(h).flatMap(([k, v]) => [k, String(v)])]);
}

/** Keeps the queues a test file opens, and drops them all after its tests: `const kept = dropAfterAll(); kept(q)`. */
export function dropAfterAll(): <Q extends Queue>(queue: Q) => Q {
  const queues: Queue[] = [];
  afterAll(async () => {
    for (const q of queues) await dropQueue(q);
  });
  return (queue) => {
    queues.push(queue);
    return queue;
  };
}

export async function jobState(queue: Queue, id: string): Promise<JobState | undefined> {
  return (await queue.getJob(id)).state();
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export { Job };
