// Jobs a request sends back to inactive wake a worker, as created ones do: else a retried or
// resumed job waits for the next cron tick (a minute on Workers).
import { afterAll, describe, expect, it } from 'vitest';
import { dropQueue, testApp } from './support.js';

const t = testApp();
afterAll(() => dropQueue(t.queue));

async function failed(): Promise<string> {
  const { id } = await t.queue.create('again', {}).save();
  await t.queue.setState([id!], 'failed');
  return id!;
}

describe('a request that sends jobs back to inactive', () => {
  it('wakes a worker: retry by id or by state, a move to inactive, Kue’s restart, a resume', async () => {
    const wakes: [string, string, string | undefined][] = [];
    const cases: [string, string, () => Promise<unknown>][] = [
      ['POST', '/jobs/{id}/retry', failed],
      ['POST', '/jobs/failed/retry?type=again', failed],
      ['PUT', '/job/{id}/state/inactive', failed],
      ['GET', '/inactive/{id}', failed],
      ['POST', '/types/again/resume', () => t.queue.pause('again')],
    ];
    for (const [method, path, before] of cases) {
      const id = String(await before());
      const woken = t.woken.length;
      const res = await t.send(method, path.replace('{id}', id));
      expect(res.status, path).toBe(200);
      expect(t.woken.length, path).toBe(woken + 1);
      const [job] = t.woken.at(-1)!;
      wakes.push([path, job!.state()!, job!.type || undefined]);
    }
    expect(wakes.map(([, state]) => state)).toEqual(Array(5).fill('inactive'));
    // the type, where the request names one: a wake-up may look at it
    expect(wakes[1]![2]).toBe('again');
    expect(wakes[4]![2]).toBe('again');
  });

  it('does not wake one for nothing: a move to another state, a retry of an empty state', async () => {
    const woken = t.woken.length;
    const id = await failed();
    expect((await t.send('PUT', `/job/${id}/state/complete`)).status).toBe(200);
    expect((await t.send('POST', '/jobs/delayed/retry?type=none-here')).status).toBe(200);
    expect(t.woken.length).toBe(woken);
  });
});
