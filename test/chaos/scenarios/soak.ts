// Soak: a steady stream of jobs through the bridge and one Node worker process for a while, to
// show that neither grows in memory. Both run in processes of their own with --expose-gc, so
// besides their resident size they report their heap after a full GC; Redis' own memory is read
// too (jobs are removed on completion, so it should stay flat as well). The figures are taken
// after a warm-up (code loaded, JIT, pools filled) and at the end, once the queue has drained.

import { checkCounts, throughputCompleted } from '../lib/audit.js';
import { beginScenario } from '../lib/begin.js';
import { heapSummary, RssSampler, toMb } from '../lib/memory.js';
import type { ChildHandle } from '../lib/processes.js';
import { chaosQueue } from '../lib/queue.js';
import { check, type ScenarioReport, type Size } from '../lib/report.js';
import { chaosPrefix, startChaosStack } from '../lib/stack.js';
import { pollUntil, sleep } from '../lib/util.js';
import { WorkerPool } from '../lib/worker-pool.js';

export interface SoakOptions {
  durationMs: number;
  warmupMs: number;
  /** Jobs created per second. */
  rate: number;
  /** Largest growth of the heap after GC from warm-up to end, per process (MB). */
  heapGrowthLimitMb: number;
  seed?: number;
}

export const soakSizes: Record<Size, SoakOptions> = {
  quick: { durationMs: 20_000, warmupMs: 5_000, rate: 150, heapGrowthLimitMb: 8 },
  full: { durationMs: 240_000, warmupMs: 20_000, rate: 250, heapGrowthLimitMb: 8 },
};

async function heapAfterGc(child: ChildHandle | undefined): Promise<number | undefined> {
  const m = await child?.ask({ t: 'mem' }, 'mem', 10_000);
  return m ? Number(m.heapUsed) : undefined;
}

async function redisUsedMemory(admin: { info(section: string): Promise<string> }) {
  const info = await admin.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

export async function soak(
  size: Size,
  overrides: Partial<SoakOptions> = {},
): Promise<ScenarioReport> {
  const { o, rnd, report } = beginScenario('soak', size, soakSizes, overrides);
  const started = Date.now();
  const stack = await startChaosStack({ bridgeProcess: true, exposeGc: true });
  const prefix = chaosPrefix('soak');
  const pool = new WorkerPool(
    {
      url: stack.bridgeUrl,
      token: stack.token,
      prefix,
      eventsMax: 10_000,
      redisUrl: stack.redisUrl,
      runsKey: '',
      types: ['soak'],
      leaseMs: 10_000,
      maxJobs: 20,
      budgetMs: 10_000,
      intervalMs: 200,
      workMs: [1, 20],
      deadline: Date.now() + o.durationMs + 120_000,
    },
    { nodeArgs: ['--expose-gc'] },
  );
  let created = 0;
  let sampler: RssSampler | undefined;
  try {
    await pool.start(1);
    const worker = pool.slot(0).child;
    const queue = chaosQueue({ url: stack.bridgeUrl, token: stack.token, prefix });
    const produceUntil = started + o.durationMs;
    const perTick = Math.max(1, Math.round(o.rate / 10));
    const base: Record<string, number> = {};
    const produce = async () => {
      for (let tick = 0; Date.now() < produceUntil && tick < 1_000_000; tick++) {
        await queue.createMany(
          Array.from({ length: perTick }, (_, k) => ({
            type: 'soak',
            data: { k, tick, pad: 'x'.repeat(rnd.int(10, 2_000)) },
            options: { removeOnComplete: true },
          })),
        );
        created += perTick;
        await sleep(100);
      }
    };
    const producing = produce();
    await sleep(o.warmupMs);
    base.bridgeHeap = (await heapAfterGc(stack.bridgeChild)) ?? 0;
    base.workerHeap = (await heapAfterGc(worker)) ?? 0;
    base.redis = await redisUsedMemory(stack.admin);
    sampler = new RssSampler(() => ({ bridge: stack.bridgePid, worker: worker.pid }), 1_000);
    await producing;
    const drained = await pollUntil(
      async () => (await checkCounts(stack.admin, prefix)).total === 0,
      60_000,
      200,
    );
    check(report, 'the worker kept up and the queue drained', drained === true);
    // Let in-flight timers (lease keeper, idle ticks) settle before the last measure.
    await sleep(1_000);
    const end = {
      bridgeHeap: (await heapAfterGc(stack.bridgeChild)) ?? 0,
      workerHeap: (await heapAfterGc(worker)) ?? 0,
      redis: await redisUsedMemory(stack.admin),
    };
    report.memory = {
      ...sampler.stop(),
      'bridge heap after GC': heapSummary(base.bridgeHeap, end.bridgeHeap),
      'worker heap after GC': heapSummary(base.workerHeap, end.workerHeap),
    };
    sampler = undefined;
    report.jobs = created;
    const completed = await throughputCompleted(stack.admin, prefix);
    report.lost = created - completed;
    check(
      report,
      'every job created completed',
      completed === created,
      `${completed} of ${created}`,
    );
    report.figures['bridge heap after GC (MB), warm → end'] =
      `${toMb(base.bridgeHeap)} → ${toMb(end.bridgeHeap)}`;
    report.figures['worker heap after GC (MB), warm → end'] =
      `${toMb(base.workerHeap)} → ${toMb(end.workerHeap)}`;
    report.figures['redis used_memory (MB), warm → end'] =
      `${toMb(base.redis)} → ${toMb(end.redis)}`;
    report.figures['soak length (s)'] = Math.round(o.durationMs / 1000);
    const limit = o.heapGrowthLimitMb * 1024 * 1024;
    check(
      report,
      `bridge heap after GC grew less than ${o.heapGrowthLimitMb} MB`,
      base.bridgeHeap > 0 && end.bridgeHeap - base.bridgeHeap < limit,
      `${toMb(end.bridgeHeap - base.bridgeHeap)} MB`,
    );
    check(
      report,
      `worker heap after GC grew less than ${o.heapGrowthLimitMb} MB`,
      base.workerHeap > 0 && end.workerHeap - base.workerHeap < limit,
      `${toMb(end.workerHeap - base.workerHeap)} MB`,
    );
    const stderr = worker.stderrTail();
    check(
      report,
      'the worker warned of no listener leak',
      !/MaxListenersExceeded/.test(stderr),
      /MaxListenersExceeded[^\n]*/.exec(stderr)?.[0] ?? '',
    );
    await queue.close();
  } finally {
    if (sampler) report.memory = sampler.stop();
    await pool.stop();
    await stack.stop();
  }
  report.durationMs = Date.now() - started;
  return report;
}
