// The JSON API's own Hono app maps its errors itself. Hono's route() hands a sub-app's errors to
// the parent's handler only when the sub-app's handler is the default of the parent's Hono copy:
// with a project's own hono installed beside edgekue's (two copies), every JobNotFound and bad
// input came out of createApp, the Node server and the Worker as a text 500 with a stack logged.
// Here the API app answers with no parent at all, which is what a foreign parent amounts to.
import { afterAll, describe, expect, it } from 'vitest';
import { api, defaultEventStreamOptions } from '../../functions/api/index.js';
import { memoryLog, newQueue } from './support.js';

const queue = newQueue();
afterAll(() => queue.close());

describe('the API app without its parent', () => {
  it('answers a missing job 404 and a bad body 400, as JSON naming the problem', async () => {
    const log = memoryLog();
    const app = api({
      queue,
      wake: undefined,
      log,
      events: defaultEventStreamOptions,
      pageBytes: 1_000_000,
    });
    const missing = await app.request('/job/999999999');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: expect.stringContaining('999999999') });
    const bad = await app.request('/job', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'email', options: { attemps: 3 } }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.stringContaining('attemps') });
    expect(log.lines.filter((l) => l.startsWith('error'))).toEqual([]);
  });
});
