import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorSchema } from '../../functions/api/schema.js';
import { badCases, runBadCases } from './bad-cases.js';
import { dropQueue, keyspace, type TestApp, testApp } from './support.js';

// Malformed requests of every kind (bad-cases.ts): each answers its 4xx with a JSON {error} and
// Redis stays byte-for-byte as it was (every key under the prefix DUMPed and hashed).

let t: TestApp;
beforeAll(async () => {
  t = testApp();
  // something to protect: jobs in several states, a log, a paused type, events
  const jobs = await t.queue.createMany([
    { type: 'email', data: { to: 'a@example.com' } },
    { type: 'email', data: { to: 'b@example.com' }, options: { delay: 60_000 } },
    { type: 'video', data: { n: 1 }, options: { unique: 'v1' } },
  ]);
  await jobs[0]!.log('hello');
  await t.queue.setState([jobs[2]!.id!], 'failed');
  await t.queue.pause('video');
});
afterAll(() => dropQueue(t.queue));

describe(`${badCases.length} malformed requests`, () => {
  it('has at least 100 cases', () => {
    expect(badCases.length).toBeGreaterThanOrEqual(100);
  });

  it('each answers its 4xx with a JSON {error}, and Redis is unchanged byte for byte', async () => {
    const before = await keyspace(t.queue);
    expect(before.length).toBeGreaterThan(8);
    const failures = await runBadCases((method, path, init = {}) =>
      Promise.resolve(t.app.request(path, { method, ...init })),
    );
    expect(failures).toEqual([]);
    expect(await keyspace(t.queue)).toEqual(before);
    expect(t.woken).toEqual([]);
    expect(t.log.lines.filter((l) => l.startsWith('error'))).toEqual([]);
  });

  it('a streamed body over the limit answers 413 without a content-length', async () => {
    const chunk = new TextEncoder().encode(`"${'x'.repeat(64 * 1024)}`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const before = await keyspace(t.queue);
    const res = await t.app.request('/job', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(errorSchema.parse(await res.json()).error).toMatch(/over the limit/);
    expect(await keyspace(t.queue)).toEqual(before);
  });
});
