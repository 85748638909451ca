// Killed workers: worker processes run cron-tick loops against the bridge while some are killed
// with SIGKILL at random moments (and replaced), and some are frozen with SIGSTOP past their
// lease (a GC pause, a stalled VM) and thawed. Nothing may be lost; a killed job may run again,
// but its completion is recorded once: the frozen worker's late acks are fenced off.
import type { Redis as IORedis } from 'ioredis';
import { JOB_FIELDS as F } from '../../../core/job-fields.js';
import { beginScenario } from '../lib/begin.js';
import { startCron } from '../lib/cron.js';
import { RssSampler } from '../lib/memory.js';
import { chaosQueue } from '../lib/queue.js';
import { check, type ScenarioReport, type Size } from '../lib/report.js';
import { chaosPrefix, startChaosStack } from '../lib/stack.js';
import { pollUntil, sleep } from '../lib/util.js';
import { verifyRun } from '../lib/verify.js';
import { WorkerPool } from '../lib/worker-pool.js';

export interface KilledWorkersOptions {
  jobs: number;
  workers: number;
  /** SIGKILLs, then SIGSTOP freezes, spread over the run while jobs remain. */
  kills: number;
  freezes: number;
  leaseMs: number;
  maxJobs: number;
  workMs: [number, number];
  /** Pause between two faults. */
  gapMs: [number, number];
  timeoutMs: number;
  seed?: number;
}

export const killedWorkersSizes: Record<Size, KilledWorkersOptions> = {
  // Handlers take tens of ms so that the work outlasts the faults however fast the machine is.
  quick: {
    jobs: 3_000,
    workers: 2,
    kills: 2,
    freezes: 1,
    leaseMs: 1_500,
    maxJobs: 10,
    workMs: [20, 80],
    gapMs: [400, 900],
    timeoutMs: 60_000,
  },
  full: {
    jobs: 20_000,
    workers: 4,
    kills: 12,
    freezes: 3,
    leaseMs: 3_000,
    maxJobs: 10,
    workMs: [20, 100],
    gapMs: [500, 2_000],
    timeoutMs: 300_000,
  },
};

/** The leases a worker holds right now: job id and lease token, flat. */
const heldByScript = `
local ids = redis.call('ZRANGE', ARGV[1] .. 'leases', 0, -1)
local out = {}
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', ARGV[1] .. 'job:' .. id, '${F.workerId}', '${F.lease}')
  if f[1] == ARGV[2] and f[2] then
    out[#out + 1] = id
    out[#out + 1] = f[2]
  end
end
return out`;

async function leasesHeldBy(admin: IORedis, prefix: string, workerId: string): Promise<string[]> {
  return (await admin.eval(heldByScript, 0, `{${prefix}}:`, workerId)) as string[];
}

/** How many of these leases (id, token, flat) are still in force. */
async function stillHeld(admin: IORedis, prefix: string, held: string[]): Promise<number> {
  const p = admin.pipeline();
  for (let i = 0; i < held.length; i += 2) p.hget(`{${prefix}}:job:${held[i]}`, F.lease);
  const rows = (await p.exec()) ?? [];
  return rows.filter((row, j) => row[1] === held[j * 2 + 1]).length;
}

