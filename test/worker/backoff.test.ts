// Each backoff kind delays the retry by what it promises: promote_at - failed_at, both written
// by the same script call in Redis time.
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { JOB_FIELDS, MAX_DELAY_MS, type Queue } from '../../core/index.js';
import { HandlerRegistry, runBatch } from '../../worker-handlers/index.js';
import { testRedis } from '../support/stack.js';
import { dropQueue, rawJob, testQueue, waitFor } from './helpers.js';

const queue = testQueue('backoff');
afterAll(() => dropQueue(queue));

const failing = new HandlerRegistry()
  .process('fixed', async () => {
    throw new Error('fixed fails');
  })
  .process('exponential', async () => {
    throw new Error('exponential fails');
  })
  .process('custom', async () => {
    throw new Error('custom fails');
  })
  .process('per-process', { backoff: (attempt) => 150 * attempt }, async () => {
    throw new Error('per-process fails');
  })
  .process('true', async () => {
    throw new Error('true fails');
  });

async function retryDelay(q: Queue, id: string): Promise<number> {
  const h = await rawJob(q, id);
  expect(h.state).toBe('delayed');
  return Number(h.promote_at) - Number(h.failed_at);
}

/** Runs batches until the job has failed `made` attempts (a delayed job is promoted when due). */
async function failUntil(id: string, made: number) {
  await waitFor(`attempt ${made} of job ${id}`, async () => {
    await runBatch(queue, failing, { budgetMs: 3_000 });
    return Number((await rawJob(queue, id)).attempts) >= made;
  });
}

describe('backoff', () => {
  it('fixed: the given delay', async () => {
    const job = await queue
      .create('fixed')
      .attempts(3)
      .backoff({ type: 'fixed', delay: 700 })
      .save();
    await failUntil(job.id!, 1);
    expect(await retryDelay(queue, job.id!)).toBe(700);
  });

  it('exponential: delay * 2^(attempt-1), capped by maxDelay', async () => {
    const job = await queue
      .create('exponential')
      .attempts(4)
      .backoff({ type: 'exponential', delay: 200, maxDelay: 300 })
      .save();
    await failUntil(job.id!, 1);
    expect(await retryDelay(queue, job.id!)).toBe(200);
    await failUntil(job.id!, 2);
    expect(await retryDelay(queue, job.id!)).toBe(300); // 400, capped
  });

  it('exponential without maxDelay: at most 10 years, however many attempts were made', async () => {
    // 1,000 ms * 2^1099 is past a double (inf), and 2^49 already past ten years: either one
    // failed the whole ack (its answer could not be encoded) or set a due time no job reaches
    for (const made of [49, 1_099]) {
      const job = await queue
        .create('exponential', { made })
        .attempts(1_000_000)
        .backoff({ type: 'exponential', delay: 1_000 })
        .save();
      await testRedis().hset(queue.keys.job(job.id!), { [JOB_FIELDS.attempts]: String(made) });
      await failUntil(job.id!, made + 1);
      expect(await retryDelay(queue, job.id!)).toBe(MAX_DELAY_MS);
    }
  });

  it('a function: what it returns for the attempt', async () => {
    const job = await queue
      .create('custom')
      .attempts(3)
      .backoff((attempt, delay) => 500 * attempt + delay)
      .save();
    await failUntil(job.id!, 1);
    expect(await retryDelay(queue, job.id!)).toBe(500);
    await failUntil(job.id!, 2);
    expect(await retryDelay(queue, job.id!)).toBe(1_000);
  });

  it('a function given at process() time', async () => {
    const job = await queue
      .create('per-process')
      .attempts(2)
      .backoff(() => 0)
      .save();
    await failUntil(job.id!, 1);
    expect(await retryDelay(queue, job.id!)).toBe(150);
  });

  it("true: the job's own delay", async () => {
    const job = await queue.create('true').attempts(2).delay(250).backoff(true).save();
    await failUntil(job.id!, 1);
    expect(await retryDelay(queue, job.id!)).toBe(250);
  });

  it('no backoff: straight back to inactive', async () => {
    const job = await queue.create('fixed').attempts(2).save();
    const r = await runBatch(queue, failing, { budgetMs: 3_000, maxJobs: 1 });
    expect(r.failed).toBeGreaterThanOrEqual(1);
    expect((await queue.getJob(job.id!)).attempts().made).toBe(2);
  });
});

describe('a retry put off by its backoff', () => {
  it('is handed to onRetry as a delayed job with its due time; a retry without delay is not', async () => {
    // a queue of its own: the other tests' retries must not land in this run
    const queue = testQueue('retry-wake');
    onTestFinished(() => dropQueue(queue));
    const job = await queue
      .create('fixed', {})
      .attempts(3)
      .backoff({ type: 'fixed', delay: 5_000 })
      .save();
    const immediate = await queue.create('true', {}).attempts(3).save();
    const handed: { id: string; state: string | undefined; promoteAt: number; type: string }[] = [];
    await runBatch(queue, failing, {
      budgetMs: 3_000,
      onRetry: (jobs) => {
        for (const j of jobs) {
          handed.push({
            id: j.id!,
            state: j.state(),
            promoteAt: Number(j.promote_at),
            type: j.type,
          });
        }
      },
    });
    const h = await rawJob(queue, job.id!);
    expect(h.state).toBe('delayed');
    expect(handed).toEqual([
      { id: job.id!, state: 'delayed', promoteAt: Number(h.promote_at), type: 'fixed' },
    ]);
    // no backoff: straight back to inactive, nothing to schedule
    expect((await rawJob(queue, immediate.id!)).state).not.toBe('delayed');
  });
});
