// Network faults between edgekue and its HTTP Redis: a fault proxy in front of the bridge drops
// connections (before Redis ran the command, or after, losing the answer), answers 5xx, cuts
// answers short and delays requests, for producers and workers alike. Producers create jobs with
// a unique key and retry each create until it succeeds; a second group creates without a key and
// without retrying, to show what a retried write costs without one. Afterwards: every job whole,
// no unique job twice, every acknowledged create present, and every job complete once the faults
// stop, each completion recorded once.
import { Redis as IORedis } from 'ioredis';
import type { Job } from '../../../core/index.js';
import { JOB_FIELDS as F } from '../../../core/job-fields.js';
import { allJobIds, checkCounts, readJobs, readLogs } from '../lib/audit.js';
import { beginScenario } from '../lib/begin.js';
import { type FaultMix, startFaultProxy } from '../lib/fault-proxy.js';
import { startInProcessWorkers } from '../lib/inprocess-workers.js';
import { RssSampler } from '../lib/memory.js';
import { chaosQueue } from '../lib/queue.js';
import { check, type ScenarioReport, type Size } from '../lib/report.js';
import { chaosPrefix, startChaosStack } from '../lib/stack.js';
import { pollUntil, sleep } from '../lib/util.js';
import { verifyRun } from '../lib/verify.js';

export interface BridgeFaultsOptions {
  /** Creates with a unique key, retried until they succeed. */
  jobs: number;
  /** Creates without a unique key, tried once. */
  plainCreates: number;
  producers: number;
  workers: number;
  /** How long the faults last; creates are paced to spread over it. */
  faultMs: number;
  mix: FaultMix;
  leaseMs: number;
  timeoutMs: number;
  seed?: number;
}

const mix: FaultMix = {
  'drop before': 0.06,
  'drop after': 0.06,
  '503 before': 0.05,
  '502 after': 0.05,
  'truncated answer': 0.03,
  delay: 0.1,
};

export const bridgeFaultsSizes: Record<Size, BridgeFaultsOptions> = {
  quick: {
    jobs: 400,
    plainCreates: 100,
    producers: 4,
    workers: 2,
    faultMs: 6_000,
    mix,
    leaseMs: 1_500,
    timeoutMs: 60_000,
  },
  full: {
    jobs: 6_000,
    plainCreates: 1_000,
    producers: 6,
    workers: 3,
    faultMs: 60_000,
    mix,
    leaseMs: 2_000,
    timeoutMs: 300_000,
  },
};

const MAX_CREATE_TRIES = 200;

