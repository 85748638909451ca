import BeeQueue from 'bee-queue';
import { type Payload, payload, work } from '../workload.js';
import type { PeerDriver, RedisAddress } from './driver.js';

const NAME = 'bench';

/**
 * Bee-Queue: a producer instance (`isWorker: false`, as its README shows for producers) with
 * `createJob(data).save()` and `saveAll`, and a worker instance with `process(concurrency, fn)`.
 */
export function beeQueueDriver(redis: RedisAddress): PeerDriver {
  const settings = { redis: { host: redis.host, port: redis.port } };
  let producer: BeeQueue<Payload> | undefined;
  let worker: BeeQueue<Payload> | undefined;
  const p = () => {
    if (!producer) throw new Error('bee-queue: open() first');
    return producer;
  };
  return {
    name: 'bee-queue',
    completed: { key: `bq:${NAME}:succeeded`, kind: 'set' },
    async open() {
      producer = new BeeQueue<Payload>(NAME, { ...settings, isWorker: false });
      await producer.ready();
    },
    async add(i) {
      await p().createJob(payload(i)).save();
    },
    async addBulk(from, to) {
      const jobs = [];
      for (let i = from; i < to; i++) jobs.push(p().createJob(payload(i)));
      const errors = await p().saveAll(jobs);
      if (errors.size > 0) throw [...errors.values()][0];
    },
    async startWorker(concurrency, onStart) {
      worker = new BeeQueue<Payload>(NAME, settings);
      worker.process(concurrency, async (job) => {
        onStart(job.data);
        await work(job.data);
      });
      await worker.ready();
    },
    async stopWorker() {
      await worker?.close();
      worker = undefined;
    },
    async close() {
      await worker?.close();
      await producer?.close();
      producer = undefined;
    },
  };
}
