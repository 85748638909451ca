import { BridgeCounter, type BridgeCounts, bridgeDifference } from '../bridge-counter.js';
import type { Progress } from '../progress.js';
import type { AdminRedis } from '../redis-admin.js';
import type { ChildParams, PhaseCounts, Timed } from '../settings.js';
import { cpuMs, now, perJobGroups } from '../workload.js';
import { COMPLETE_KEY, drain, type EdgekueMode, perJob, setUp, type Variant } from './setup.js';

function phaseCounts(
  c: BridgeCounts,
  byScript: Record<string, number>,
  scriptInternal: number,
): PhaseCounts {
  return {
    commands: c.commands,
    requests: c.requests,
    byCommand: c.byCommand,
    byScript,
    scriptInternal,
  };
}

/**
 * One timed pass: create N jobs, process them, memory of the finished jobs. Billed commands, HTTP
 * requests and the bridge's CPU come from the bridge's counters; the work inside scripts from
 * INFO commandstats.
 */
export async function timedEdgekue(
  mode: EdgekueMode,
  s: ChildParams,
  admin: AdminRedis,
  progress: Progress,
  variant: Variant = {},
): Promise<Timed> {
  const N = s.n;
  const { maxJobs, lanes, tally, producers, registry, workerQueues, reset, createAll } = setUp(
    mode,
    s,
    admin,
    progress,
    variant,
  );
  const counter = new BridgeCounter(s.bridgeUrl, s.bridgeToken);
  await reset();
  const mem0 = await admin.usedMemory();
  const calls0 = await admin.totalCalls();
  const cpu0 = await admin.cpuMs();
  await counter.reset();
  tally.take();
  // After the reset: no request counted yet, and the bridge's CPU clock at the start.
  const before = await counter.read();

  const own0 = cpuMs();
  let t = now();
  await createAll(producers, 'create');
  const createMs = now() - t;
  const own1 = cpuMs();
  const afterCreate = await counter.read();
  const createScripts = tally.take();
  const calls1 = await admin.totalCalls();
  const cpu1 = await admin.cpuMs();

  t = now();
  const ticker = setInterval(() => {
    void admin.count(COMPLETE_KEY, 'idset').then((n) => progress.step('process', n, N));
  }, 1_000);
  let completed: number;
  try {
    const done = await Promise.all(workerQueues.map((q) => drain(q, registry, maxJobs, lanes)));
    completed = done.reduce((a, b) => a + b, 0);
  } finally {
    clearInterval(ticker);
  }
  const processMs = now() - t;
  const own2 = cpuMs();
  const afterProcess = await counter.read();
  const processScripts = tally.take();
  const calls2 = await admin.totalCalls();
  const cpu2 = await admin.cpuMs();
  const inRedis = await admin.count(COMPLETE_KEY, 'idset');
  progress.step('process', inRedis, N);
  if (completed !== N || inRedis !== N) {
    throw new Error(`edgekue processed ${completed} jobs (${inRedis} complete in Redis) of ${N}`);
  }
  const memoryByKey = variant.noBreakdown ? {} : perJobGroups(await admin.memoryByKeyGroup(), N);
  const expiring = await admin.dropExpiring();
  const mem1 = await admin.usedMemory();
  await admin.flushAll();
  const create = bridgeDifference(afterCreate, before);
  const proc = bridgeDifference(afterProcess, afterCreate);
  return {
    createMs,
    processMs,
    bulkMs: null,
    memoryBytesPerJob: perJob(mem1 - mem0, N),
    expiringBytesPerJob: perJob(expiring, N),
    memoryByKey,
    redisCpuMs: { create: cpu1 - cpu0, process: cpu2 - cpu1 },
    clientCpuMs: { create: own1 - own0, process: own2 - own1 },
    bridgeCpuMs: { create: create.cpuMs, process: proc.cpuMs },
    counts: {
      create: phaseCounts(create, createScripts, calls1 - calls0 - create.commands),
      process: phaseCounts(proc, processScripts, calls2 - calls1 - proc.commands),
    },
  };
}
