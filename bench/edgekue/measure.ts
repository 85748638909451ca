import type { NewJob, Queue } from '../../core/index.js';
import { scripts } from '../../core/scripts/index.generated.js';
import { HandlerRegistry, runWake, type TickResult } from '../../worker-handlers/index.js';
import { BridgeCounter, type BridgeCounts, bridgeDifference } from '../bridge-counter.js';
import type { Progress } from '../progress.js';
import type { AdminRedis } from '../redis-admin.js';
import type { ChildParams, Details, PhaseCounts, Timed } from '../settings.js';
import {
  cpuMs,
  forEachConcurrent,
  JOB_TYPE,
  Limiter,
  now,
  type Payload,
  payload,
  perJobGroups,
  perSecond,
  StartSignals,
  sleep,
  work,
} from '../workload.js';
import { type BridgeAccess, benchQueue, ScriptTally } from './client.js';
import { CronTicks } from './cron.js';
import { startWakeServer } from './wake-server.js';

export type EdgekueMode = 'batch' | 'single';

const COMPLETE_KEY = '{q}:jobs:complete';

/** What a phase's handler does when a job starts (swapped per phase). */
interface Hooks {
  onStart: (data: Payload) => void;
}

/**
 * The handler registry every edgekue invocation uses. The batch path holds up to `batchSize`
 * leases per invocation but runs at most `concurrency` handler bodies at once, so every system
 * does the work with the same concurrency.
 */
function registryFor(mode: EdgekueMode, concurrency: number, hooks: Hooks): HandlerRegistry {
  const registry = new HandlerRegistry();
  if (mode === 'batch') {
    const limiter = new Limiter(concurrency);
    registry.process(JOB_TYPE, async (job) => {
      const data = job.data as Payload;
      await limiter.run(async () => {
        hooks.onStart(data);
        await work(data);
      });
    });
  } else {
    registry.process(JOB_TYPE, async (job) => {
      const data = job.data as Payload;
      hooks.onStart(data);
      await work(data);
    });
  }
  return registry;
}

/** Woken invocations until one finds the queue empty (each has the default 25 s budget). */
async function drain(queue: Queue, registry: HandlerRegistry, maxJobs: number): Promise<number> {
  let completed = 0;
  for (;;) {
    const r: TickResult = await runWake(queue, registry, { maxJobs });
    if (r.failed > 0 || r.lost > 0 || r.shutdown > 0) {
      throw new Error(`edgekue run: ${r.failed} failed, ${r.lost} lost, ${r.shutdown} shut down`);
    }
    completed += r.completed;
    if (r.claimed === 0) return completed;
  }
}

function perJob(value: number, n: number): number {
  return n > 0 ? value / n : 0;
}

/** A departure from a path's set-up, measured beside it to show what a change would buy. */
export interface Variant {
  /** Queue option jobEvents (default on). */
  jobEvents?: boolean;
  /** Worker invocations side by side, and jobs each leases per call. */
  invocations?: number;
  maxJobs?: number;
  /** Skip the MEMORY USAGE breakdown (a few seconds at N = 20,000). */
  noBreakdown?: boolean;
}

/** Queues, handlers and helpers one edgekue child uses. */
function setUp(
  mode: EdgekueMode,
  s: ChildParams,
  admin: AdminRedis,
  progress: Progress,
  variant: Variant = {},
) {
  const N = s.n;
  const C = s.concurrency;
  const maxJobs = variant.maxJobs ?? (mode === 'batch' ? s.batchSize : 1);
  const bridge: BridgeAccess = { url: s.bridgeUrl, token: s.bridgeToken };
  const tally = new ScriptTally();
  const queueOptions = { jobEvents: variant.jobEvents ?? true };
  const producer = benchQueue(bridge, tally, queueOptions);
  const hooks: Hooks = { onStart: () => {} };
  const registry = registryFor(mode, C, hooks);
  // One-job path: C invocations side by side, each its own client, claiming and acking one job
  // per call. Batch path: one invocation leasing up to batchSize jobs per call.
  const lanes = variant.invocations ?? (mode === 'batch' ? 1 : C);
  const workerQueues = Array.from({ length: lanes }, () => benchQueue(bridge, tally, queueOptions));

  const reset = async () => {
    await admin.flushAll();
    // Scripts are cached by Redis as on Upstash after their first use: load them up front so
    // no NOSCRIPT fallback lands in the counts.
    for (const script of Object.values(scripts)) await admin.loadScript(script.source);
  };

  const createAll = async (queue: Queue, phase: string) => {
    if (mode === 'batch') {
      for (let from = 0; from < N; from += s.batchSize) {
        const items: NewJob[] = [];
        for (let i = from; i < Math.min(N, from + s.batchSize); i++) {
          items.push({ type: JOB_TYPE, data: payload(i) });
        }
        await queue.createMany(items);
        progress.step(phase, Math.min(N, from + s.batchSize), N);
      }
    } else {
      await forEachConcurrent(
        N,
        C,
        (i) => queue.create(JOB_TYPE, payload(i)).save(),
        (d) => progress.step(phase, d, N),
      );
    }
  };

  return {
    maxJobs,
    bridge,
    tally,
    producer,
    hooks,
    registry,
    workerQueues,
    workerQueue: workerQueues[0]!,
    reset,
    createAll,
  };
}

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
 * One timed pass: create N jobs, process them, memory of the finished jobs. Billed commands and
 * HTTP requests come from the bridge's counters; the work inside scripts from INFO commandstats.
 */
