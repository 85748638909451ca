// One racing worker process for race.test.ts: waits until all four are up, then runs batches
// until the queue is drained. Its side effect is one HINCRBY per job run, counted in Redis.
import { Redis } from '@upstash/redis';
import { Queue } from '../../core/index.js';
import { HandlerRegistry, runBatch } from '../../worker-handlers/index.js';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const redis = new Redis({
  url: env('RACE_URL'),
  token: env('RACE_TOKEN'),
  enableAutoPipelining: true,
});
const queue = new Queue(redis, { prefix: env('RACE_PREFIX') });
const counts = env('RACE_COUNTS');
const workers = Number(env('RACE_WORKERS'));

const registry = new HandlerRegistry().process('race', async (job) => {
  await redis.hincrby(counts, job.id!, 1);
  return process.pid;
});

await redis.incr(`${counts}:ready`);
while (Number(await redis.get(`${counts}:ready`)) < workers) {
  await new Promise((r) => setTimeout(r, 20));
}

let claimed = 0;
let completed = 0;
let batches = 0;
for (;;) {
  const r = await runBatch(queue, registry, { budgetMs: 120_000, leaseMs: 10_000, maxJobs: 50 });
  batches++;
  claimed += r.claimed;
  completed += r.completed;
  if (r.claimed > 0) continue;
  const c = await queue.counts(['race']);
  const left = (c.types.race?.inactive ?? 0) + (c.types.race?.active ?? 0);
  if (left === 0) break;
  await new Promise((r) => setTimeout(r, 20));
}
process.stdout.write(`${JSON.stringify({ pid: process.pid, claimed, completed, batches })}\n`);
