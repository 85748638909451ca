import { describe, expect, it } from 'vitest';
import { type Job, Queue, type RedisClient } from '../../core/index.js';
import { HandlerRegistry, runWake } from '../../worker-handlers/index.js';
import { aroundCalls, failingCall } from '../support/failing-call.js';
import { testRedis } from '../support/stack.js';
import { dropQueue, rawJob, sleep, workerPrefix } from './helpers.js';

/**
 * The real client, except that the first `times` calls of the named script run in Redis and
 * then lose their answer, as when a connection drops after the request went through.
 */
function losingAnswers(name: string, times: number) {
  let lost = 0;
  const client = aroundCalls(name, async (send) => {
    const answer = await send();
    if (lost < times) {
      lost++;
      throw new TypeError('fetch failed: the connection closed before the answer');
    }
    return answer;
  });
  return { client, lost: () => lost };
}

describe('a call whose answer was lost', () => {
  it('an ack retried after its answer was lost is answered, not run again, and its claims run', async () => {
    const { client, lost } = losingAnswers('ack', 3);
    const queue = new Queue(client, { prefix: workerPrefix('lost') });
    try {
      const jobs = await queue.createMany(
        Array.from({ length: 40 }, (_, i) => ({ type: 'mail', data: { i } })),
      );
      const runs = new Map<string, number>();
      const registry = new HandlerRegistry();
      registry.process('mail', async (job) => {
        runs.set(job.id!, (runs.get(job.id!) ?? 0) + 1);
      });
      const r = await runWake(queue, registry, { maxJobs: 10, budgetMs: 20_000 });
      expect(lost()).toBe(3);
      // every job ran once and completed on its first attempt: no claimed job was left leased to
      // nobody, no settlement reported lost
      expect(r.completed).toBe(40);
      expect(r.lost).toBe(0);
      expect(r.failed).toBe(0);
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      expect(runs.size).toBe(40);
      for (const job of jobs) {
        const h = await rawJob(queue, job.id!);
        expect(h.state, `job ${job.id}`).toBe('complete');
        expect(h.attempts, `job ${job.id}`).toBe('1');
      }
      // settled once: the throughput counts are not doubled by the retries
      const { minutes } = await queue.throughput(5);
      const counted = minutes.reduce((sum, [, complete]) => sum + complete, 0);
      expect(counted).toBe(40);
    } finally {
      await dropQueue(queue);
    }
  });
});

describe('claim and ack called again with the same request id', () => {
  it('claim answers the same jobs and claims no more', async () => {
    const queue = new Queue(testRedis(), { prefix: workerPrefix('replay') });
    try {
      await queue.createMany(Array.from({ length: 8 }, () => ({ type: 'a' })));
      const call = {
        request: 'call-1',
        count: 3,
        lease_ms: 60_000,
        token: 'lease-1',
        worker: 'w',
        types: [{ type: 'a', concurrency: 0 }],
      };
      const ids = (r: { jobs: string[][] }) => r.jobs.map((flat) => flat[flat.indexOf('id') + 1]);
      const first = await queue.scripts.run<{ jobs: string[][]; now: number }>('claim', call);
      const again = await queue.scripts.run<{ jobs: string[][]; now: number }>('claim', call);
      expect(ids(first)).toEqual(['1', '2', '3']);
      expect(ids(again)).toEqual(['1', '2', '3']);
      expect(again.now).toBe(first.now);
      expect(await queue.inactiveCount()).toBe(5);
      // a new call claims new jobs
      const other = await queue.scripts.run<{ jobs: string[][] }>('claim', {
        ...call,
        request: 'call-2',
        token: 'lease-2',
      });
      expect(ids(other)).toEqual(['4', '5', '6']);

      // ack: the same settlements, the same claimed replacements, nothing settled twice
      const ack = {
        request: 'ack-1',
        done: [
          { id: '1', token: 'lease-1', ok: true },
          { id: '2', token: 'lease-1', ok: false, error: 'boom', delay: -1 },
          { id: '5', token: 'stale', ok: true },
        ],
        claim: { ...call, request: undefined, token: 'lease-3', count: 2 },
      };
      type AckAnswer = { settled: string[]; jobs: string[][] };
      const a1 = await queue.scripts.run<AckAnswer>('ack', ack);
      const a2 = await queue.scripts.run<AckAnswer>('ack', ack);
      expect(a1.settled).toEqual(['complete', 'failed', 'lost']);
      expect(a2.settled).toEqual(a1.settled);
      expect(ids(a1)).toEqual(['7', '8']);
      expect(ids(a2)).toEqual(['7', '8']);
      expect(await queue.completeCount()).toBe(1);
      expect(await queue.failedCount()).toBe(1);
      // a replay leaves out a claimed job its lease no longer holds
      await queue.scripts.run('ack', { done: [{ id: '7', token: 'lease-3', ok: true }] });
      expect(ids(await queue.scripts.run<AckAnswer>('ack', ack))).toEqual(['8']);
    } finally {
      await dropQueue(queue);
    }
  });
});

