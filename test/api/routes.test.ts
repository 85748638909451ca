import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countMessageSchema,
  countSchema,
  createdSchema,
  errorSchema,
  jobListSchema,
  jobSchema,
  messageSchema,
  pausedSchema,
  statsSchema,
  stringListSchema,
  throughputSchema,
  typeSummaryListSchema,
} from '../../functions/api/schema.js';
import { ack, claim, dropQueue, newQueue, type TestApp, testApp } from './support.js';

let t: TestApp;
const ids: string[] = [];

async function ok<T>(res: Response | Promise<Response>, schema: { parse(v: unknown): T }) {
  const r = await res;
  const body = await r.json();
  expect(r.status, JSON.stringify(body)).toBe(200);
  return schema.parse(body);
}

beforeAll(async () => {
  t = testApp();
  for (const [type, data] of [
    ['email', { title: 'welcome tj', to: 'tj@example.com' }],
    ['email', { title: 'reset password', to: 'ann@example.com' }],
    ['video', { title: 'encode holiday' }],
  ] as const) {
    const body = await ok(t.send('POST', '/job', { type, data }), createdSchema);
    ids.push(String(body.id));
  }
});

afterAll(() => dropQueue(t.queue));

describe("Kue's routes", () => {
  it('GET /stats counts per state', async () => {
    const stats = await ok(t.send('GET', '/stats'), statsSchema);
    expect(stats).toEqual({
      inactiveCount: 3,
      completeCount: 0,
      activeCount: 0,
      failedCount: 0,
      delayedCount: 0,
      workTime: 0,
    });
  });

  it('GET /job/types lists types', async () => {
    expect(await ok(t.send('GET', '/job/types'), stringListSchema)).toEqual(['email', 'video']);
  });

  it('GET /job/search finds ids, and [] without a query', async () => {
    expect(await ok(t.send('GET', '/job/search?q=welcome'), stringListSchema)).toEqual([ids[0]]);
    expect(await ok(t.send('GET', '/job/search?q=example.com'), stringListSchema)).toEqual([
      ids[0],
      ids[1],
    ]);
    expect(await ok(t.send('GET', '/job/search'), stringListSchema)).toEqual([]);
    expect(await ok(t.send('GET', '/job/search?q='), stringListSchema)).toEqual([]);
  });

  it('GET /job/search answers 400 naming q when every word is too common', async () => {
    const small = testApp({}, {}, newQueue({ maxSearchResults: 1 }));
    try {
      for (const to of ['a@example.com', 'b@example.com']) {
        await ok(small.send('POST', '/job', { type: 'email', data: { to } }), createdSchema);
      }
      const res = await small.send('GET', '/job/search?q=example.com');
      const body = errorSchema.parse(await res.json());
      expect(res.status).toBe(400);
      expect(body.error).toMatch(/^q matches too many jobs: .* more than 1 \(the rarest in 2\)/);
      expect(await ok(small.send('GET', '/job/search?q=b example'), stringListSchema)).toHaveLength(
        1,
      );
    } finally {
      await dropQueue(small.queue);
    }
  });

  it('GET /job/:id answers Kue toJSON shape', async () => {
    const job = await ok(t.send('GET', `/job/${ids[0]}`), jobSchema);
    expect(job).toMatchObject({
      id: ids[0],
      type: 'email',
      data: { title: 'welcome tj', to: 'tj@example.com' },
      state: 'inactive',
      priority: 0,
      progress: 0,
      attempts: { made: 0, remaining: 1, max: 1 },
    });
    expect(Number(job.created_at)).toBeGreaterThan(1_600_000_000_000);
  });

  it('GET /job/:id is 404 for a job that does not exist', async () => {
    const r = await t.send('GET', '/job/999999');
    expect(r.status).toBe(404);
    expect(errorSchema.parse(await r.json()).error).toMatch(/999999/);
  });

  it('GET /job/:id/log answers the log lines', async () => {
    const job = await t.queue.getJob(ids[0]!);
    await job.log('hello %s', 'world');
    await job.log('second');
    expect(await ok(t.send('GET', `/job/${ids[0]}/log`), stringListSchema)).toEqual([
      'hello world',
      'second',
    ]);
    expect((await t.send('GET', '/job/999999/log')).status).toBe(404);
  });

  it('GET /jobs ranges: all, by state, by type and state', async () => {
    const all = await ok(t.send('GET', '/jobs/0..10'), jobListSchema);
    expect(all.map((j) => j.id)).toEqual(ids);
    const byState = await ok(t.send('GET', '/jobs/inactive/0..10/desc'), jobListSchema);
    expect(byState.map((j) => j.id)).toEqual([...ids].reverse());
    const byType = await ok(t.send('GET', '/jobs/email/inactive/0..10/asc'), jobListSchema);
    expect(byType.map((j) => j.id)).toEqual(ids.slice(0, 2));
    expect(await ok(t.send('GET', '/jobs/video/complete/0..10'), jobListSchema)).toEqual([]);
  });

  it('GET /jobs/:type/:state/stats counts', async () => {
    expect(await ok(t.send('GET', '/jobs/email/inactive/stats'), countSchema)).toEqual({
      count: 2,
    });
    expect(await ok(t.send('GET', '/jobs/nope/inactive/stats'), countSchema)).toEqual({ count: 0 });
  });

  it('PUT /job/:id/state/:state moves a job', async () => {
    const body = await ok(t.send('PUT', `/job/${ids[2]}/state/failed`), messageSchema);
    expect(body).toEqual({ message: 'updated state' });
    expect((await t.queue.getJob(ids[2]!)).state()).toBe('failed');
    expect((await t.send('PUT', '/job/999999/state/failed')).status).toBe(404);
  });

  it('PUT /job/:id/priority/:priority takes a name or a number', async () => {
    expect(await ok(t.send('PUT', `/job/${ids[1]}/priority/high`), messageSchema)).toEqual({
      message: 'updated priority',
    });
    expect((await t.queue.getJob(ids[1]!)).priority()).toBe(-10);
    await ok(t.send('PUT', `/job/${ids[1]}/priority/-3`), messageSchema);
    expect((await t.queue.getJob(ids[1]!)).priority()).toBe(-3);
    expect((await t.send('PUT', '/job/999999/priority/low')).status).toBe(404);
  });

  it("GET /inactive/:id is Kue's restart", async () => {
    expect(await ok(t.send('GET', `/inactive/${ids[2]}`), messageSchema)).toEqual({
      message: `job ${ids[2]} inactive`,
    });
    expect((await t.queue.getJob(ids[2]!)).state()).toBe('inactive');
    expect((await t.send('GET', '/inactive/999999')).status).toBe(404);
  });
});

