// A worker process for chaos runs: back-to-back cron-tick invocations (runTick: claim, run, ack
// with replacement claims, lease extension, recovery inside every claim) until its deadline, a
// SIGTERM, or its parent going away. Each handler run records a side effect straight in Redis
// (HINCRBY runs <id>), the way a real job sends an email: that count shows re-executions.
// Settings arrive as JSON in CHAOS_WORKER. Messages to the parent: ready, tick, error, mem, done.
import { Redis as IORedis } from 'ioredis';
import { HandlerRegistry, runTick } from '../../../worker-handlers/index.js';
import { parentChannel } from '../lib/processes.js';
import { chaosQueue } from '../lib/queue.js';
import { heapReport } from '../servers/heap-report.js';
import { workerSettingsSchema } from './settings.js';

const parent = parentChannel();
const s = workerSettingsSchema.parse(JSON.parse(process.env.CHAOS_WORKER ?? '{}'));
const workerId = `${s.label}-${process.pid}`;
const queue = chaosQueue({ url: s.url, token: s.token, prefix: s.prefix, eventsMax: s.eventsMax });
const sideEffects = s.runsKey
  ? new IORedis(s.redisUrl, { maxRetriesPerRequest: 2, retryStrategy: () => 100 })
  : undefined;
sideEffects?.on('error', () => {});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const workTime = () => s.workMs[0] + Math.floor(Math.random() * (s.workMs[1] - s.workMs[0] + 1));

const registry = new HandlerRegistry();
for (const type of s.types) {
  registry.process(type, async (job) => {
    await sleep(workTime());
    await sideEffects?.hincrby(s.runsKey, job.id!, 1);
    return { by: workerId };
  });
}

const stop = new AbortController();
process.on('SIGTERM', () => stop.abort());
process.on('message', (m: { t?: string }) => {
  if (m?.t === 'mem') parent.send({ t: 'mem', ...heapReport() });
});
const memTimer =
  s.memEveryMs > 0
    ? setInterval(() => parent.send({ t: 'mem', ...heapReport() }), s.memEveryMs)
    : undefined;

parent.send({ t: 'ready', pid: process.pid, workerId });
const totals = { claimed: 0, completed: 0, failed: 0, lost: 0, shutdown: 0, errors: 0, ticks: 0 };
for (let tick = 0; tick < 1_000_000 && !stop.signal.aborted && Date.now() < s.deadline; tick++) {
  try {
    const r = await runTick(queue, registry, {
      budgetMs: Math.max(500, Math.min(s.budgetMs, s.deadline - Date.now())),
      leaseMs: s.leaseMs,
      maxJobs: s.maxJobs,
      lanes: s.lanes,
      intervalMs: s.intervalMs,
      workerId,
      signal: stop.signal,
    });
    totals.ticks++;
    totals.claimed += r.claimed;
    totals.completed += r.completed;
    totals.failed += r.failed;
    totals.lost += r.lost;
    totals.shutdown += r.shutdown;
    totals.errors += (r as { errors?: number }).errors ?? 0;
    parent.send({ t: 'tick', ...r });
  } catch (error) {
    // An unreachable Redis: the next cron tick tries again.
    totals.errors++;
    parent.send({ t: 'error', message: error instanceof Error ? error.message : String(error) });
    await sleep(200);
  }
}
if (memTimer) clearInterval(memTimer);
parent.send({ t: 'done', ...totals });
sideEffects?.disconnect();
await queue.close();
// Let the last message reach the parent before the channel closes.
setTimeout(() => process.exit(0), 100);