/** Runs one job of type 'log' whose handler is `body`, flushing writes every 50 ms. */
async function runLogging(client: RedisClient, label: string, body: (job: Job) => Promise<void>) {
  const queue = new Queue(client, { prefix: workerPrefix(label) });
  const [job] = await queue.createMany([{ type: 'log' }]);
  const registry = new HandlerRegistry().process('log', body);
  const result = await runWake(queue, registry, { maxJobs: 1, flushIntervalMs: 50 });
  const lines = await queue.logs(job!.id!);
  await dropQueue(queue);
  return { result, lines };
}

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `line ${from + i}`);

describe('log lines of a call sent again', () => {
  it('a flush whose answer was lost is sent again and its lines are written once', async () => {
    const { client, lost } = losingAnswers('touch', 2);
    const { result, lines } = await runLogging(client, 'lostflush', async (job) => {
      for (const line of numbered(0, 10)) void job.log(line);
      await sleep(400); // a flush, its answer lost twice, sent again with what came since
      for (const line of numbered(10, 15)) void job.log(line);
      await sleep(200);
      for (const line of numbered(15, 18)) void job.log(line); // these go with the ack
    });
    expect(lost()).toBe(2);
    expect(result).toMatchObject({ completed: 1, lost: 0 });
    expect(lines).toEqual(numbered(0, 18));
  });

  it("the lines that go with a job's ack are sent again when their call fails", async () => {
    const { client, calls } = failingCall('touch', 1);
    const { result, lines } = await runLogging(client, 'acklines', async (job) => {
      for (const line of numbered(0, 3)) void job.log(line);
    });
    expect(calls()).toBe(2);
    expect(result).toMatchObject({ completed: 1, lost: 0 });
    expect(lines).toEqual(numbered(0, 3));
  });

  it("a job's last lines wait for a flush still under way, and none is skipped", async () => {
    // The first flush takes 300 ms to reach Redis; the job ends meanwhile, its last lines
    // numbered after the flush's.
    let slowed = false;
    const client = aroundCalls('touch', async (send, n) => {
      if (n === 1) {
        slowed = true;
        await sleep(300);
      }
      return send();
    });
    const { result, lines } = await runLogging(client, 'overtaken', async (job) => {
      for (const line of numbered(0, 5)) void job.log(line);
      await sleep(120);
      for (const line of numbered(5, 8)) void job.log(line);
    });
    expect(slowed).toBe(true);
    expect(result).toMatchObject({ completed: 1, lost: 0 });
    expect(lines).toEqual(numbered(0, 8));
  });

  it('an ack waits for a flush under way only so long: a hung call does not hold it back', async () => {
    let hung = 0;
    const client = aroundCalls('touch', (send, n) => {
      hung = n;
      return n === 1 ? new Promise(() => {}) : send(); // the first never answers
    });
    const { result, lines } = await runLogging(client, 'hungflush', async (job) => {
      for (const line of numbered(0, 5)) void job.log(line);
      await sleep(120); // the flush of lines 0-4 is sent, and hangs
      for (const line of numbered(5, 8)) void job.log(line);
    });
    expect(hung).toBeGreaterThan(1);
    expect(result).toMatchObject({ completed: 1, lost: 0 });
    expect(lines).toEqual(numbered(5, 8));
  });

  it('touch.lua writes a line once however often it is sent, and again under a new lease', async () => {
    const queue = new Queue(testRedis(), { prefix: workerPrefix('logmark') });
    try {
      const [job] = await queue.createMany([{ type: 'a' }]);
      const id = job!.id!;
      const send = (token: string, from: number, to: number) =>
        queue.touch([{ id, logs: numbered(from, to), at: [token, from] }]);
      await send('lease-1', 0, 4);
      await send('lease-1', 0, 4);
      await send('lease-1', 2, 6); // overlaps: 4 and 5 are new
      await send('lease-1', 1, 3); // all written already
      expect(await queue.logs(id)).toEqual(numbered(0, 6));
      await send('lease-2', 0, 2); // a new lease numbers its lines from 0
      expect(await queue.logs(id)).toEqual([...numbered(0, 6), ...numbered(0, 2)]);
      // lines sent without a number are written as they come
      await queue.touch([{ id, logs: ['plain'] }]);
      await queue.touch([{ id, logs: ['plain'] }]);
      expect((await queue.logs(id)).slice(-2)).toEqual(['plain', 'plain']);
    } finally {
      await dropQueue(queue);
    }
  });
});
