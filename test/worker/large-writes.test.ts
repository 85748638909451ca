// What a handler writes never outgrows the calls that carry it: one HTTP Redis request is limited
// (1 MiB at the test bridge, 10 MB on Upstash), and a worker's ack and touch carry many jobs at
// once. A result, an error or a log flood too large for one call must not cost the jobs that
// travel with it (lost acks would run them all again), nor vanish silently.
import { describe, expect, it } from 'vitest';
import { defaults, Queue } from '../../core/index.js';
import { HandlerRegistry, runWake } from '../../worker-handlers/index.js';
import { failingCall } from '../support/failing-call.js';
import { dropAfterAll, rawJob, sleep, testQueue, workerPrefix } from './helpers.js';

const kept = dropAfterAll();
const queue = (label: string): Queue => kept(testQueue(label));

/** Runs five jobs of type `t` in one batch; `body` is the handler for job n (0..4). */
async function runFive(
  q: Queue,
  body: (n: number, job: import('../../core/index.js').Job) => Promise<unknown>,
) {
  const runs = [0, 0, 0, 0, 0];
  const registry = new HandlerRegistry().process('t', async (job) => {
    const n = (job.data as { n: number }).n;
    runs[n]!++;
    return body(n, job);
  });
  const jobs = await q.createMany([0, 1, 2, 3, 4].map((n) => ({ type: 't', data: { n } })));
  const result = await runWake(q, registry, { maxJobs: 10, leaseMs: 5_000, budgetMs: 15_000 });
  const ids = jobs.map((j) => j.id!);
  return { result, runs, ids };
}

/** The args of every complete event, in order. */
async function completeArgs(q: Queue): Promise<unknown[][]> {
  const { events } = await q.eventStream.read('0', 1_000);
  return events.filter((e) => e.event === 'complete').map((e) => e.args);
}

describe('large writes from handlers', () => {
  it('a result over maxDataBytes fails its own attempt; the jobs acked with it complete once', async () => {
    const q = queue('bigresult');
    const { result, runs, ids } = await runFive(q, async (n) =>
      n === 2 ? 'x'.repeat(2_000_000) : `done ${n}`,
    );
    expect(result).toMatchObject({ claimed: 5, completed: 4, failed: 1, lost: 0 });
    expect(runs).toEqual([1, 1, 1, 1, 1]);
    const failed = await rawJob(q, ids[2]!);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(
      /^the result is 2000002 bytes of JSON, over the limit of \d+ \(maxDataBytes\)$/,
    );
    expect((await rawJob(q, ids[4]!)).result).toBe('done 4');
    expect(await completeArgs(q)).toEqual([['done 0'], ['done 1'], ['done 3'], ['done 4']]);
  });

  it('results that fit one by one but not together go in several acks, all kept', async () => {
    const q = queue('results');
    const { result, runs, ids } = await runFive(q, async (n) => `${n}`.repeat(400_000));
    expect(result).toMatchObject({ claimed: 5, completed: 5, lost: 0 });
    expect(runs).toEqual([1, 1, 1, 1, 1]);
    for (const [n, id] of ids.entries()) {
      expect((await rawJob(q, id)).result).toBe(`${n}`.repeat(400_000));
    }
    // The stream keeps thousands of events: a result this large is not copied into its event.
    expect(await completeArgs(q)).toEqual(ids.map(() => []));
  });

  it("a huge error text is cut, and fails only its job's attempt", async () => {
    const q = queue('bigerror');
    const { result, ids } = await runFive(q, async (n) => {
      if (n === 1) throw new Error(`boom ${'e'.repeat(2_000_000)}`);
      return n;
    });
    expect(result).toMatchObject({ completed: 4, failed: 1, lost: 0 });
    const error = (await rawJob(q, ids[1]!)).error ?? '';
    expect(error.startsWith('boom eee')).toBe(true);
    expect(error).toMatch(/… \(\d+ bytes cut\)$/);
    expect(error.length).toBeLessThanOrEqual(defaults.maxLineBytes);
  });

  it('a log flood keeps the newest maxLogLines lines, in order; a long line is cut', async () => {
    const q = queue('logflood');
    const { result, ids } = await runFive(q, async (n, job) => {
      if (n !== 3) return n;
      // 3,000 lines of ~1 KB in a tight loop, then one of 100 KB: 3 MB held between flushes
      for (let i = 0; i < 3_000; i++) void job.log('line %d %s', i, 'y'.repeat(1_000));
      void job.log('last %s', 'z'.repeat(100_000));
      return n;
    });
    expect(result).toMatchObject({ completed: 5, lost: 0 });
    const lines = await q.logs(ids[3]!);
    expect(lines).toHaveLength(q.options.maxLogLines);
    expect(lines[0]!.startsWith('line 2001 ')).toBe(true);
    expect(lines.at(-2)!.startsWith('line 2999 ')).toBe(true);
    expect(lines.at(-1)!.startsWith('last zzz')).toBe(true);
    expect(lines.at(-1)!).toMatch(/… \(\d+ bytes cut\)$/);
  });

  it('a flush whose second call fails sends only the lines the first did not write', async () => {
    const { client, calls: touches } = failingCall('touch', 2);
    const q = kept(new Queue(client, { prefix: workerPrefix('splitflush') }));
    const [job] = await q.createMany([{ type: 't', data: {} }]);
    // 100 lines of 5 KB, held together: one flush of ~500 KB is two calls of ~256 KiB
    const sent = Array.from({ length: 100 }, (_, i) => `${i} ${'w'.repeat(5_000)}`);
    const registry = new HandlerRegistry().process('t', async (j) => {
      for (const line of sent) void j.log(line);
      void j.progress(1, 2);
      await sleep(3_500); // the failed flush, and the one that sends the rest
    });
    const result = await runWake(q, registry, { maxJobs: 1, leaseMs: 30_000, budgetMs: 15_000 });
    expect(result).toMatchObject({ completed: 1, lost: 0 });
    expect(touches()).toBeGreaterThan(2);
    expect(await q.logs(job!.id!)).toEqual(sent);
  });

  it('progress data over maxDataBytes is refused where it is written', async () => {
    const q = queue('bigprogress');
    const [job] = await q.createMany([{ type: 't', data: {} }]);
    await expect(job!.progress(1, 2, 'p'.repeat(defaults.maxDataBytes))).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
  });
});