export async function killedWorkers(
  size: Size,
  overrides: Partial<KilledWorkersOptions> = {},
): Promise<ScenarioReport> {
  const { o, rnd, report } = beginScenario('killed workers', size, killedWorkersSizes, overrides);
  report.jobs = o.jobs;
  const started = Date.now();
  const stack = await startChaosStack();
  const prefix = chaosPrefix('kill');
  const eventsMax = o.jobs * 12;
  const runsKey = `${prefix}:runs`;
  const queue = chaosQueue({ url: stack.bridgeUrl, token: stack.token, prefix, eventsMax });
  const pool = new WorkerPool({
    url: stack.bridgeUrl,
    token: stack.token,
    prefix,
    eventsMax,
    redisUrl: stack.redisUrl,
    runsKey,
    types: ['chaos'],
    leaseMs: o.leaseMs,
    maxJobs: o.maxJobs,
    // two lanes: a kill lands on an invocation holding two batches' leases
    lanes: 2,
    budgetMs: 10_000,
    intervalMs: 200,
    workMs: o.workMs,
    deadline: Date.now() + o.timeoutMs,
  });
  const cron = startCron(queue, 250);
  const sampler = new RssSampler(
    () => ({ 'runner+bridge': stack.bridgePid, ...pool.pids() }),
    1_000,
  );
  const recoveries: Promise<number | undefined>[] = [];
  const acknowledged: { id: string }[] = [];
  try {
    for (let i = 0; i < o.jobs; i += 1_000) {
      const n = Math.min(1_000, o.jobs - i);
      const jobs = await queue.createMany(
        Array.from({ length: n }, (_, k) => ({
          type: 'chaos',
          data: { n: i + k },
          options: { attempts: 100 },
        })),
      );
      for (const j of jobs) acknowledged.push({ id: j.id! });
    }
    await pool.start(o.workers);

    const complete = async () => Number(await stack.admin.hget(`{${prefix}}:jobs:complete`, 'n'));
    /** From the fault to the moment none of the leases held then is in force: recovered or settled. */
    const trackRecovery = (at: number, held: string[]) =>
      pollUntil(
        async () => {
          if (held.length === 0) return 0;
          return (await stillHeld(stack.admin, prefix, held)) === 0 ? Date.now() - at : undefined;
        },
        o.leaseMs * 10 + 30_000,
        50,
      );

    const faults = [
      ...Array<'kill'>(o.kills).fill('kill'),
      ...Array<'freeze'>(o.freezes).fill('freeze'),
    ];
    // freezes among the kills, a kill first
    faults.sort(() => rnd.next() - 0.5);
    const firstKill = faults.indexOf('kill');
    if (firstKill > 0) [faults[0], faults[firstKill]] = [faults[firstKill]!, faults[0]!];
    let kills = 0;
    let freezes = 0;
    let affected = 0;
    for (const fault of faults) {
      await sleep(rnd.int(o.gapMs[0], o.gapMs[1]));
      if ((await complete()) >= o.jobs * 0.98) break;
      const slot = rnd.int(0, pool.size - 1);
      if (fault === 'kill') {
        const { workerId, at } = await pool.kill(slot);
        kills++;
        const held = await leasesHeldBy(stack.admin, prefix, workerId);
        affected += held.length / 2;
        recoveries.push(trackRecovery(at, held));
        await pool.replace(slot);
      } else {
        const { workerId, at } = pool.freeze(slot);
        freezes++;
        const held = await leasesHeldBy(stack.admin, prefix, workerId);
        affected += held.length / 2;
        recoveries.push(trackRecovery(at, held));
        // Frozen past its lease: others recover and re-run its jobs; when it thaws, its acks
        // and lease extensions must come back 'lost'.
        await sleep(Math.round(o.leaseMs * 1.5) + rnd.int(0, o.leaseMs));
        pool.thaw(slot);
      }
    }
    report.faults = { SIGKILL: kills, 'SIGSTOP past the lease': freezes };
    report.figures['jobs under lease at a fault'] = affected;

    const done = await pollUntil(
      async () => (await complete()) >= o.jobs,
      Math.max(10_000, o.timeoutMs - (Date.now() - started)),
      200,
    );
    check(report, 'all jobs completed within the time limit', done === true);
    const times = await Promise.all(recoveries);
    const recovered = times.filter((t): t is number => t !== undefined);
    check(
      report,
      'every lease of a killed or frozen worker was recovered or settled',
      recovered.length === times.length,
      `${times.length - recovered.length} of ${times.length} faults left leases behind`,
    );
    if (recovered.length > 0) {
      report.recoveryMs = { last: recovered[recovered.length - 1]!, max: Math.max(...recovered) };
    }
    check(
      report,
      'faults were injected',
      kills >= 1 && kills + freezes >= 2,
      `${kills} kills, ${freezes} freezes`,
    );
  } finally {
    report.memory = sampler.stop();
    await pool.stop();
    await cron.stop();
  }
  try {
    report.figures['worker acks fenced off (lost leases)'] = pool.totals.lost;
    report.figures['worker processes started'] = pool.started;
    await verifyRun(report, stack.admin, {
      prefix,
      acknowledged,
      expectedTotal: o.jobs,
      runsKey,
    });
  } finally {
    await queue.close();
    await stack.stop();
  }
  report.durationMs = Date.now() - started;
  return report;
}
