import { type CommandCounts, CommandMonitor, difference } from '../command-monitor.js';
import type { Progress } from '../progress.js';
import type { AdminRedis } from '../redis-admin.js';
import type { ChildParams, Figures } from '../settings.js';
import { forEachConcurrent, now, percentile, perSecond, StartSignals, sleep } from '../workload.js';
import type { PeerDriver, RedisAddress } from './driver.js';

/** Lets a freshly started worker finish connecting before a window opens. */
const SETTLE_MS = 1_000;
const PROCESS_TIMEOUT_MS = 30 * 60_000;

function perJob(counts: CommandCounts, n: number): number {
  return n > 0 ? counts.commands / n : 0;
}

/**
 * A peer's figures. Timing runs without MONITOR (it slows Redis in proportion to the commands a
 * system sends); commands are then counted in a second, identical pass under MONITOR.
 */
export async function measurePeer(
  driver: PeerDriver,
  s: ChildParams,
  redis: RedisAddress,
  admin: AdminRedis,
  progress: Progress,
): Promise<Figures> {
  const N = s.n;
  const C = s.concurrency;
  const noop = () => {};
  const createAll = (phase: string) =>
    forEachConcurrent(
      N,
      C,
      (i) => driver.add(i),
      (d) => progress.step(phase, d, N),
    );
  const processAll = async (phase: string) => {
    await driver.startWorker(C, noop);
    await admin.waitForCount(
      driver.completed.key,
      driver.completed.kind,
      N,
      PROCESS_TIMEOUT_MS,
      (n) => progress.step(phase, n, N),
    );
  };

  await driver.open();

  // ---- bulk create, where the library has it ----
  let bulkMs: number | null = null;
  if (driver.addBulk) {
    await admin.flushAll();
    const t = now();
    for (let from = 0; from < N; from += s.batchSize) {
      const to = Math.min(N, from + s.batchSize);
      await driver.addBulk(from, to);
      progress.step('bulk create', to, N);
    }
    bulkMs = now() - t;
  }

  // ---- timed pass: create one by one, then process; memory of the finished jobs ----
  await admin.flushAll();
  const mem0 = await admin.usedMemory();
  let t = now();
  await createAll('create');
  const createMs = now() - t;
  t = now();
  await processAll('process');
  const processMs = now() - t;
  await driver.stopWorker();
  const mem1 = await admin.usedMemory();

  // ---- counted pass: the same, under MONITOR ----
  progress.note('counting commands (MONITOR pass)');
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

    // ---- idle: a worker waiting on an empty queue ----
    progress.note(`idle: watching an idle worker for ${s.idleMs / 1000} s`);
    await admin.flushAll();
    await driver.startWorker(C, noop);
    await sleep(SETTLE_MS);
    const i0 = await monitor.mark();
    await sleep(s.idleMs);
    idle = difference(await monitor.mark(), i0);
    await driver.stopWorker();
  } finally {
    monitor.stop();
  }

  // ---- add-to-start latency, a running worker, one job at a time ----
  progress.note(`add-to-start latency: ${s.latencySamples} samples`);
  await admin.flushAll();
  const signals = new StartSignals();
  await driver.startWorker(C, (data) => signals.started(data));
  await sleep(SETTLE_MS);
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
    `created one by one by ${C} concurrent producers; worker concurrency ${C}; library defaults (completed jobs kept)`,
  ];
  if (bulkMs !== null) notes.push(`bulk create in batches of ${s.batchSize}`);
  return {
    jobsPerSec: perSecond(N, createMs + processMs),
    createPerSec: perSecond(N, createMs),
    processPerSec: perSecond(N, processMs),
    billedCommandsPerJob: perJob(create, N) + perJob(proc, N),
    httpRequestsPerJob: null,
    idleCommandsPerMinute: (idle.commands * 60_000) / s.idleMs,
    wakeLatencyP50Ms: percentile(samples, 50),
    wakeLatencyP95Ms: percentile(samples, 95),
    memoryBytesPerJob: (mem1 - mem0) / N,
    createBulkPerSec: bulkMs === null ? null : perSecond(N, bulkMs),
    jobsPerSecBulkCreate: bulkMs === null ? null : perSecond(N, bulkMs + processMs),
    billedCreateCommandsPerJob: perJob(create, N),
    billedProcessCommandsPerJob: perJob(proc, N),
    tickLatencyP50Ms: null,
    tickLatencyP95Ms: null,
    idleCommandsPerTick: null,
    idleCommandsBetweenTicks: null,
    createMs,
    processMs,
    profile: {
      create: { byCommand: create.byCommand, scriptInternalPerJob: create.scriptInternal / N },
      process: { byCommand: proc.byCommand, scriptInternalPerJob: proc.scriptInternal / N },
      idle: idle.byCommand,
      extra: {},
      notes,
    },
  };
}
