import { type CommandCounts, CommandMonitor, difference } from '../command-monitor.js';
import type { Progress } from '../progress.js';
import type { AdminRedis } from '../redis-admin.js';
import type { ChildParams, Details, PhaseCounts, Timed } from '../settings.js';
import { cpuMs, forEachConcurrent, now, perJobGroups, StartSignals, sleep } from '../workload.js';
import type { PeerDriver, RedisAddress } from './driver.js';

const PROCESS_TIMEOUT_MS = 30 * 60_000;

/** Lets a freshly started worker finish connecting before a window opens. */
const settleMs = (s: ChildParams) => (s.quick ? 300 : 1_000);

function phaseCounts(c: CommandCounts): PhaseCounts {
  return {
    commands: c.commands,
    requests: null,
    byCommand: c.byCommand,
    scriptInternal: c.scriptInternal,
  };
}

function steps(driver: PeerDriver, s: ChildParams, admin: AdminRedis, progress: Progress) {
  const noop = () => {};
  return {
    createAll: (phase: string) =>
      forEachConcurrent(
        s.n,
        s.concurrency,
        (i) => driver.add(i),
        (d) => progress.step(phase, d, s.n),
      ),
    processAll: async (phase: string) => {
      await driver.startWorker(s.concurrency, noop);
      await admin.waitForCount(
        driver.completed.key,
        driver.completed.kind,
        s.n,
        PROCESS_TIMEOUT_MS,
        (n) => progress.step(phase, n, s.n),
      );
    },
  };
}

/**
 * One timed pass, without MONITOR (it slows Redis in proportion to the commands a system sends):
 * the bulk API where there is one, then one-by-one creation and processing, and the memory the
 * finished jobs keep.
 */
export async function timedPeer(
  driver: PeerDriver,
  s: ChildParams,
  admin: AdminRedis,
  progress: Progress,
): Promise<Timed> {
  const { createAll, processAll } = steps(driver, s, admin, progress);
  await driver.open();
  let bulkMs: number | null = null;
  if (driver.addBulk) {
    await admin.flushAll();
    const addBulk = driver.addBulk;
    const t = now();
    // `concurrency` producers, as one-by-one creation has and edgekue's createMany gets
    let created = 0;
    await forEachConcurrent(Math.ceil(s.n / s.batchSize), s.concurrency, async (b) => {
      const from = b * s.batchSize;
      const to = Math.min(s.n, from + s.batchSize);
      await addBulk(from, to);
      created += to - from;
      progress.step('bulk create', created, s.n);
    });
    bulkMs = now() - t;
  }
  await admin.flushAll();
  const mem0 = await admin.usedMemory();
  const cpu0 = await admin.cpuMs();
  const own0 = cpuMs();
  let t = now();
  await createAll('create');
  const createMs = now() - t;
  const own1 = cpuMs();
  const cpu1 = await admin.cpuMs();
  t = now();
  await processAll('process');
  const processMs = now() - t;
  const own2 = cpuMs();
  const cpu2 = await admin.cpuMs();
  await driver.stopWorker();
  const memoryByKey = perJobGroups(await admin.memoryByKeyGroup(), s.n);
  const expiring = await admin.dropExpiring();
  const mem1 = await admin.usedMemory();
  await driver.close();
  await admin.flushAll();
  return {
    createMs,
    processMs,
    bulkMs,
    memoryBytesPerJob: (mem1 - mem0) / s.n,
    expiringBytesPerJob: expiring / s.n,
    memoryByKey,
    redisCpuMs: { create: cpu1 - cpu0, process: cpu2 - cpu1 },
    clientCpuMs: { create: own1 - own0, process: own2 - own1 },
  };
}

/** Commands (a pass of its own under MONITOR), idle commands and add-to-start latency. */
export async function detailsPeer(
  driver: PeerDriver,
  s: ChildParams,
  redis: RedisAddress,
  admin: AdminRedis,
  progress: Progress,
): Promise<Details> {
  const { createAll, processAll } = steps(driver, s, admin, progress);
  await driver.open();
  await admin.flushAll();
  const monitor = await CommandMonitor.start(redis.host, redis.port, admin);
  let create: CommandCounts;
  let proc: CommandCounts;
  let idle: CommandCounts;
  try {
    const c0 = await monitor.mark();
    await createAll('create (counted)');
    const c1 = await monitor.mark();
    await processAll('process (counted)');
    const c2 = await monitor.mark();
    await driver.stopWorker();
    create = difference(c1, c0);
    proc = difference(c2, c1);

    progress.note(`idle: watching an idle worker for ${s.idleMs / 1000} s`);
    await admin.flushAll();
    await driver.startWorker(s.concurrency, () => {});
    await sleep(settleMs(s));
    const i0 = await monitor.mark();
    await sleep(s.idleMs);
    idle = difference(await monitor.mark(), i0);
    await driver.stopWorker();
  } finally {
    monitor.stop();
  }

  progress.note(`add-to-start latency: ${s.latencySamples} samples`);
  await admin.flushAll();
  const signals = new StartSignals();
  await driver.startWorker(s.concurrency, (data) => signals.started(data));
  await sleep(settleMs(s));
  const samples: number[] = [];
  for (let k = 0; k < s.latencySamples; k++) {
    const started = signals.wait(k, 10_000);
    const t0 = now();
    await driver.add(k);
    samples.push((await started) - t0);
    await admin.waitForCount(driver.completed.key, driver.completed.kind, k + 1, 10_000);
    progress.step('latency', k + 1, s.latencySamples);
    await sleep(5 + Math.random() * 20);
  }
  await driver.stopWorker();
  await driver.close();
  await admin.flushAll();

  const notes = [
    `created one by one by ${s.concurrency} concurrent producers; worker concurrency ${s.concurrency}; library defaults (completed jobs kept)`,
  ];
  if (driver.addBulk)
    notes.push(`bulk create in batches of ${s.batchSize} by ${s.concurrency} producers`);
  return {
    counts: { create: phaseCounts(create), process: phaseCounts(proc) },
    idle: {
      perMinute: (idle.commands * 60_000) / s.idleMs,
      perTick: null,
      betweenTicks: null,
      byCommand: idle.byCommand,
    },
    wakeLatencyMs: samples,
    tickLatencyMs: null,
    extra: {},
    notes,
  };
}
