import type { JobState } from './keys.js';

/**
 * enqueue.lua answers in runs, not a row per job: [first id, count, 1, now, state] for jobs
 * created with consecutive ids in one state, [id, 1, 0] for a job a unique key matched. A
 * createMany of 100 answers a few dozen bytes instead of some 4 KB.
 */
export type EnqueueRun = [number, number, 1, number, JobState] | [number, number, 0];

/** One job's row: [id, 1, now, state] when it was created, [id, 0] when a unique key matched. */
export type EnqueueRow = [number, 1, number, JobState] | [number, 0];

export function expandEnqueueAnswer(runs: readonly EnqueueRun[]): EnqueueRow[] {
  const rows: EnqueueRow[] = [];
  for (const run of runs) {
    if (run[2] === 1) {
      for (let k = 0; k < run[1]; k++) rows.push([run[0] + k, 1, run[3], run[4]]);
    } else {
      rows.push([run[0], 0]);
    }
  }
  return rows;
}
