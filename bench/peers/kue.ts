import { createRequire } from 'node:module';
import { JOB_TYPE, type Payload, payload, work } from '../workload.js';
import type { PeerDriver, RedisAddress } from './driver.js';

// Kue ships no types: the little of its API the bench uses.
interface KueJob {
  data: Payload;
  save(callback: (err?: Error | null) => void): KueJob;
}
interface KueQueue {
  create(type: string, data: Payload): KueJob;
  process(type: string, n: number, fn: (job: KueJob, done: (err?: Error) => void) => void): void;
  shutdown(timeout: number, callback: (err?: Error) => void): KueQueue;
  on(event: 'error', listener: (err: Error) => void): KueQueue;
}
interface KueModule {
  createQueue(options: { prefix: string; redis: { host: string; port: number } }): KueQueue;
}

const kue = createRequire(import.meta.url)('kue') as KueModule;

/**
 * Kue 0.11: `queue.create(type, data).save()`, `queue.process(type, n, fn)`. Kue has no bulk
 * create. Its queue is a process-wide singleton whose shutdown also closes the producer's
 * connection, so stopping the worker opens a fresh queue for the next phase.
 */
export function kueDriver(redis: RedisAddress): PeerDriver {
  const options = { prefix: 'q', redis: { host: redis.host, port: redis.port } };
  let queue: KueQueue | undefined;
  const q = () => {
    if (!queue) throw new Error('kue: open() first');
    return queue;
  };
  const create = () => {
    queue = kue.createQueue(options);
    queue.on('error', (err) => process.stderr.write(`kue: ${err.message}\n`));
  };
  const shutdown = () =>
    new Promise<void>((resolve, reject) => {
      const current = queue;
      queue = undefined;
      if (!current) return resolve();
      current.shutdown(5_000, (err) => (err ? reject(err) : resolve()));
    });
  return {
    name: 'kue',
    completed: { key: 'q:jobs:complete', kind: 'zset' },
    async open() {
      create();
    },
    add(i) {
      return new Promise((resolve, reject) => {
        q()
          .create(JOB_TYPE, payload(i))
          .save((err) => (err ? reject(err) : resolve()));
      });
    },
    addBulk: undefined,
    async startWorker(concurrency, onStart) {
      q().process(JOB_TYPE, concurrency, (job, done) => {
        onStart(job.data);
        work(job.data).then(
          () => done(),
          (err: Error) => done(err),
        );
      });
    },
    async stopWorker() {
      await shutdown();
      create();
    },
    async close() {
      await shutdown();
    },
  };
}
