import { Queue, Worker } from 'bullmq';
import { JOB_TYPE, type Payload, payload, work } from '../workload.js';
import type { PeerDriver, RedisAddress } from './driver.js';

const NAME = 'bench';

/** BullMQ: `queue.add`, `queue.addBulk`, `new Worker(name, processor, { concurrency })`. */
export function bullmqDriver(redis: RedisAddress): PeerDriver {
  const connection = { host: redis.host, port: redis.port };
  let queue: Queue | undefined;
  let worker: Worker | undefined;
  const q = () => {
    if (!queue) throw new Error('bullmq: open() first');
    return queue;
  };
  return {
    name: 'bullmq',
    completed: { key: `bull:${NAME}:completed`, kind: 'zset' },
    async open() {
      queue = new Queue(NAME, { connection });
      await queue.waitUntilReady();
    },
    async add(i) {
      await q().add(JOB_TYPE, payload(i));
    },
    async addBulk(from, to) {
      const jobs = [];
      for (let i = from; i < to; i++) jobs.push({ name: JOB_TYPE, data: payload(i) });
      await q().addBulk(jobs);
    },
    async startWorker(concurrency, onStart) {
      worker = new Worker(
        NAME,
        async (job) => {
          const data = job.data as Payload;
          onStart(data);
          await work(data);
        },
        { connection, concurrency },
      );
      await worker.waitUntilReady();
    },
    async stopWorker() {
      await worker?.close();
      worker = undefined;
    },
    async close() {
      await worker?.close();
      await queue?.close();
      queue = undefined;
    },
  };
}