describe("edgekue's additions", () => {
  it('POST /jobs/:id/retry resets attempts and sends the job back to inactive', async () => {
    const { id } = await ok(t.send('POST', '/job', { type: 'flaky', data: {} }), createdSchema);
    expect(await claim(t.queue, 'flaky')).toEqual([String(id)]);
    expect(await ack(t.queue, String(id), false)).toEqual(['failed']);
    expect(await ok(t.send('POST', `/jobs/${id}/retry`), messageSchema)).toEqual({
      message: `job ${id} retried`,
    });
    const job = await t.queue.getJob(id);
    expect(job.state()).toBe('inactive');
    expect(job.attempts().made).toBe(0);
    expect((await t.send('POST', '/jobs/999999/retry')).status).toBe(404);
  });

  it('POST /jobs/:state/retry and DELETE /jobs/:state work in bulk, by type', async () => {
    for (const n of [1, 2, 3]) await t.send('POST', '/job', { type: 'bulk', data: { n } });
    await t.send('POST', '/job', { type: 'other', data: {} });
    for (const id of await claim(t.queue, 'bulk', 3)) await ack(t.queue, id, false);
    const retried = await ok(t.send('POST', '/jobs/failed/retry?type=bulk'), countMessageSchema);
    expect(retried).toEqual({ message: 'retried 3 failed jobs', count: 3 });
    expect(await ok(t.send('GET', '/jobs/bulk/inactive/stats'), countSchema)).toEqual({ count: 3 });
    const removed = await ok(t.send('DELETE', '/jobs/inactive?type=bulk'), countMessageSchema);
    expect(removed).toEqual({ message: 'removed 3 inactive jobs', count: 3 });
    expect(await ok(t.send('GET', '/jobs/bulk/inactive/stats'), countSchema)).toEqual({ count: 0 });
    expect(await ok(t.send('GET', '/jobs/other/inactive/stats'), countSchema)).toEqual({
      count: 1,
    });
  });

  it('GET /throughput answers per-minute counts', async () => {
    const { id } = await ok(t.send('POST', '/job', { type: 'tp', data: {} }), createdSchema);
    await claim(t.queue, 'tp');
    expect(await ack(t.queue, String(id), true)).toEqual(['complete']);
    const tp = await ok(t.send('GET', '/throughput?minutes=5'), throughputSchema);
    expect(tp.minutes).toHaveLength(5);
    expect(tp.minutes.at(-1)?.[1]).toBeGreaterThanOrEqual(1);
    const hour = await ok(t.send('GET', '/throughput'), throughputSchema);
    expect(hour.minutes).toHaveLength(60);
  });

  it('GET /types, POST /types/:type/pause and /resume', async () => {
    const paused = await ok(t.send('POST', '/types/email/pause'), pausedSchema);
    expect(paused).toEqual({ paused: ['email'] });
    const timed = await ok(t.send('POST', '/types/video/pause', { ms: 60_000 }), pausedSchema);
    expect(timed.paused.sort()).toEqual(['email', 'video']);
    const types = await ok(t.send('GET', '/types'), typeSummaryListSchema);
    const email = types.find((x) => x.type === 'email');
    expect(email).toEqual({
      type: 'email',
      counts: { inactive: 2, active: 0, delayed: 0, complete: 0, failed: 0 },
      paused: true,
    });
    expect(types.find((x) => x.type === 'tp')?.paused).toBe(false);
    expect(await ok(t.send('POST', '/types/email/resume'), pausedSchema)).toEqual({
      paused: ['video'],
    });
    await ok(t.send('POST', '/types/video/resume'), pausedSchema);
  });

  it('DELETE /job/:id removes a job, then search no longer finds it', async () => {
    expect(await ok(t.send('GET', '/job/search?q=welcome'), stringListSchema)).toEqual([ids[0]]);
    expect(await ok(t.send('DELETE', `/job/${ids[0]}`), messageSchema)).toEqual({
      message: `job ${ids[0]} removed`,
    });
    expect(await ok(t.send('GET', '/job/search?q=welcome'), stringListSchema)).toEqual([]);
    expect((await t.send('GET', `/job/${ids[0]}`)).status).toBe(404);
    expect((await t.send('DELETE', `/job/${ids[0]}`)).status).toBe(404);
  });

  it('unknown routes answer 404 {error}', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['PATCH', `/job/${ids[1]}`],
      ['GET', '/jobs/inactive'],
    ] as const) {
      const r = await t.send(method, path);
      expect(r.status).toBe(404);
      expect(errorSchema.parse(await r.json()).error).toMatch(/no route/);
    }
  });

  it("answers a path with a trailing slash as the path without it, as Kue's Express did", async () => {
    expect(await ok(t.send('GET', '/stats/'), statsSchema)).toEqual(
      await ok(t.send('GET', '/stats'), statsSchema),
    );
    const job = await ok(t.send('GET', `/job/${ids[1]}/`), jobSchema);
    expect(job.id).toBe(ids[1]);
    const page = await ok(t.send('GET', '/jobs/video/inactive/0..9/asc/'), jobListSchema);
    expect(page.map((j) => j.type)).toEqual(['video']);
    const moved = await t.send('PUT', `/job/${ids[2]}/priority/high/`);
    expect(moved.status).toBe(200);
    expect((await ok(t.send('GET', `/job/${ids[2]}`), jobSchema)).priority).toBe(-10);
    const created = await ok(t.send('POST', '/job/', { type: 'slash', data: {} }), createdSchema);
    expect((await ok(t.send('GET', `/job/${created.id}`), jobSchema)).type).toBe('slash');
    // a slash only: the path still has to name a route
    expect((await t.send('GET', '/jobs/inactive/')).status).toBe(404);
  });
});

describe('mounted under a sub-path', () => {
  it('serves the same routes under /kue', async () => {
    const parent = new Hono().route('/kue', t.app);
    const stats = await parent.request('/kue/stats');
    expect(stats.status).toBe(200);
    statsSchema.parse(await stats.json());
    const created = await parent.request('/kue/job', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'mounted', data: { x: 1 } }),
    });
    const { id } = createdSchema.parse(await created.json());
    const job = jobSchema.parse(await (await parent.request(`/kue/job/${id}`)).json());
    expect(job.type).toBe('mounted');
    const page = jobListSchema.parse(
      await (await parent.request('/kue/jobs/mounted/inactive/0..0')).json(),
    );
    expect(page.map((j) => j.id)).toEqual([String(id)]);
    const bad = await parent.request('/kue/job/abc');
    expect(bad.status).toBe(400);
    expect(errorSchema.parse(await bad.json()).error).toMatch(/^id:/);
    const doc = (await (await parent.request('/kue/openapi.json')).json()) as {
      servers: { url: string }[];
    };
    expect(doc.servers).toEqual([{ url: '/kue' }]);
    expect((await parent.request('/kue/nope')).status).toBe(404);
  });
});