export async function timedEdgekue(
  mode: EdgekueMode,
  s: ChildParams,
  admin: AdminRedis,
  progress: Progress,
  variant: Variant = {},
): Promise<Timed> {
  const N = s.n;
  const { maxJobs, bridge, tally, producer, registry, workerQueues, reset, createAll } = setUp(
    mode,
    s,
    admin,
    progress,
    variant,
  );
  const counter = new BridgeCounter(bridge.url, bridge.token);
  await reset();
  const mem0 = await admin.usedMemory();
  const calls0 = await admin.totalCalls();
  const cpu0 = await admin.cpuMs();
  await counter.reset();
  tally.take();
  const zero: BridgeCounts = { requests: 0, commands: 0, byCommand: {} };

  const own0 = cpuMs();
  let t = now();
  await createAll(producer, 'create');
  const createMs = now() - t;
  const own1 = cpuMs();
  const afterCreate = await counter.read();
  const createScripts = tally.take();
  const calls1 = await admin.totalCalls();
  const cpu1 = await admin.cpuMs();

  t = now();
  const ticker = setInterval(() => {
    void admin.count(COMPLETE_KEY, 'zset').then((n) => progress.step('process', n, N));
  }, 1_000);
  let completed: number;
  try {
    const done = await Promise.all(workerQueues.map((q) => drain(q, registry, maxJobs)));
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
  const inRedis = await admin.count(COMPLETE_KEY, 'zset');
  progress.step('process', inRedis, N);
  if (completed !== N || inRedis !== N) {
    throw new Error(`edgekue processed ${completed} jobs (${inRedis} complete in Redis) of ${N}`);
  }
  const mem1 = await admin.usedMemory();
  const memoryByKey = variant.noBreakdown ? {} : perJobGroups(await admin.memoryByKeyGroup(), N);
  await admin.flushAll();
  const create = bridgeDifference(afterCreate, zero);
  const proc = bridgeDifference(afterProcess, afterCreate);
  return {
    createMs,
    processMs,
    bulkMs: null,
    memoryBytesPerJob: perJob(mem1 - mem0, N),
    memoryByKey,
    redisCpuMs: { create: cpu1 - cpu0, process: cpu2 - cpu1 },
    clientCpuMs: { create: own1 - own0, process: own2 - own1 },
    counts: {
      create: phaseCounts(create, createScripts, calls1 - calls0 - create.commands),
      process: phaseCounts(proc, processScripts, calls2 - calls1 - proc.commands),
    },
  };
}

/** Search indexing's memory, idle commands of the cron tick, wake-up and tick-only latency. */
export async function detailsEdgekue(
  mode: EdgekueMode,
  s: ChildParams,
  admin: AdminRedis,
  progress: Progress,
): Promise<Details> {
  const N = s.n;
  const { maxJobs, bridge, producer, hooks, registry, workerQueue, reset, createAll } = setUp(
    mode,
    s,
    admin,
    progress,
  );
  const counter = new BridgeCounter(bridge.url, bridge.token);
  const extra: Record<string, number | null> = {};

  // ---- search indexing's memory (edgekue indexes job data by default; the timed runs do not) ----
  if (mode === 'batch') {
    progress.note('search index cost');
    const footprint = async (search: boolean) => {
      await reset();
      const before = await admin.usedMemory();
      const queue = benchQueue(bridge, new ScriptTally(), { search });
      await createAll(queue, search ? 'create with search' : 'create');
      return (await admin.usedMemory()) - before;
    };
    const withSearch = await footprint(true);
    const without = await footprint(false);
    extra.searchIndexBytesPerJob = perJob(withSearch - without, N);

    // What per-job events cost: the same pass with the queue option jobEvents off, in pairs
    // run back to back (on, off) so both see the same load.
    const speedups: number[] = [];
    for (let pair = 0; pair < 2; pair++) {
      const rate = async (jobEvents: boolean) => {
        progress.note(`what-if: jobEvents ${jobEvents ? 'on' : 'off'} (pair ${pair + 1}/2)`);
        const t = await timedEdgekue(mode, s, admin, progress, { jobEvents, noBreakdown: true });
        return perSecond(N, t.createMs + t.processMs);
      };
      const on = await rate(true);
      speedups.push((await rate(false)) / on);
    }
    extra.jobEventsOffSpeedup = speedups.reduce((a, b) => a + b, 0) / speedups.length;
  } else {
    // What the one-job creation costs with acks that coalesce: one invocation running
    // `concurrency` jobs at once instead of `concurrency` invocations of one job each.
    progress.note(`what-if: one invocation with maxJobs ${s.concurrency}`);
    const t = await timedEdgekue(mode, s, admin, progress, {
      invocations: 1,
      maxJobs: s.concurrency,
      noBreakdown: true,
    });
    const c = t.counts!;
    extra.oneInvocationBilledCommandsPerJob = perJob(c.create.commands + c.process.commands, N);
    extra.oneInvocationHttpRequestsPerJob = perJob(
      (c.create.requests ?? 0) + (c.process.requests ?? 0),
      N,
    );
    extra.oneInvocationJobsPerSec = perSecond(N, t.createMs + t.processMs);
  }

  // ---- idle: the cron tick on an empty queue, one full period of its schedule ----
  progress.note(`idle: one cron period of ${s.idleTick.periodMs / 1000} s`);
  await reset();
  await counter.reset();
  const ticks = new CronTicks(workerQueue, registry, s.idleTick, maxJobs);
  const tickStart = now();
  await ticks.tick();
  const duringTick = await counter.read();
  await sleep(tickStart + s.idleTick.periodMs - now());
  const wholePeriod = await counter.read();
  await ticks.stop();
  const realPeriodMs = s.idleTick.periodMs * s.idleTick.timeScale;
  // The same tick looking once (poll interval >= its budget): what an idle tick costs when it
  // relies on wake-ups for new jobs and on next_due for delayed ones.
  await counter.reset();
  const once = new CronTicks(
    workerQueue,
    registry,
    { ...s.idleTick, intervalMs: s.idleTick.budgetMs },
    maxJobs,
  );
  await once.tick();
  extra.idleCommandsPerTickLookingOnce = (await counter.read()).commands;
  await once.stop();

  // ---- wake-up latency: create → direct wake-up → POST /work → runWake → handler start ----
  progress.note(`wake-up latency: ${s.latencySamples} samples`);
  await reset();
  const signals = new StartSignals();
  hooks.onStart = (data) => signals.started(data);
  const server = await startWakeServer(workerQueue, registry, bridge);
  const unhook = producer.onEnqueue((jobs) => server.wake(jobs));
  const wakeSamples: number[] = [];
  try {
    for (let k = 0; k < s.latencySamples; k++) {
      const started = signals.wait(k, 10_000);
      const t0 = now();
      if (mode === 'batch') await producer.createMany([{ type: JOB_TYPE, data: payload(k) }]);
      else await producer.create(JOB_TYPE, payload(k)).save();
      wakeSamples.push((await started) - t0);
      await server.idle();
      progress.step('wake latency', k + 1, s.latencySamples);
      await sleep(5 + Math.random() * 20);
    }
  } finally {
    unhook();
    await server.idle();
    await server.close();
  }

  // ---- cron-only latency: no wake-up, jobs created across one period of the tick schedule ----
  const tl = s.tickLatency;
  progress.note(
    `tick-only latency: ${s.tickLatencySamples} samples, tick schedule compressed ${tl.timeScale}x`,
  );
  await reset();
  const tickSignals = new StartSignals();
  hooks.onStart = (data) => tickSignals.started(data);
  const cron = new CronTicks(workerQueue, registry, tl, maxJobs);
  const scheduleStart = now();
  cron.start();
  const tickSamples: number[] = [];
  try {
    await Promise.all(
      Array.from({ length: s.tickLatencySamples }, async (_, k) => {
        // Creation times spread evenly over one period, starting with the first tick.
        await sleep(scheduleStart + (tl.periodMs * (k + 0.5)) / s.tickLatencySamples - now());
        const started = tickSignals.wait(k, tl.periodMs * 3);
        const t0 = now();
        await producer.create(JOB_TYPE, payload(k)).save();
        tickSamples.push(((await started) - t0) * tl.timeScale);
      }),
    );
  } finally {
    await cron.stop();
  }
  hooks.onStart = () => {};
  await admin.flushAll();

  const notes = [
    mode === 'batch'
      ? `createMany of ${s.batchSize}; one invocation (runWake) leasing up to ${s.batchSize} jobs per claim/ack call, handler bodies limited to ${s.concurrency} at once`
      : `save() per job by ${s.concurrency} producers sharing one client; ${s.concurrency} invocations (runWake, maxJobs 1), each with its own client, one job per claim/ack call`,
  ];
  if (s.idleTick.timeScale > 1) {
    notes.push(`idle tick schedule compressed ${s.idleTick.timeScale}x (quick mode)`);
  }
  return {
    idle: {
      perMinute: (wholePeriod.commands * 60_000) / realPeriodMs,
      perTick: duringTick.commands,
      betweenTicks: wholePeriod.commands - duringTick.commands,
      byCommand: wholePeriod.byCommand,
    },
    wakeLatencyMs: wakeSamples,
    tickLatencyMs: tickSamples,
    extra,
    notes,
  };
}
