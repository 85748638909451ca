// Measures what workers cost in HTTP requests to Redis, with the bridge's /__stats counters, on a
// private redis-server + bridge. The numbers go in worker-handlers/README.md.
//
//   npx tsx test/worker/measure-requests.ts
import { Redis } from '@upstash/redis';
import { Queue } from '../../core/index.js';
import { startBridge } from '../../infra/redis-http/index.js';
import { startRedisServer } from '../../infra/redis-server/index.js';
import { HandlerRegistry, runBatch, runTick } from '../../worker-handlers/index.js';

const JOBS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const redis = await startRedisServer();
const bridge = await startBridge({ redisUrl: redis.url, token: 'measure', log: () => {} });
const client = new Redis({ url: bridge.url, token: 'measure', enableAutoPipelining: true });

interface Row {
  scenario: string;
  jobs: number;
  requests: number;
  commands: number;
  ms: number;
}
const rows: Row[] = [];

async function measure(
  scenario: string,
  registry: HandlerRegistry,
  type: string,
  opts: { maxJobs: number; invocations: number },
) {
  const queue = new Queue(client, { prefix: `m_${rows.length}` });
  await queue.createMany(Array.from({ length: JOBS }, (_, i) => ({ type, data: { i } })));
  bridge.resetStats();
  const started = Date.now();
  const invocation = async () => {
    for (;;) {
      const r = await runBatch(queue, registry, {
        budgetMs: 120_000,
        leaseMs: 30_000,
        maxJobs: opts.maxJobs,
      });
      if (r.claimed === 0) return;
    }
  };
  await Promise.all(Array.from({ length: opts.invocations }, invocation));
  const s = bridge.stats();
  rows.push({
    scenario,
    jobs: JOBS,
    requests: s.requests,
    commands: s.commands,
    ms: Date.now() - started,
  });
}

const quiet = new HandlerRegistry().process('quiet', async (job) => (job.data as { i: number }).i);
const working = new HandlerRegistry().process('working', async () => {
  await sleep(5 + Math.random() * 20);
  return 'ok';
});
const chatty = new HandlerRegistry().process('chatty', async (job) => {
  for (let step = 1; step <= 10; step++) {
    await job.log('step %d', step);
    await job.progress(step, 10);
    await sleep(2);
  }
  return 'ok';
});

await measure('instant handler, maxJobs 10, 1 invocation', quiet, 'quiet', {
  maxJobs: 10,
  invocations: 1,
});
await measure('instant handler, maxJobs 50, 1 invocation', quiet, 'quiet', {
  maxJobs: 50,
  invocations: 1,
});
await measure('5-25 ms handler, maxJobs 10, 1 invocation', working, 'working', {
  maxJobs: 10,
  invocations: 1,
});
await measure('5-25 ms handler, maxJobs 50, 4 invocations', working, 'working', {
  maxJobs: 50,
  invocations: 4,
});
await measure('10 logs + 10 progress per job, maxJobs 10', chatty, 'chatty', {
  maxJobs: 10,
  invocations: 1,
});

// An idle cron tick: an empty queue, a 20 s budget, Kue's 5 s interval.
const idle = new Queue(client, { prefix: 'm_idle' });
bridge.resetStats();
const tick = await runTick(idle, quiet, { budgetMs: 20_000, intervalMs: 5_000 });
const idleStats = bridge.stats();

process.stdout.write(
  '| scenario | jobs | HTTP requests | per job | Redis commands | per job | ms |\n',
);
process.stdout.write('| --- | --- | --- | --- | --- | --- | --- |\n');
for (const r of rows) {
  process.stdout.write(
    `| ${r.scenario} | ${r.jobs} | ${r.requests} | ${(r.requests / r.jobs).toFixed(3)} | ${r.commands} | ${(r.commands / r.jobs).toFixed(3)} | ${r.ms} |\n`,
  );
}
process.stdout.write(
  `\nidle tick, 20 s budget, 5 s interval: ${idleStats.requests} HTTP requests, ${idleStats.commands} commands, ${tick.batches} claims in ${tick.ms} ms\n`,
);

await bridge.close();
await redis.stop();
