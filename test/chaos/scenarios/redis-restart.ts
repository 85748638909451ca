// Redis restarts under load: redis-server with AOF persistence (`appendfsync always`, set over a
// direct connection after every start since the launcher takes no config file) is restarted
// mid-run, alternately gracefully (SIGTERM) and by SIGKILL followed by a start. Producers retry
// each create (unique key) until it succeeds; workers keep ticking through the outages. Every
// create that returned an id must exist afterwards and complete, each completion recorded once.
import { Redis as IORedis } from 'ioredis';
import type { Job } from '../../../core/index.js';
import { beginScenario } from '../lib/begin.js';
import { startInProcessWorkers } from '../lib/inprocess-workers.js';
import { RssSampler } from '../lib/memory.js';
import { chaosQueue } from '../lib/queue.js';
import { check, type ScenarioReport, type Size } from '../lib/report.js';
import { chaosPrefix, startChaosStack } from '../lib/stack.js';
import { pollUntil, sleep } from '../lib/util.js';
import { verifyRun } from '../lib/verify.js';

export interface RedisRestartOptions {
  jobs: number;
  producers: number;
  workers: number;
  /** Restarts, alternating graceful and SIGKILL. */
  restarts: number;
  /** Between two restarts (at least 1.2 s, so a SIGKILL never meets a start's first second). */
  gapMs: [number, number];
  /** How long Redis stays dead after a SIGKILL. */
  downMs: [number, number];
  leaseMs: number;
  timeoutMs: number;
  /** Persistence on (the scenario); off only to show that the checks catch a loss. */
  appendOnly: boolean;
  seed?: number;
}

export const redisRestartSizes: Record<Size, RedisRestartOptions> = {
  quick: {
    jobs: 600,
    producers: 4,
    workers: 2,
    restarts: 2,
    gapMs: [1_500, 2_500],
    downMs: [200, 600],
    leaseMs: 2_000,
    timeoutMs: 60_000,
    appendOnly: true,
  },
  full: {
    jobs: 8_000,
    producers: 6,
    workers: 3,
    restarts: 10,
    gapMs: [2_000, 5_000],
    downMs: [200, 2_000],
    leaseMs: 3_000,
    timeoutMs: 300_000,
    appendOnly: true,
  },
};

const MAX_CREATE_TRIES = 400;

