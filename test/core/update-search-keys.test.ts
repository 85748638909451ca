import { describe, expect, it } from 'vitest';
import { JOB_FIELDS } from '../../core/index.js';
import { newQueue, raw } from './helpers.js';

describe('job.update() and searchKeys', () => {
  it('a job loaded from Redis is re-indexed under its own searchKeys only', async () => {
    const queue = newQueue();
    const job = await queue
      .create('s', { title: 'invoice', secret: 'hunter2' })
      .searchKeys(['title'])
      .save();
    expect(await queue.search('hunter2')).toEqual([]);
    const loaded = await queue.getJob(job.id!);
    (loaded.data as { title: string }).title = 'invoice paid';
    await loaded.update();
    expect(await queue.search('paid')).toEqual([job.id]);
    expect(await queue.search('hunter2')).toEqual([]);
  });

  it('new searchKeys given before update() re-index with those, and are kept', async () => {
    const queue = newQueue();
    const job = await queue
      .create('s', { title: 'invoice', note: 'urgent', secret: 'hunter2' })
      .searchKeys(['title'])
      .save();
    const loaded = await queue.getJob(job.id!);
    await loaded.searchKeys(['note']).update();
    expect(await queue.search('invoice')).toEqual([]);
    expect(await queue.search('urgent')).toEqual([job.id]);
    const again = await queue.getJob(job.id!);
    (again.data as { note: string }).note = 'later';
    await again.update();
    expect(await queue.search('later')).toEqual([job.id]);
    expect(await queue.search('hunter2')).toEqual([]);
    // an empty list is Kue's default again: all of data
    await again.searchKeys([]).update();
    expect(await queue.search('hunter2')).toEqual([job.id]);
    expect(await raw.hget(queue.keys.job(job.id!), JOB_FIELDS.search_keys)).toBeNull();
  });

  it('a job without searchKeys stores none, and update() indexes all of its data', async () => {
    const queue = newQueue();
    const job = await queue.create('s', { title: 'first' }).save();
    expect(await raw.hget(queue.keys.job(job.id!), JOB_FIELDS.search_keys)).toBeNull();
    const loaded = await queue.getJob(job.id!);
    loaded.data = { title: 'second', other: 'third' };
    await loaded.update();
    expect(await queue.search('first')).toEqual([]);
    expect(await queue.search('third')).toEqual([job.id]);
  });
});
