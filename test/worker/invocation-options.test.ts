// An invocation's options are checked where they are handed over: a lease of 0 ms once made every
// job look abandoned at once (each ran once per attempt), a NaN budget or a fractional maxJobs
// stopped claiming without a word.
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/index.js';
import { HandlerRegistry, runBatch, runTick, runWake } from '../../worker-handlers/index.js';
import { dropQueue, rawJob, testQueue } from './helpers.js';

const queue = testQueue('options');
afterAll(() => dropQueue(queue));

const registry = new HandlerRegistry().process('opt', async () => 'ok');

describe('invocation options', () => {
  it('refuse a bad number with a ValidationError naming it, and claim nothing', async () => {
    const job = await queue.create('opt', {}).attempts(3).save();
    const bad: [string, object][] = [
      ['leaseMs', { leaseMs: 0 }],
      ['leaseMs', { leaseMs: -1_000 }],
      ['leaseMs', { leaseMs: 1.5 }],
      ['budgetMs', { budgetMs: Number.POSITIVE_INFINITY }],
      ['maxJobs', { maxJobs: 2.5 }],
      ['maxJobs', { maxJobs: 0 }],
      ['budgetMs', { budgetMs: Number.NaN }],
      ['leaseMs', { leaseMs: 'abc' }],
      ['lanes', { lanes: 0 }],
      ['calls.remaining', { calls: { remaining: -1 } }],
    ];
    for (const [field, options] of bad) {
      for (const run of [runBatch, runWake, runTick]) {
        const error = await run(queue, registry, options as never).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, `${run.name} ${JSON.stringify(options)}`).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toBe(field);
        expect((error as ValidationError).message).toMatch(new RegExp(`^${field}: `));
      }
    }
    const untouched = await rawJob(queue, job.id!);
    expect(untouched.state).toBe('inactive');
    expect(untouched.attempts ?? '0').toBe('0');
  });

  it('run with sound ones, fractions of a ms and an unlimited call budget included', async () => {
    const job = await queue.create('opt', {}).save();
    const r = await runWake(queue, registry, {
      // fractions of a ms, as a schedule scaled down has them
      leaseMs: 50.5,
      dueHorizonMs: 83.3,
      maxJobs: 3,
      budgetMs: 4_999.5,
      calls: { remaining: Number.POSITIVE_INFINITY },
    });
    expect(r.completed).toBeGreaterThanOrEqual(1);
    expect((await rawJob(queue, job.id!)).state).toBe('complete');
  });
});
