import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createdSchema, createResultsSchema, errorSchema } from '../../functions/api/schema.js';
import { dropQueue, keyspace, type TestApp, testApp } from './support.js';

let t: TestApp;
beforeAll(() => {
  t = testApp();
});
afterAll(() => dropQueue(t.queue));
afterEach(() => {
  vi.restoreAllMocks();
});

describe('POST /job', () => {
  it('creates one job with options and answers {message, id} with a numeric id', async () => {
    const r = await t.send('POST', '/job', {
      type: 'email',
      data: { to: 'tj@example.com', nested: { n: 1 } },
      options: {
        attempts: 3,
        priority: 'high',
        delay: 60_000,
        searchKeys: ['to'],
        backoff: { type: 'exponential', delay: 100 },
        removeOnComplete: true,
        ttl: 5_000,
      },
    });
    expect(r.status).toBe(200);
    const body = createdSchema.parse(await r.json());
    expect(body.message).toBe('job created');
    expect(typeof body.id).toBe('number');
    const job = await t.queue.getJob(body.id);
    expect(job.toJSON()).toMatchObject({
      type: 'email',
      data: { to: 'tj@example.com', nested: { n: 1 } },
      priority: -10,
      state: 'delayed',
      delay: 60_000,
      ttl: 5_000,
      attempts: { made: 0, remaining: 3, max: 3 },
    });
    expect(job.backoff()).toEqual({ type: 'exponential', delay: 100 });
    expect(t.woken.at(-1)?.map((j) => j.id)).toEqual([String(body.id)]);
  });

  it("accepts Kue's numeric strings and a missing data", async () => {
    const r = await t.send('POST', '/job', {
      type: 'strings',
      options: { attempts: '4', priority: '7' },
    });
    const { id } = createdSchema.parse(await r.json());
    const job = await t.queue.getJob(id);
    expect(job.data).toEqual({});
    expect(job.priority()).toBe(7);
    expect(job.attempts().max).toBe(4);
  });

  it('takes options: null as no options', async () => {
    const r = await t.send('POST', '/job', { type: 'nulls', data: { a: 1 }, options: null });
    expect(r.status).toBe(200);
    const job = await t.queue.getJob(createdSchema.parse(await r.json()).id);
    expect(job.data).toEqual({ a: 1 });
    expect(job.attempts().max).toBe(1);
  });

  it('an array creates each job in order with one call and answers one result per item', async () => {
    const createMany = vi.spyOn(t.queue, 'createMany');
    const r = await t.send('POST', '/job', [
      { type: 'batch', data: { n: 1 } },
      { type: 'batch', data: { n: 2 } },
      { type: 'batch', data: { n: 3 } },
    ]);
    expect(r.status).toBe(200);
    const results = createResultsSchema.parse(await r.json());
    const created = results.map((x) => createdSchema.parse(x));
    expect(created.map((x) => x.message)).toEqual(['job created', 'job created', 'job created']);
    const ids = created.map((x) => x.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const jobs = await t.queue.getJobs(ids);
    expect(jobs.map((j) => j.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(t.woken.at(-1)?.map((j) => Number(j.id))).toEqual(ids);
    expect(createMany).toHaveBeenCalledTimes(1);
  });

  it('an array with invalid items creates the valid ones and answers 400 with errors in place', async () => {
    const before = (await t.queue.counts()).types.mixed?.inactive ?? 0;
    const createMany = vi.spyOn(t.queue, 'createMany');
    const r = await t.send('POST', '/job', [
      { type: 'mixed', data: { n: 1 } },
      { data: { n: 2 } },
      { type: 'mixed', options: { priority: 'urgent' } },
      { type: 'mixed', data: { n: 4 } },
      'not a job',
    ]);
    expect(r.status).toBe(400);
    const results = createResultsSchema.parse(await r.json());
    expect(results).toHaveLength(5);
    expect(createdSchema.parse(results[0]).message).toBe('job created');
    expect(results[1]).toEqual({ error: '[1].type: Must provide job type' });
    expect(errorSchema.parse(results[2]).error).toMatch(/^\[2\]\.options\.priority: /);
    expect(createdSchema.parse(results[3]).message).toBe('job created');
    expect(errorSchema.parse(results[4]).error).toMatch(/^\[4\]: must be a job object/);
    expect((await t.queue.counts()).types.mixed?.inactive).toBe(before + 2);
    expect(createMany).toHaveBeenCalledTimes(1);
    expect(createMany.mock.calls[0]?.[0].map((j) => ('data' in j ? j.data : null))).toEqual([
      { n: 1 },
      { n: 4 },
    ]);
  });

  it('an empty body, {} and [] answer 204 with no body and create nothing', async () => {
    const before = await keyspace(t.queue);
    for (const body of ['', '{}', '[]', '  ']) {
      const r = await t.send('POST', '/job', body);
      expect(r.status).toBe(204);
      expect(await r.text()).toBe('');
    }
    const bare = await t.app.request('/job', { method: 'POST' });
    expect(bare.status).toBe(204);
    expect(await keyspace(t.queue)).toEqual(before);
  });

  it("a missing type answers Kue's message", async () => {
    const r = await t.send('POST', '/job', { data: { x: 1 } });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: 'Must provide job type' });
  });

  it('a unique key answers the existing job instead of a duplicate', async () => {
    const first = createdSchema.parse(
      await (await t.send('POST', '/job', { type: 'u', options: { unique: 'k1' } })).json(),
    );
    const second = createdSchema.parse(
      await (await t.send('POST', '/job', { type: 'u', options: { unique: 'k1' } })).json(),
    );
    expect(second).toEqual({ message: 'job exists', id: first.id });
  });

  it('job data over the queue limit answers 413', async () => {
    const r = await t.send('POST', '/job', { type: 'big', data: 'x'.repeat(600 * 1024) });
    expect(r.status).toBe(413);
    expect(errorSchema.parse(await r.json()).error).toMatch(/^data is \d+ bytes, over the limit/);
  });
});
