import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, type RedisClient, type Subscription } from '../../core/index.js';
import { createdSchema, errorSchema, eventDataSchema } from '../../functions/api/schema.js';
import { aroundCalls } from '../support/failing-call.js';
import { channelSubscribers, randomPrefix, testRedis } from '../support/stack.js';
import { ack, claim, dropQueue, type TestApp, testApp } from './support.js';

interface Message {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: string;
}

/** Reads SSE blocks from a response until `done` says stop (or the stream ends), then cancels. */
async function readBlocks(res: Response, done: (seen: Message[]) => boolean): Promise<Message[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const seen: Message[] = [];
  let buffer = '';
  while (!done(seen)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const m: Message = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) m.comment = line.slice(1).trim();
        else {
          const at = line.indexOf(': ');
          const key = line.slice(0, at) as keyof Message;
          m[key] = m[key] === undefined ? line.slice(at + 2) : `${m[key]}\n${line.slice(at + 2)}`;
        }
      }
      seen.push(m);
      end = buffer.indexOf('\n\n');
    }
  }
  await reader.cancel();
  return seen;
}

const eventsOf = (seen: Message[]) => seen.filter((m) => m.event !== undefined);
const jobEvents = (seen: Message[], id: string) =>
  eventsOf(seen).filter((m) => eventDataSchema.parse(JSON.parse(m.data!)).id === id);

let t: TestApp;
beforeAll(() => {
  t = testApp({}, { events: { pollMs: 20, heartbeatMs: 60_000, maxLifetimeMs: 60_000 } });
});
afterAll(() => dropQueue(t.queue));

