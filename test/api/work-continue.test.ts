// A woken run that ends with work left (its calls ran out with a backlog, or runs it cut were
// given back) wakes another invocation where wake-ups reach one (QStash, direct), instead of
// leaving the rest to the next cron tick; in process, or when the queue ran dry, it does not.
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from '../../core/index.js';
import type { WakeMode } from '../../functions/wake/index.js';
import { workRoute } from '../../functions/work-route.js';
import { HandlerRegistry } from '../../worker-handlers/index.js';
import { dropQueue } from '../worker/helpers.js';
import { newQueue, testConfig } from './support.js';

const secret = 'work-continue-secret-0123456789';
const queues: ReturnType<typeof newQueue>[] = [];
afterAll(async () => {
  for (const q of queues) await dropQueue(q);
});

/** POST /work?wait=1 on a queue with `jobs` waiting; the wake-ups the run asked for. */
async function wokenRun(mode: WakeMode, jobs: number, maxCalls: number) {
  const queue = newQueue();
  queues.push(queue);
  if (jobs > 0) await queue.createMany(Array.from({ length: jobs }, () => ({ type: 'q' })));
  const woken: Job[][] = [];
  const work = workRoute({
    queue,
    registry: new HandlerRegistry().process('q', async () => 'ok'),
    config: testConfig({ EDGEKUE_WORKER_SECRET: secret, EDGEKUE_MAX_JOBS: '2' }),
    log: { error: () => {} },
    maxCalls,
    wake: (js) => woken.push(js),
    wakeMode: mode,
  });
  const res = await work(
    new Request('http://edgekue.test/work?wait=1', {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}` },
    }),
    { waitUntil: () => {} },
  );
  const result = (await res.json()) as { completed: number; moreWaiting: boolean };
  return { result, woken, left: await queue.inactiveCount('q') };
}

describe('a woken run that ends with work left', () => {
  it('wakes another invocation (QStash, direct) for the rest', async () => {
    for (const mode of ['qstash', 'direct'] as const) {
      const { result, woken, left } = await wokenRun(mode, 40, 25);
      expect(left, mode).toBeGreaterThan(0);
      expect(result.moreWaiting, mode).toBe(true);
      expect(
        woken.map((jobs) => jobs.map((j) => j.state())),
        mode,
      ).toEqual([['inactive']]);
    }
  });

  it('does not in process, nor when the queue ran dry', async () => {
    const inProcess = await wokenRun('in-process', 40, 25);
    expect(inProcess.left).toBeGreaterThan(0);
    expect(inProcess.woken).toEqual([]);
    const dry = await wokenRun('qstash', 3, 1_000);
    expect(dry.left).toBe(0);
    expect(dry.result.moreWaiting).toBe(false);
    expect(dry.woken).toEqual([]);
  });
});