export async function redisRestart(
  size: Size,
  overrides: Partial<RedisRestartOptions> = {},
): Promise<ScenarioReport> {
  const { o, rnd, report } = beginScenario('redis restart', size, redisRestartSizes, overrides);
  report.jobs = o.jobs;
  const started = Date.now();
  const stack = await startChaosStack({ appendOnly: o.appendOnly });
  const fsyncAlways = async () => {
    if (o.appendOnly) await stack.admin.config('SET', 'appendfsync', 'always');
  };
  await fsyncAlways();
  const prefix = chaosPrefix('restart');
  const eventsMax = o.jobs * 30;
  const runsKey = `${prefix}:runs`;
  const sideEffects = new IORedis(stack.redisUrl, {
    maxRetriesPerRequest: null,
    retryStrategy: () => 100,
  });
  sideEffects.on('error', () => {});
  const workers = startInProcessWorkers({
    count: o.workers,
    url: stack.bridgeUrl,
    token: stack.token,
    prefix,
    eventsMax,
    types: ['restart'],
    leaseMs: o.leaseMs,
    maxJobs: 10,
    handler: async (job: Job) => {
      await sleep(rnd.int(1, 15));
      await sideEffects.hincrby(runsKey, job.id!, 1);
      return 'ok';
    },
  });
  const sampler = new RssSampler(() => ({ 'runner+bridge': process.pid }), 1_000);
  const acked = new Map<number, string>();
  let createErrors = 0;
  let gaveUp = 0;
  let graceful = 0;
  let killed = 0;
  const outages: number[] = [];
  /** When creates succeeded, to time how soon service came back after each restart. */
  const successes: number[] = [];
  const faultsAt: { down: number; up: number }[] = [];
  try {
    let next = 0;
    const expectedMs =
      o.restarts * ((o.gapMs[0] + o.gapMs[1]) / 2 + (o.downMs[0] + o.downMs[1]) / 2) + 1_000;
    const paceMs = (expectedMs * o.producers) / o.jobs;
    const producer = async () => {
      const queue = chaosQueue({ url: stack.bridgeUrl, token: stack.token, prefix, eventsMax });
      for (let k = 0; k < o.jobs; k++) {
        const n = next++;
        if (n >= o.jobs) break;
        for (let t = 1; t <= MAX_CREATE_TRIES; t++) {
          try {
            const job = await queue.create('restart', { n }).attempts(50).unique(`r${n}`).save();
            acked.set(n, job.id!);
            successes.push(Date.now());
            break;
          } catch {
            createErrors++;
            if (t === MAX_CREATE_TRIES) gaveUp++;
            await sleep(rnd.int(20, 150));
          }
        }
        await sleep(paceMs * (0.5 + rnd.next()));
      }
    };
    const producers = Array.from({ length: o.producers }, () => producer());

    for (let r = 0; r < o.restarts; r++) {
      await sleep(rnd.int(o.gapMs[0], o.gapMs[1]));
      const down = Date.now();
      if (r % 2 === 0) {
        await stack.redis.restart();
        graceful++;
      } else {
        stack.redis.kill('SIGKILL');
        await sleep(rnd.int(o.downMs[0], o.downMs[1]));
        await stack.redis.restart();
        killed++;
      }
      await fsyncAlways();
      outages.push(Date.now() - down);
      faultsAt.push({ down, up: Date.now() });
    }
    await Promise.all(producers);
    // from each fault to the first create acknowledged after Redis was up again
    const recoveries = faultsAt
      .map(({ down, up }) => {
        const first = successes.find((t) => t >= up);
        return first === undefined ? undefined : first - down;
      })
      .filter((t): t is number => t !== undefined);
    if (recoveries.length > 0) {
      report.recoveryMs = {
        last: recoveries[recoveries.length - 1]!,
        max: Math.max(...recoveries),
      };
    }
    report.faults = { 'graceful restarts': graceful, 'SIGKILL + start': killed };
    report.figures['outage per restart, mean ms'] = Math.round(
      outages.reduce((a, b) => a + b, 0) / Math.max(1, outages.length),
    );
    report.figures['create calls that failed and were retried'] = createErrors;
    check(
      report,
      'every create eventually succeeded',
      gaveUp === 0 && acked.size === o.jobs,
      `${acked.size} of ${o.jobs}`,
    );
    const done = await pollUntil(
      async () => Number(await stack.admin.hget(`{${prefix}}:jobs:complete`, 'n')) >= acked.size,
      Math.max(10_000, o.timeoutMs - (Date.now() - started)),
      200,
    );
    check(report, 'every acknowledged job completed after the restarts', done === true);
    check(report, 'Redis was restarted', graceful + killed === o.restarts);
    check(
      report,
      'the AOF fsync policy was always during the run',
      ((await stack.admin.config('GET', 'appendfsync')) as string[])[1] ===
        (o.appendOnly ? 'always' : 'everysec'),
    );
  } finally {
    report.memory = sampler.stop();
    const totals = await workers.stop();
    report.figures['worker invocations that failed while Redis was down'] = totals.errors;
    report.figures['worker acks answered lost'] = totals.lost;
  }
  try {
    await verifyRun(report, stack.admin, {
      prefix,
      acknowledged: [...acked].map(([n, id]) => ({ id, unique: `r${n}` })),
      expectedTotal: o.jobs,
      runsKey,
    });
  } finally {
    sideEffects.disconnect();
    await stack.stop();
  }
  report.durationMs = Date.now() - started;
  return report;
}
