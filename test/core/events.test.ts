import { describe, expect, it } from 'vitest';
import { ack, claim, eventsOf, newQueue, raw } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('every transition writes its event', () => {
  it('enqueue, promotion, start, progress, failed attempt, failed, complete, remove, state, update', async () => {
    const queue = newQueue();
    const a = await queue.create('a', { n: 1 }).attempts(2).save(); // 1
    const d = await queue.create('a', {}).delay(1).save(); // 2
    await sleep(5);
    await queue.promote();
    const [c1] = await claim(queue, ['a']); // job 1 starts
    const job1 = await queue.getJob(c1!.id);
    await queue.touch([{ id: job1.id!, token: 'token-1', progress: [50, '{"step":1}'] }]);
    await ack(queue, [{ id: c1!.id, ok: false, error: 'first' }]); // failed attempt
    const [c2] = await claim(queue, ['a']); // job 1 again (lower id first)
    await ack(queue, [{ id: c2!.id, ok: false, error: 'second' }]); // failed
    const [c3] = await claim(queue, ['a']); // job 2
    await ack(queue, [{ id: c3!.id, ok: true, result: { ok: 1 } }]); // complete
    await (await queue.getJob(d.id!)).state('inactive');
    const loaded = await queue.getJob(a.id!);
    loaded.priority('high');
    await loaded.update();
    await loaded.remove();

    const seen = (await eventsOf(queue)).map((e) => [e.event, e.id, e.args]);
    expect(seen).toEqual([
      ['enqueue', '1', ['inactive']],
      ['enqueue', '2', ['delayed']],
      ['promotion', '2', []],
      ['start', '1', []],
      ['progress', '1', [50, { step: 1 }]],
      ['failed attempt', '1', ['first', 1]],
      ['start', '1', []],
      ['failed', '1', ['second']],
      ['start', '2', []],
      ['complete', '2', [{ ok: 1 }]],
      ['state', '2', ['inactive', 'complete']],
      ['update', '1', []],
      ['remove', '1', []],
    ]);
  });

  it('events(false) and jobEvents:false keep a job quiet', async () => {
    const quiet = newQueue({ jobEvents: false });
    await quiet.create('a', {}).save();
    expect(await eventsOf(quiet)).toEqual([]);
    const queue = newQueue();
    await queue.create('a', {}).events(false).save();
    await queue.create('a', {}).save();
    expect((await eventsOf(queue)).map((e) => e.id)).toEqual(['2']);
  });

  it('the stream is capped', async () => {
    const queue = newQueue({ eventsMax: 10 });
    await queue.createMany(Array.from({ length: 500 }, () => ({ type: 'a' })));
    const { events } = await queue.eventStream.read('0', 10_000);
    // approximate trimming keeps a little more than the cap, never the whole history
    expect(events.length).toBeLessThan(200);
    expect(events.at(-1)?.id).toBe('500');
  });

  it('reads the entries older scripts wrote (an event each), and numbers new events past them', async () => {
    const queue = newQueue();
    await raw.xadd(queue.keys.events, '1700000000000-0', {
      i: '7',
      t: 'old',
      e: 'enqueue',
      a: '["inactive"]',
    });
    await queue.create('a', {}).save();
    const { events, last } = await queue.eventStream.read('0', 10);
    expect(events.map((e) => `${e.sid} ${e.event} ${e.id} ${JSON.stringify(e.args)}`)).toEqual([
      '1700000000000-0 enqueue 7 ["inactive"]',
      '1700000000001-0 enqueue 1 ["inactive"]',
    ]);
    expect(last).toBe('1700000000001-0');
    const after = await queue.eventStream.read('1700000000000-0', 10);
    expect(after.events.map((e) => e.id)).toEqual(['1']);
  });

  it('events() resumes after a stream id', async () => {
    const queue = newQueue();
    await queue.createMany([{ type: 'a' }, { type: 'a' }]);
    const first: string[] = [];
    let last = '0';
    for await (const e of queue.events({ since: '0', follow: false })) {
      first.push(e.id);
      last = e.sid;
    }
    await queue.create('a', {}).save();
    const rest: string[] = [];
    for await (const e of queue.events({ since: last, follow: false })) rest.push(e.id);
    expect(first).toEqual(['1', '2']);
    expect(rest).toEqual(['3']);
  });

  it('a batch call publishes its events in one message, and listeners get each, in order', async () => {
    const queue = newQueue();
    // what crosses the channel, seen by a plain subscriber
    const messages: unknown[] = [];
    const sub = raw.subscribe([queue.keys.events]);
    sub.on('message', (m: { message: unknown }) => messages.push(m.message));
    const live: string[] = [];
    const sixEvents = new Promise<void>((resolve) => {
      queue.on('*', (e) => {
        const { event, id } = e as { event: string; id: string };
        live.push(`${event} ${id}`);
        if (live.length === 6) resolve();
      });
    });
    await sleep(300); // let both subscriptions open
    await queue.createMany([1, 2, 3].map((n) => ({ type: 'batch', data: { n } })));
    expect(await claim(queue, ['batch'], 3)).toHaveLength(3);
    await sixEvents;
    for (let waited = 0; messages.length < 2 && waited < 3_000; waited += 20) await sleep(20);
    await queue.close();
    await sub.unsubscribe();
    expect(live).toEqual(['enqueue 1', 'enqueue 2', 'enqueue 3', 'start 1', 'start 2', 'start 3']);
    // one message per script call: the enqueue's three events, then the claim's three, numbered
    // on from the first (event k's sid is first + k)
    const batches = messages.map((m) => (typeof m === 'string' ? JSON.parse(m) : m)) as {
      first: number;
      events: [string, string, string, unknown[]?][];
    }[];
    expect(batches.map((b) => b.events.map(([id, , event]) => `${event} ${id}`))).toEqual([
      ['enqueue 1', 'enqueue 2', 'enqueue 3'],
      ['start 1', 'start 2', 'start 3'],
    ]);
    expect(batches.map((b) => b.first)).toEqual([1, 4]);
    // the stream holds one entry per call, and reads back the same events with those sids
    expect(await raw.xlen(queue.keys.events)).toBe(2);
    const read = await queue.eventStream.read('0', 100);
    expect(read.events.map((e) => `${e.sid} ${e.event} ${e.id}`)).toEqual([
      '1-0 enqueue 1',
      '2-0 enqueue 2',
      '3-0 enqueue 3',
      '4-0 start 1',
      '5-0 start 2',
      '6-0 start 3',
    ]);
    expect(read.last).toBe('6-0');
    // resumed from inside an entry: only what comes after
    const after = await queue.eventStream.read('2-0', 2);
    expect(after.events.map((e) => e.sid)).toEqual(['3-0', '4-0']);
  });

  it("queue.on('job complete') and job.on('progress') fire live through the bridge's SSE", async () => {
    const queue = newQueue();
    const job = await queue.create('live', {}).save();
    const got: unknown[][] = [];
    const completed = new Promise<void>((resolve) => {
      queue.on('job complete', (id, result) => {
        got.push(['job complete', id, result]);
        resolve();
      });
    });
    job.on('progress', (pct) => got.push(['progress', pct]));
    await sleep(300); // let the subscription open
    const [c] = await claim(queue, ['live']);
    await queue.touch([{ id: c!.id, token: 'token-1', progress: [40] }]);
    await ack(queue, [{ id: c!.id, ok: true, result: 'done' }]);
    await completed;
    await queue.close();
    expect(got).toEqual([
      ['progress', 40],
      ['job complete', job.id, 'done'],
    ]);
  });

  it("queue.on('job enqueue') gets (id, type) as Kue's, then the state the job entered", async () => {
    const queue = newQueue();
    const got: unknown[][] = [];
    const both = new Promise<void>((resolve) => {
      queue.on('job enqueue', (id, type, state) => {
        got.push([id, type, state]);
        if (got.length === 2) resolve();
      });
    });
    await sleep(300); // let the subscription open
    const now = await queue.create('email', {}).save();
    const later = await queue.create('email', {}).delay(60_000).save();
    await both;
    await queue.close();
    expect(got).toEqual([
      [now.id, 'email', 'inactive'],
      [later.id, 'email', 'delayed'],
    ]);
  });

  it("a type's pause and resume reach queue listeners with the type", async () => {
    const queue = newQueue();
    const got: unknown[][] = [];
    const resumed = new Promise<void>((resolve) => {
      queue.on('pause', (type, until) => got.push(['pause', type, until]));
      queue.on('job resume', (type) => {
        got.push(['resume', type]);
        resolve();
      });
    });
    await sleep(300); // let the subscription open
    await queue.pause('mail');
    await queue.resume('mail');
    await resumed;
    await queue.close();
    expect(got).toEqual([
      ['pause', 'mail', 0],
      ['resume', 'mail'],
    ]);
  });
});