describe('GET /events', () => {
  it('streams enqueue, start, progress and complete of a processed job, and resumes after a reconnect', async () => {
    const res = await t.send('GET', '/events');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const { id: n } = createdSchema.parse(
      await (await t.send('POST', '/job', { type: 'sse', data: { x: 1 } })).json(),
    );
    const id = String(n);
    expect(await claim(t.queue, 'sse')).toEqual([id]);
    await t.queue.touch([{ id, token: 'api-token', progress: [50, '{"step":1}'] }], 60_000);
    expect(await ack(t.queue, id, true)).toEqual(['complete']);

    const seen = await readBlocks(res, (s) => jobEvents(s, id).some((m) => m.event === 'complete'));
    expect(seen[0]?.retry).toBe('1000');
    const mine = jobEvents(seen, id);
    expect(mine.map((m) => m.event)).toEqual(['enqueue', 'start', 'progress', 'complete']);
    const datas = mine.map((m) => eventDataSchema.parse(JSON.parse(m.data!)));
    expect(datas[0]).toEqual({ id, type: 'sse', event: 'enqueue', args: ['inactive'] });
    expect(datas[2]?.args[0]).toBe(50);
    for (const m of mine) expect(m.id).toMatch(/^\d+-\d+$/);

    // reconnect after `start`: the stream picks up with what followed it
    const again = await t.send('GET', '/events', undefined, { 'last-event-id': mine[1]!.id! });
    const resumed = await readBlocks(again, (s) =>
      jobEvents(s, id).some((m) => m.event === 'complete'),
    );
    expect(jobEvents(resumed, id).map((m) => [m.event, m.id])).toEqual([
      ['progress', mine[2]!.id],
      ['complete', mine[3]!.id],
    ]);

    // ?since= does the same for clients that cannot set headers
    const since = await t.send('GET', `/events?since=${mine[2]!.id}`);
    const fromSince = await readBlocks(since, (s) => jobEvents(s, id).length > 0);
    expect(jobEvents(fromSince, id).map((m) => m.event)).toEqual(['complete']);
  });

  it('filters by ?type=', async () => {
    const res = await t.send('GET', '/events?type=wanted');
    await t.send('POST', '/job', { type: 'unwanted' });
    await t.send('POST', '/job', { type: 'wanted' });
    const seen = await readBlocks(res, (s) => eventsOf(s).length > 0);
    const first = eventDataSchema.parse(JSON.parse(eventsOf(seen)[0]!.data!));
    expect(first).toMatchObject({ type: 'wanted', event: 'enqueue' });
  });

  it('sends heartbeats while quiet and ends after its lifetime with the position to resume from', async () => {
    const quiet = testApp({}, { events: { pollMs: 10, heartbeatMs: 1, maxLifetimeMs: 200 } });
    const res = await quiet.send('GET', '/events');
    const seen = await readBlocks(res, () => false);
    expect(seen.some((m) => m.comment === 'heartbeat')).toBe(true);
    expect(seen[0]?.id).toBe('0-0');
    await dropQueue(quiet.queue);
  });

  it('rejects a malformed Last-Event-ID or since with 400', async () => {
    for (const [path, headers] of [
      ['/events', { 'last-event-id': 'yesterday' }],
      ['/events?since=1-2-3', {}],
      ['/events?since=99999999999999999999999', {}],
      // 16 digits: past what the scripts' numbers hold exactly
      ['/events?since=1234567890123456', {}],
      ['/events', { 'last-event-id': '5-1234567890123456' }],
    ] as const) {
      const r = await t.send('GET', path, undefined, headers);
      expect(r.status).toBe(400);
      errorSchema.parse(await r.json());
    }
  });

  it('resumes after an id with 15-digit parts (no event comes after it) without an error event', async () => {
    const short = testApp({}, { events: { pollMs: 10, heartbeatMs: 1, maxLifetimeMs: 200 } });
    try {
      await short.send('POST', '/job', { type: 'before' });
      for (const id of ['999999999999999', '123456789012345-999999999999999']) {
        const res = await short.send('GET', '/events', undefined, { 'last-event-id': id });
        expect(res.status).toBe(200);
        const seen = await readBlocks(res, () => false);
        expect(seen[0]?.id).toBe(id);
        expect(seen.some((m) => m.comment === 'heartbeat')).toBe(true);
        expect(eventsOf(seen)).toEqual([]);
      }
    } finally {
      await dropQueue(short.queue);
    }
  });

  it('streams through a real Node HTTP server, with the socket address for the loopback check', async () => {
    const node = testApp(
      {},
      {
        events: { pollMs: 20 },
        remoteAddress: (c) => getConnInfo(c).remote.address,
      },
    );
    const server = serve({ fetch: node.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const abort = new AbortController();
      const res = await fetch(`${base}/events`, { signal: abort.signal });
      expect(res.status).toBe(200);
      const created = await fetch(`${base}/job`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'over-http' }),
      });
      const { id } = createdSchema.parse(await created.json());
      const seen = await readBlocks(res, (s) => jobEvents(s, String(id)).length > 0);
      expect(jobEvents(seen, String(id)).map((m) => m.event)).toEqual(['enqueue']);
      abort.abort();
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await dropQueue(node.queue);
    }
  });

  describe('reads while quiet', () => {
    /** A queue whose client counts its read-events calls, subscribing as `subscribe` says. */
    function countingApp(subscribe: ((channels: string[]) => Subscription) | 'none') {
      let reads = 0;
      const client: RedisClient = aroundCalls('read-events', (send) => {
        reads++;
        return send();
      });
      if (subscribe !== 'none') client.subscribe = subscribe;
      const queue = createQueue({ redis: client }, { prefix: randomPrefix('sse') });
      const app = testApp(
        {},
        { events: { pollMs: 20, quietPollMs: 60_000, heartbeatMs: 60_000, maxLifetimeMs: 60_000 } },
        queue,
      );
      return { app, reads: () => reads };
    }
    const upstash = testRedis();
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

    it('over a subscription: reads when a script publishes, not every pollMs, and unsubscribes at the end', async () => {
      const { app, reads } = countingApp((channels) => upstash.subscribe(channels));
      try {
        const abort = new AbortController();
        const res = await app.app.request('/events', { signal: abort.signal });
        await pause(1_500);
        // the position, the first read, the read once subscribed (polling every 20 ms: ~75)
        expect(reads()).toBeLessThanOrEqual(4);
        expect(await channelSubscribers(app.queue.keys.events)).toBe(1);
        const before = reads();
        const { id } = createdSchema.parse(
          await (await app.send('POST', '/job', { type: 'woken' })).json(),
        );
        // quietPollMs is a minute: only the publish can bring this in time
        const seen = await readBlocks(res, (s) => jobEvents(s, String(id)).length > 0);
        expect(jobEvents(seen, String(id)).map((m) => m.event)).toEqual(['enqueue']);
        expect(reads() - before).toBeLessThanOrEqual(3);
        abort.abort();
        for (let i = 0; i < 50 && (await channelSubscribers(app.queue.keys.events)) > 0; i++) {
          await pause(100);
        }
        expect(await channelSubscribers(app.queue.keys.events)).toBe(0);
      } finally {
        await dropQueue(app.queue);
      }
    });

    it('without a subscription, or when it fails, polls every pollMs', async () => {
      const failing: Subscription = {
        on(type, listener) {
          if (type === 'error') setTimeout(() => listener(new Error('refused')), 50);
        },
        unsubscribe: async () => {},
      };
      for (const subscribe of ['none', () => failing] as const) {
        const { app, reads } = countingApp(subscribe);
        try {
          const abort = new AbortController();
          const res = await app.app.request('/events', { signal: abort.signal });
          await pause(1_000);
          expect(reads()).toBeGreaterThan(10);
          const { id } = createdSchema.parse(
            await (await app.send('POST', '/job', { type: 'polled' })).json(),
          );
          const seen = await readBlocks(res, (s) => jobEvents(s, String(id)).length > 0);
          expect(jobEvents(seen, String(id)).map((m) => m.event)).toEqual(['enqueue']);
          abort.abort();
        } finally {
          await dropQueue(app.queue);
        }
      }
    });
  });
});
