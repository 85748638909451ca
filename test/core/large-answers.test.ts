// Answers of jobs stay within what one HTTP Redis answer may carry (Upstash refuses one over its
// 10 MB request limit): a claim, a page and a read by ids stop adding jobs at maxAnswerBytes, and
// the rest come in further calls, so jobs with large data are claimed and listed like any other.
import { afterAll, describe, expect, it } from 'vitest';
import { defaults, Queue, type RedisClient } from '../../core/index.js';
import { claim } from '../../worker-handlers/script-calls.js';
import { testRedis } from '../support/stack.js';
import { dropQueue, workerPrefix } from '../worker/helpers.js';

/** The real client, keeping the size of every script answer. */
function measuringClient() {
  const redis = testRedis({ enableAutoPipelining: true });
  const answers: number[] = [];
  const keep = (answer: unknown) => {
    answers.push(typeof answer === 'string' ? answer.length : JSON.stringify(answer).length);
    return answer;
  };
  const client: RedisClient = {
    evalsha: async (sha, keys, args) => keep(await redis.evalsha(sha, keys, args)),
    eval: async (script, keys, args) => keep(await redis.eval(script, keys, args)),
  };
  return { client, answers };
}

const DATA = 500_000;
const JOBS = 6;
const { client, answers } = measuringClient();
const q = new Queue(client, { prefix: workerPrefix('answers') });

afterAll(() => dropQueue(q));

/** Jobs of ~500 KB: five of them make an answer over the budget, so six need two answers. */
async function bigJobs(type: string): Promise<string[]> {
  const jobs = await q.createMany(
    Array.from({ length: JOBS }, (_, n) => ({ type, data: `${n}`.repeat(DATA) })),
  );
  return jobs.map((j) => j.id!);
}

/** The largest answer since `from`, which no job list may grow much past the budget. */
function largestSince(from: number): number {
  return Math.max(...answers.slice(from));
}
const bound = defaults.maxAnswerBytes + DATA + 10_000;

describe('answers of large jobs', () => {
  it('a page and a read by ids come whole, in order, in answers within the budget', async () => {
    const ids = await bigJobs('page');
    const from = answers.length;
    const page = await q.range({ state: 'inactive', type: 'page', from: 0, to: 99 });
    expect(page.map((j) => j.id)).toEqual(ids);
    expect(page.map((j) => j.data)).toEqual(ids.map((_, n) => `${n}`.repeat(DATA)));
    const byId = await q.getJobs([...ids].reverse());
    expect(byId.map((j) => j.id)).toEqual([...ids].reverse());
    expect(byId.every((j) => (j.data as string).length === DATA)).toBe(true);
    expect(answers.length - from).toBeGreaterThan(2); // the page and the read took more calls
    expect(largestSince(from)).toBeLessThan(bound);
  });

  it('a page read within a byte budget stops there and says where the rest starts', async () => {
    const ids = await bigJobs('budget');
    const seen: string[] = [];
    let pages = 0;
    for (let from: number | null = 0; from !== null; pages++) {
      const before = answers.length;
      const page = await q.rangePage(
        { state: 'inactive', type: 'budget', from, to: 99 },
        1_200_000,
      );
      expect(page.jobs.length).toBeGreaterThan(0);
      // the budget of ~2.4 jobs: three at most, the last one crossing it
      expect(page.jobs.length).toBeLessThanOrEqual(3);
      expect(answers.length - before).toBeLessThanOrEqual(2);
      seen.push(...page.jobs.map((j) => j.id!));
      from = page.next;
    }
    expect(seen).toEqual(ids);
    expect(pages).toBeGreaterThan(1);
  });

  it("a job's long log comes whole, in order, in answers within the budget", async () => {
    const [job] = await q.createMany([{ type: 'logged', data: {} }]);
    // 1,000 lines (maxLogLines) of 10 KB: 10 MB of log, written in touch calls of ~256 KiB
    const lines = Array.from({ length: 1_000 }, (_, i) => `${i} ${'l'.repeat(10_000)}`);
    await q.touch([{ id: job!.id!, logs: lines }]);
    const from = answers.length;
    expect(await q.logs(job!.id!)).toEqual(lines);
    expect(answers.length - from).toBeGreaterThan(2);
    expect(largestSince(from)).toBeLessThan(bound);
  });

  it('a claim takes jobs until its answer holds the budget; the next claim takes the rest', async () => {
    const ids = await bigJobs('claimed');
    const request = {
      count: 10,
      lease_ms: 60_000,
      token: 't1',
      worker: 'test',
      types: [{ type: 'claimed', concurrency: 0 }],
      max_bytes: defaults.maxAnswerBytes,
    };
    const from = answers.length;
    const first = await claim(q, request);
    expect(first.jobs.length).toBeGreaterThan(0);
    expect(first.jobs.length).toBeLessThan(JOBS);
    const second = await claim(q, { ...request, token: 't2' });
    expect([...first.jobs, ...second.jobs].map((j) => j.id)).toEqual(ids);
    expect(largestSince(from)).toBeLessThan(bound);
  });
});
