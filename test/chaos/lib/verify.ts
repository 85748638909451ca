// The end-of-run verdict shared by the worker scenarios: every job whole and indexed, none lost,
// each completion recorded once (in the event stream and in the throughput counters), and how
// often handlers ran again after a fault (allowed: delivery is at least once).
import type { Redis as IORedis } from 'ioredis';
import { JOB_FIELDS } from '../../../core/job-fields.js';
import { auditQueue, tallyEvents, throughputCompleted } from './audit.js';
import { check, type ScenarioReport } from './report.js';

export interface VerifyOptions {
  prefix: string;
  /**
   * Jobs whose creation was acknowledged: each must exist and be complete. With `unique`, the job
   * under that id must carry that key (an id reused after a loss would otherwise pass).
   */
  acknowledged: ReadonlyArray<{ id: string; unique?: string }>;
  /** How many jobs should exist in all (duplicates created by retries would exceed it). */
  expectedTotal?: number;
  /** The handlers' side-effect hash (runs per job id), if they keep one. */
  runsKey?: string;
}

export async function verifyRun(
  report: ScenarioReport,
  admin: IORedis,
  o: VerifyOptions,
): Promise<void> {
  const audit = await auditQueue(admin, o.prefix);
  check(
    report,
    'every job is whole and indexed as its state says',
    audit.problemCount === 0,
    audit.problemCount === 0 ? `${audit.total} jobs` : audit.problems.slice(0, 5).join('; '),
  );
  check(report, 'no job is active without a lease', audit.unleasedActive === 0);
  if (o.expectedTotal !== undefined) {
    check(
      report,
      'no job was created twice',
      audit.total === o.expectedTotal,
      `${audit.total} jobs exist, ${o.expectedTotal} expected`,
    );
  }
  report.figures['final states'] = JSON.stringify(audit.states);

  const states = new Map<string, string | null>();
  const uniques = new Map<string, string | null>();
  const ids = [...new Set(o.acknowledged.map((a) => a.id))];
  for (let i = 0; i < ids.length; i += 5_000) {
    const chunk = ids.slice(i, i + 5_000);
    const p = admin.pipeline();
    for (const id of chunk) p.hmget(`{${o.prefix}}:job:${id}`, JOB_FIELDS.state, JOB_FIELDS.unique);
    const rows = (await p.exec()) ?? [];
    chunk.forEach((id, j) => {
      const [state, unique] = (rows[j]?.[1] as (string | null)[] | undefined) ?? [];
      states.set(id, state ?? null);
      uniques.set(id, unique ?? null);
    });
  }
  const impostors = o.acknowledged.filter(
    (a) => a.unique !== undefined && uniques.get(a.id) !== a.unique,
  ).length;
  check(
    report,
    'each acknowledged id still holds the job created under it',
    impostors === 0 && ids.length === o.acknowledged.length,
    `${impostors} ids hold another job; ${o.acknowledged.length - ids.length} ids answered twice`,
  );
  const missing = ids.filter((id) => states.get(id) === null).length;
  // lost: an acknowledged job that is not complete, or whose id now holds another job
  const lostOnes = o.acknowledged.filter(
    (a) =>
      states.get(a.id) !== 'complete' || (a.unique !== undefined && uniques.get(a.id) !== a.unique),
  );
  report.lost = lostOnes.length;
  check(
    report,
    'every acknowledged job exists',
    missing === 0,
    `${missing} of ${ids.length} missing`,
  );
  check(
    report,
    'every acknowledged job completed (lost = 0)',
    lostOnes.length === 0,
    lostOnes.length === 0
      ? `${o.acknowledged.length} complete`
      : `${lostOnes.length} lost, e.g. ${lostOnes
          .slice(0, 10)
          .map((a) =>
            a.unique !== undefined && uniques.get(a.id) !== a.unique
              ? `${a.id} holds another job`
              : `${a.id} is ${states.get(a.id)}`,
          )
          .join(', ')}`,
  );

  const tally = await tallyEvents(admin, o.prefix);
  check(
    report,
    'the event stream kept every event of the run',
    tally.complete,
    `${tally.entries} events`,
  );
  let duplicated = 0;
  let unrecorded = 0;
  let restarts = 0;
  for (const id of ids) {
    const per = tally.byJob.get(id);
    const completions = per?.get('complete') ?? 0;
    if (completions > 1) duplicated++;
    if (completions === 0 && states.get(id) === 'complete') unrecorded++;
    restarts += Math.max(0, (per?.get('start') ?? 0) - 1);
  }
  report.duplicatedCompletions = duplicated;
  report.figures['claims beyond the first (re-deliveries)'] = restarts;
  check(
    report,
    'no completion recorded twice (event stream)',
    duplicated === 0,
    `${duplicated} jobs`,
  );
  check(
    report,
    'every complete job has its completion event',
    unrecorded === 0,
    `${unrecorded} jobs`,
  );
  const completed = await throughputCompleted(admin, o.prefix);
  check(
    report,
    'throughput counters recorded each completion once',
    completed === audit.states.complete,
    `${completed} recorded, ${audit.states.complete} complete jobs`,
  );

  if (o.runsKey) {
    const runs = await admin.hgetall(o.runsKey);
    let reruns = 0;
    let neverRan = 0;
    for (const id of ids) {
      const n = Number(runs[id] ?? 0);
      if (n > 1) reruns += n - 1;
      if (n === 0 && states.get(id) === 'complete') neverRan++;
    }
    report.reruns = reruns;
    check(report, 'every complete job ran its handler', neverRan === 0, `${neverRan} jobs`);
  }
}