export async function bridgeFaults(
  size: Size,
  overrides: Partial<BridgeFaultsOptions> = {},
): Promise<ScenarioReport> {
  const { o, rnd, report } = beginScenario('bridge faults', size, bridgeFaultsSizes, overrides);
  report.jobs = o.jobs + o.plainCreates;
  const started = Date.now();
  const stack = await startChaosStack();
  const proxy = await startFaultProxy({ target: stack.bridgeUrl, mix: o.mix, seed: rnd.seed });
  const prefix = chaosPrefix('faults');
  const eventsMax = (o.jobs + o.plainCreates) * 30;
  const runsKey = `${prefix}:runs`;
  const sideEffects = new IORedis(stack.redisUrl);
  const workers = startInProcessWorkers({
    count: o.workers,
    url: proxy.url,
    token: stack.token,
    prefix,
    eventsMax,
    types: ['unique', 'plain'],
    leaseMs: o.leaseMs,
    maxJobs: 10,
    // two lanes: two acks of one invocation can be dropped, truncated or retried at once
    lanes: 2,
    // Each run logs three lines naming it; one in 20 waits past a lease-keeper flush between its
    // first line and the others, so lines travel both with heartbeats and with acks.
    handler: async (job: Job) => {
      await sleep(rnd.int(1, 20));
      const run = await sideEffects.hincrby(runsKey, job.id!, 1);
      await job.log(`run ${run} line 0`);
      if (rnd.int(1, 20) === 1) await sleep(1_200);
      await job.log(`run ${run} line 1`);
      await job.log(`run ${run} line 2`);
      return 'ok';
    },
  });
  const sampler = new RssSampler(() => ({ 'runner+bridge': process.pid }), 1_000);

  const acked = new Map<number, string>();
  const plainOk = new Map<number, string>();
  const plainFailed = new Set<number>();
  let createErrors = 0;
  let gaveUp = 0;
  let existed = 0;
  try {
    const work: ({ kind: 'unique'; n: number } | { kind: 'plain'; n: number })[] = [];
    for (let n = 0; n < o.jobs; n++) work.push({ kind: 'unique', n });
    for (let n = 0; n < o.plainCreates; n++) work.push({ kind: 'plain', n });
    work.sort(() => rnd.next() - 0.5);
    // Creates are spread over the first 90% of the fault window: item i is due at t0 + i × step.
    const t0 = Date.now();
    const step = (o.faultMs * 0.9) / work.length;
    let next = 0;
    const producer = async () => {
      const queue = chaosQueue({ url: proxy.url, token: stack.token, prefix, eventsMax });
      for (let k = 0; k < work.length; k++) {
        const i = next++;
        const item = work[i];
        if (!item) break;
        const due = t0 + i * step - Date.now();
        if (due > 0) await sleep(due);
        if (item.kind === 'plain') {
          try {
            const job = await queue.create('plain', { p: item.n }).attempts(50).save();
            plainOk.set(item.n, job.id!);
          } catch {
            plainFailed.add(item.n);
          }
        } else {
          for (let t = 1; t <= MAX_CREATE_TRIES; t++) {
            try {
              const job = await queue
                .create('unique', { n: item.n })
                .attempts(50)
                .unique(`u${item.n}`)
                .save();
              // A retry whose first try did reach Redis finds the job there: same id, not created.
              if (job.state() === undefined) existed++;
              acked.set(item.n, job.id!);
              break;
            } catch {
              createErrors++;
              if (t === MAX_CREATE_TRIES) gaveUp++;
              await sleep(rnd.int(20, 200));
            }
          }
        }
      }
    };
    const producers = Array.from({ length: o.producers }, () => producer());
    let faultsStoppedAt = 0;
    const faultsOff = sleep(o.faultMs).then(() => {
      proxy.setMix({});
      faultsStoppedAt = Date.now();
    });
    await Promise.all(producers);
    const producedAt = Date.now();
    await faultsOff;
    report.figures['creates finished, ms after the faults stopped'] = Math.max(
      0,
      producedAt - faultsStoppedAt,
    );
    const total = acked.size + plainOk.size;
    report.figures['create calls that reported an error'] = createErrors + plainFailed.size;
    report.figures['retried unique creates that found their job already there'] = existed;
    check(
      report,
      'every unique create eventually succeeded',
      gaveUp === 0 && acked.size === o.jobs,
      `${acked.size} of ${o.jobs}`,
    );

    const done = await pollUntil(
      async () => {
        const c = await checkCounts(stack.admin, prefix);
        return c.total >= total && c.complete === c.total;
      },
      Math.max(10_000, o.timeoutMs - (Date.now() - started)),
      200,
    );
    check(report, 'every job completed once the faults stopped', done === true);
    // recovery: from the faults stopping (and the last create) to every job complete
    const drained = Date.now() - Math.max(faultsStoppedAt, producedAt);
    report.recoveryMs = { last: drained, max: drained };
  } finally {
    report.memory = sampler.stop();
    const totals = await workers.stop();
    report.figures['worker acks answered lost (lease gone, or every try failed)'] = totals.lost;
    report.figures['worker invocations that failed on the network'] = totals.errors;
    await proxy.close();
  }
  try {
    const stats = proxy.stats();
    report.faults = Object.fromEntries(Object.entries(stats.faults).filter(([, n]) => n > 0));
    report.figures['requests through the proxy'] = stats.requests;

    // Which job each logical create became, from the data the jobs carry.
    const ids = await allJobIds(stack.admin, prefix);
    const rows = await readJobs(stack.admin, prefix, ids, [F.type, F.data, F.unique]);
    const uniqueCopies = new Map<number, string[]>();
    const plainCopies = new Map<number, number>();
    for (const [id, [type, data]] of rows) {
      const d = JSON.parse(data ?? '{}') as { n?: number; p?: number };
      if (type === 'unique' && d.n !== undefined) {
        uniqueCopies.set(d.n, [...(uniqueCopies.get(d.n) ?? []), id]);
      } else if (type === 'plain' && d.p !== undefined) {
        plainCopies.set(d.p, (plainCopies.get(d.p) ?? 0) + 1);
      }
    }
    const twice = [...uniqueCopies.values()].filter((c) => c.length > 1).length;
    check(report, 'no unique job was created twice by a retry', twice === 0, `${twice} duplicated`);
    const wrongId = [...acked].filter(([n, id]) => uniqueCopies.get(n)?.[0] !== id).length;
    check(
      report,
      'each unique create answered the id of its one job',
      wrongId === 0,
      `${wrongId} mismatched`,
    );
    const missingPlain = [...plainOk.keys()].filter((p) => !plainCopies.has(p)).length;
    check(
      report,
      'every acknowledged plain create exists',
      missingPlain === 0,
      `${missingPlain} missing`,
    );
    const plainTwice = [...plainCopies.values()].filter((c) => c > 1).length;
    const failedButThere = [...plainFailed].filter((p) => plainCopies.has(p)).length;
    report.figures['plain creates (no unique key) applied twice by the client library retrying'] =
      plainTwice;
    // Each create request carries a token: a retry of a request Redis already ran is answered
    // with the first answer, so even a create without a unique key exists once.
    check(
      report,
      'no plain create was applied twice by a client retry',
      plainTwice === 0,
      `${plainTwice} duplicated`,
    );
    report.figures['plain creates that reported an error but were applied'] = failedButThere;
    report.figures['plain creates that reported an error and were not applied'] =
      plainFailed.size - failedButThere;
    report.notes.push(
      '@upstash/redis retries a request whose connection failed, even when Redis already ran it; every create request carries a token, so the retry gets the first answer and no job exists twice, with or without a unique key.',
    );

    await verifyRun(report, stack.admin, {
      prefix,
      acknowledged: ids.map((id) => ({ id })),
      runsKey,
    });

    // Log lines go in touch calls that the faults drop, cut short or answer 5xx, and that are
    // sent again: the job's log mark keeps a line from being written twice.
    const logs = await readLogs(stack.admin, prefix, ids);
    const runs = await stack.admin.hgetall(runsKey);
    let repeated = 0;
    let incomplete = 0;
    for (const id of ids) {
      const lines = logs.get(id) ?? [];
      if (new Set(lines).size !== lines.length) repeated++;
      const last = runs[id];
      const at = [0, 1, 2].map((k) => lines.indexOf(`run ${last} line ${k}`));
      if (last && !(at[0]! >= 0 && at[0]! < at[1]! && at[1]! < at[2]!)) incomplete++;
    }
    check(report, 'no log line was written twice', repeated === 0, `${repeated} jobs`);
    check(
      report,
      "every job's last run has its three log lines, in order",
      incomplete === 0,
      `${incomplete} jobs`,
    );
  } finally {
    sideEffects.disconnect();
    await stack.stop();
  }
  report.durationMs = Date.now() - started;
  return report;
}
