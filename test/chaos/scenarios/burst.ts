// Bursts: concurrent producers create jobs in bursts (createMany) far above a normal rate while
// workers drain them. The claim order must hold per type (priority, then FIFO; see
// lib/claim-order.ts for what that can mean while producers and workers interleave), the counts
// must add up at every moment (sampled atomically during the run), and the bridge, running in a
// process of its own, must keep its memory bounded.
import type { Job } from '../../../core/index.js';
import { auditQueue, checkCounts } from '../lib/audit.js';
import { beginScenario } from '../lib/begin.js';
import { type ClaimRecord, checkClaimOrder } from '../lib/claim-order.js';
import { startInProcessWorkers } from '../lib/inprocess-workers.js';
import { heapSummary, RssSampler, toMb } from '../lib/memory.js';
import { chaosQueue } from '../lib/queue.js';
import { check, type ScenarioReport, type Size } from '../lib/report.js';
import { chaosPrefix, startChaosStack } from '../lib/stack.js';
import { pollUntil, sleep } from '../lib/util.js';

export interface BurstOptions {
  jobs: number;
  producers: number;
  /** Jobs per createMany call. */
  burst: [number, number];
  /** Pause between two bursts of one producer. */
  pauseMs: [number, number];
  types: number;
  workers: number;
  maxJobs: number;
  /** The bridge's resident memory must stay under this (MB). */
  bridgeRssLimitMb: number;
  timeoutMs: number;
  seed?: number;
}

export const burstSizes: Record<Size, BurstOptions> = {
  quick: {
    jobs: 10_000,
    producers: 4,
    burst: [50, 400],
    pauseMs: [0, 150],
    types: 3,
    workers: 3,
    maxJobs: 40,
    bridgeRssLimitMb: 400,
    timeoutMs: 90_000,
  },
  full: {
    jobs: 100_000,
    producers: 8,
    burst: [200, 1_000],
    pauseMs: [0, 300],
    types: 4,
    workers: 4,
    maxJobs: 50,
    bridgeRssLimitMb: 400,
    timeoutMs: 600_000,
  },
};

/** Kue's named priorities and a few custom ones. */
const priorities = [-15, -10, -5, 0, 10, 3, -7];

