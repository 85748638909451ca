import { BridgeCounter } from '../bridge-counter.js';
import type { Progress } from '../progress.js';
import type { AdminRedis } from '../redis-admin.js';
import type { ChildParams, Details } from '../settings.js';
import { JOB_TYPE, now, payload, perSecond, StartSignals, sleep } from '../workload.js';
import { benchQueue, ScriptTally } from './client.js';
import { CronTicks } from './cron.js';
import { type EdgekueMode, perJob, setUp, type Variant } from './setup.js';
import { timedEdgekue } from './timed.js';
import { startWakeServer } from './wake-server.js';
import { startBenchWorker, timedInWorkerd } from './workerd.js';

/** Search indexing's memory, idle commands of the cron tick, wake-up and tick-only latency. */
export async function detailsEdgekue(
  mode: EdgekueMode,
  s: ChildParams,
  admin: AdminRedis,
  progress: Progress,
): Promise<Details> {
  const N = s.n;
  const { maxJobs, lanes, bridge, producer, hooks, registry, workerQueue, reset, createAll } =
    setUp(mode, s, admin, progress);
  const counter = new BridgeCounter(s.bridgeUrl, s.bridgeToken);
  const extra: Record<string, number | null> = {};

  // A pass with one departure from the set-up, end to end jobs/s (what-if figures).
  const whatIf = async (label: string, variant: Variant) => {
    progress.note(`what-if: ${label}`);
    const t = await timedEdgekue(mode, s, admin, progress, { ...variant, noBreakdown: true });
    return perSecond(N, t.createMs + t.processMs);
  };

  // Two departures measured against each other in `pairs` back-to-back pairs, the order
  // alternating so drift on a shared machine falls on both: the mean rate of the base variant
  // and the mean ratio tried ÷ base.
  const paired = async (
    pairs: number,
    tried: [string, Variant],
    base: [string, Variant],
  ): Promise<{ base: number; ratio: number }> => {
    let bases = 0;
    let ratios = 0;
    for (let pair = 0; pair < pairs; pair++) {
      const rate = new Map<[string, Variant], number>();
      for (const side of pair % 2 === 0 ? [tried, base] : [base, tried]) {
        rate.set(side, await whatIf(`${side[0]} (pair ${pair + 1}/${pairs})`, side[1]));
      }
      bases += rate.get(base)!;
      ratios += rate.get(tried)! / rate.get(base)!;
    }
    return { base: bases / pairs, ratio: ratios / pairs };
  };

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

    // What per-job events cost: the same pass with the queue option jobEvents off.
    const events = await paired(
      2,
      ['jobEvents off', { jobEvents: false }],
      ['jobEvents on', { jobEvents: true }],
    );
    extra.jobEventsOffSpeedup = events.ratio;

    // What the lanes buy: the same pass with one lane, beside one with the configured lanes.
    if (s.lanes > 1) {
      const withLanes = await whatIf(`${s.lanes} lanes`, { lanes: s.lanes });
      const oneLane = await whatIf('1 lane', { lanes: 1 });
      extra.oneLaneJobsPerSec = oneLane;
      extra.lanesSpeedup = withLanes / oneLane;
    }

    // What concurrent producers buy: the same pass with one createMany at a time.
    if (s.concurrency > 1) {
      const producers = await paired(
        2,
        [`${s.concurrency} producers`, { producers: s.concurrency }],
        ['1 producer', { producers: 1 }],
      );
      extra.oneProducerJobsPerSec = producers.base;
      extra.producersSpeedup = producers.ratio;
    }
  } else {
    // The strictest reading of the one-job path: C producers and C invocations side by side, each
    // with its own client, creating, claiming and acknowledging one job per call (no two jobs
    // share a call).
    progress.note(`what-if: ${s.concurrency} invocations of one job each`);
    const t = await timedEdgekue(mode, s, admin, progress, {
      invocations: s.concurrency,
      maxJobs: 1,
      separateProducers: true,
      noBreakdown: true,
    });
    const c = t.counts!;
    extra.oneJobInvocationsBilledCommandsPerJob = perJob(c.create.commands + c.process.commands, N);
    extra.oneJobInvocationsHttpRequestsPerJob = perJob(
      (c.create.requests ?? 0) + (c.process.requests ?? 0),
      N,
    );
    extra.oneJobInvocationsJobsPerSec = perSecond(N, t.createMs + t.processMs);
  }

  // ---- the client's transport on Node: node:http (edgekue's Node client) against fetch ----
  const transport = await paired(
    mode === 'batch' ? 2 : 1,
    ['client on node:http', { fetchClient: false }],
    ['client on fetch', { fetchClient: true }],
  );
  extra.fetchClientJobsPerSec = transport.base;
  extra.nodeHttpSpeedup = transport.ratio;

  // ---- the client runtime: the same pass with the client in workerd, beside one in Node ----
  // Two pairs, the second in the other order, so drift on a shared machine falls on both.
  progress.note('what-if: client in workerd (bundling the bench Worker)');
  const worker = await startBenchWorker(bridge);
  try {
    const inWorkerd: { jobs: number; create: number; process: number }[] = [];
    const ratios: number[] = [];
    const workerdPass = async (pair: number) => {
      progress.note(`what-if: client in workerd (pair ${pair}/2)`);
      const t = await timedInWorkerd(mode, s, admin, progress, worker);
      const jobs = perSecond(N, t.createMs + t.processMs);
      inWorkerd.push({
        jobs,
        create: perSecond(N, t.createMs),
        process: perSecond(N, t.processMs),
      });
      return jobs;
    };
    const orders = [
      ['node', 'workerd'],
      ['workerd', 'node'],
    ] as const;
    for (const [i, order] of orders.entries()) {
      const jobs = { node: 0, workerd: 0 };
      for (const where of order) {
        jobs[where] =
          where === 'node'
            ? await whatIf(`client in Node (pair ${i + 1}/2)`, {})
            : await workerdPass(i + 1);
      }
      ratios.push(jobs.workerd / jobs.node);
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    extra.workerdJobsPerSec = mean(inWorkerd.map((r) => r.jobs));
    extra.workerdCreatePerSec = mean(inWorkerd.map((r) => r.create));
    extra.workerdProcessPerSec = mean(inWorkerd.map((r) => r.process));
    extra.workerdSpeedup = mean(ratios);
  } finally {
    await worker.close();
  }

  // ---- idle: the cron tick on an empty queue, one full period of its schedule ----
  progress.note(`idle: one cron period of ${s.idleTick.periodMs / 1000} s`);
  await reset();
  await counter.reset();
  const ticks = new CronTicks(workerQueue, registry, s.idleTick, maxJobs, lanes);
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
    lanes,
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
  const cron = new CronTicks(workerQueue, registry, tl, maxJobs, lanes);
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
      ? `createMany of ${s.batchSize} by ${s.concurrency} producers; one invocation (runWake) running ${s.lanes} lane(s) side by side, each leasing up to ${s.batchSize} jobs per claim/ack call, handler bodies limited to ${s.concurrency} at once`
      : `save() per job by ${s.concurrency} producers sharing one client; one invocation (runWake) holding one lease per concurrency slot (maxJobs ${s.concurrency}), finished jobs acknowledged together, each ack claiming the replacements`,
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
