// A server's in-process wake-up (functions/wake/in-process.ts): a created job goes to a running
// batch with a free slot before a run is started; a delayed job starts a run when it falls due.
import { describe, expect, it } from 'vitest';
import { JOB_FIELDS, Job } from '../../core/index.js';
import { serverInProcessWake } from '../../functions/wake/index.js';
import { RunningBatches } from '../../worker-handlers/index.js';
import { newQueue } from './support.js';

const queue = newQueue();
const ctx = { waitUntil: (p: Promise<unknown>) => void p };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const job = (state: string, dueIn?: number) =>
  Job.fromHash(queue, [
    JOB_FIELDS.type,
    't',
    JOB_FIELDS.state,
    state,
    JOB_FIELDS.created_at,
    '1000',
    ...(dueIn === undefined ? [] : [JOB_FIELDS.promote_at, String(1000 + dueIn)]),
  ]);

describe("a server's in-process wake-up", () => {
  it('hands a created job to a running batch with a free slot, and runs one only when none has', async () => {
    const running = new RunningBatches();
    let runs = 0;
    const wake = serverInProcessWake(async () => void runs++, running, { warn: () => {} });
    let free = true;
    let told = 0;
    running.add({
      lookAgain: () => {
        told++;
        return free;
      },
    });
    wake([job('inactive')], ctx);
    await sleep(10);
    expect([told, runs]).toEqual([1, 0]);
    free = false;
    wake([job('inactive')], ctx);
    await sleep(10);
    expect([told, runs]).toEqual([2, 1]);
  });

  it('starts a run when a delayed job falls due, and sets no timer for one due past a day', async () => {
    const running = new RunningBatches();
    let runs = 0;
    const wake = serverInProcessWake(async () => void runs++, running, { warn: () => {} });
    wake([job('delayed', 30 * 86_400_000)], ctx);
    await sleep(50);
    // (a timer past 2^31 ms fires at once)
    expect(runs).toBe(0);
    wake([job('delayed', 200)], ctx);
    await sleep(50);
    expect(runs).toBe(0);
    await sleep(300);
    expect(runs).toBe(1);
    // two due times, the later one given first: each starts a run (one timer forgot the second)
    wake([job('delayed', 400)], ctx);
    wake([job('delayed', 200)], ctx);
    await sleep(300);
    expect(runs).toBe(2);
    await sleep(300);
    expect(runs).toBe(3);
  });
});