export async function burst(
  size: Size,
  overrides: Partial<BurstOptions> = {},
): Promise<ScenarioReport> {
  const { o, rnd, report } = beginScenario('burst', size, burstSizes, overrides);
  report.jobs = o.jobs;
  const started = Date.now();
  const stack = await startChaosStack({ bridgeProcess: true, exposeGc: true });
  const prefix = chaosPrefix('burst');
  const types = Array.from({ length: o.types }, (_, i) => `burst${i}`);
  const records: ClaimRecord[] = [];
  let seq = 0;
  const workers = startInProcessWorkers({
    count: o.workers,
    url: stack.bridgeUrl,
    token: stack.token,
    prefix,
    eventsMax: 10_000,
    types,
    leaseMs: 60_000,
    maxJobs: o.maxJobs,
    intervalMs: 50,
    // Called synchronously in the order the claim returned the jobs.
    handler: async (job: Job) => {
      records.push({
        type: job.type,
        id: Number(job.id),
        priority: job.priority(),
        created: Number(job.created_at),
        started: Number(job.started_at),
        token: job.lease?.token ?? '',
        seq: seq++,
      });
    },
  });
  const heapStart = await stack.bridgeChild?.ask({ t: 'mem' }, 'mem', 5_000);
  const sampler = new RssSampler(() => ({ bridge: stack.bridgePid }), 250);
  const inconsistent: string[] = [];
  let samples = 0;
  let createdAllAt = 0;
  const stopSampling = new AbortController();
  const countsWatch = (async () => {
    const until = Date.now() + o.timeoutMs;
    for (let i = 0; i < 100_000 && !stopSampling.signal.aborted && Date.now() < until; i++) {
      const c = await checkCounts(stack.admin, prefix);
      samples++;
      if (c.problems.length > 0) inconsistent.push(c.problems.join('; '));
      if (c.total > o.jobs) inconsistent.push(`${c.total} jobs exist, ${o.jobs} created`);
      await sleep(300);
    }
  })();
  try {
    let remaining = o.jobs;
    const producer = async () => {
      const queue = chaosQueue({ url: stack.bridgeUrl, token: stack.token, prefix });
      for (let round = 0; round < o.jobs && remaining > 0; round++) {
        const n = Math.min(remaining, rnd.int(o.burst[0], o.burst[1]));
        remaining -= n;
        const type = rnd.pick(types);
        await queue.createMany(
          Array.from({ length: n }, (_, k) => ({
            type: rnd.chance(0.8) ? type : rnd.pick(types),
            data: { k, round },
            options: { priority: rnd.pick(priorities), removeOnComplete: false },
          })),
        );
        await sleep(rnd.int(o.pauseMs[0], o.pauseMs[1]));
      }
    };
    await Promise.all(Array.from({ length: o.producers }, () => producer()));
    createdAllAt = Date.now();
    report.figures['create rate, jobs/s'] = Math.round(o.jobs / ((createdAllAt - started) / 1000));
    const drained = await pollUntil(
      async () => records.length >= o.jobs,
      Math.max(10_000, o.timeoutMs - (Date.now() - started)),
      100,
    );
    check(report, 'workers drained every job', drained === true, `${records.length} claimed`);
    report.figures['drain rate, jobs/s'] = Math.round(
      records.length / ((Date.now() - started) / 1000),
    );
    await pollUntil(
      async () => (await checkCounts(stack.admin, prefix)).complete >= o.jobs,
      20_000,
      100,
    );
  } finally {
    stopSampling.abort();
    await countsWatch;
    await workers.stop();
    report.memory = sampler.stop();
  }
  try {
    report.figures['count snapshots taken during the run'] = samples;
    check(
      report,
      'counts added up in every snapshot during the run',
      inconsistent.length === 0 && samples > 0,
      inconsistent.length === 0 ? `${samples} snapshots` : inconsistent.slice(0, 3).join(' | '),
    );
    const audit = await auditQueue(stack.admin, prefix);
    check(
      report,
      'every job is whole and indexed as its state says',
      audit.problemCount === 0,
      audit.problems.slice(0, 3).join('; '),
    );
    check(
      report,
      'state counts sum to the jobs created, all complete',
      audit.total === o.jobs && audit.states.complete === o.jobs,
      JSON.stringify(audit.states),
    );
    report.lost = o.jobs - audit.states.complete;
    const ids = new Set(records.map((r) => r.id));
    report.duplicatedCompletions = records.length - ids.size;
    check(
      report,
      'each job was claimed once',
      ids.size === records.length && ids.size === o.jobs,
      `${records.length} claims, ${ids.size} jobs`,
    );
    const { violations, contested } = checkClaimOrder(records);
    report.figures['jobs claimed while others of their type waited'] = contested;
    const byKind = (k: string) => violations.filter((v) => v.kind === k).length;
    check(
      report,
      'every claim is sorted by priority, then id, per type',
      byKind('unsorted claim') === 0,
      `${byKind('unsorted claim')} violations`,
    );
    check(
      report,
      'no job was claimed while a better one of its type, created earlier, waited',
      byKind('passed over') === 0,
      violations
        .slice(0, 3)
        .map(
          (v) =>
            `${v.claimed.id}(p${v.claimed.priority}) before ${v.better.id}(p${v.better.priority})`,
        )
        .join(', '),
    );
    report.figures['claims (lease tokens)'] = new Set(records.map((r) => r.token)).size;
    const bridge = report.memory.bridge;
    const heapEnd = await stack.bridgeChild?.ask({ t: 'mem' }, 'mem', 5_000);
    if (heapStart)
      report.figures['bridge heap after GC, start (MB)'] = toMb(Number(heapStart.heapUsed));
    if (heapEnd) report.figures['bridge heap after GC, end (MB)'] = toMb(Number(heapEnd.heapUsed));
    if (heapStart && heapEnd) {
      report.memory['bridge heap after GC'] = heapSummary(
        Number(heapStart.heapUsed),
        Number(heapEnd.heapUsed),
      );
    }
    check(
      report,
      `bridge memory stayed under ${o.bridgeRssLimitMb} MB`,
      bridge !== undefined && bridge.peakMb < o.bridgeRssLimitMb,
      bridge ? `peak ${bridge.peakMb} MB` : 'not sampled',
    );
  } finally {
    await stack.stop();
  }
  report.durationMs = Date.now() - started;
  return report;
}
