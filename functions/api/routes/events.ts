import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { ApiDeps } from '../deps.js';
import { endpoint, errors } from '../endpoint.js';
import { eventDataSchema, eventsHeaders, eventsQuery } from '../schema.js';

/**
 * GET /events: the queue's event stream as Server-Sent Events. It polls core's capped stream over
 * plain HTTP Redis (no blocking connection, so it runs on Workers), resumes from Last-Event-ID
 * (or ?since=), sends a heartbeat comment while quiet, and ends after a bounded lifetime; the
 * client's EventSource then reconnects where it left off.
 */
const batch = 100;

export function eventRoutes(app: OpenAPIHono, { queue, log, events: o }: ApiDeps): void {
  endpoint(
    app,
    createRoute({
      method: 'get',
      path: '/events',
      tags: ['edgekue'],
      summary: 'Queue events as Server-Sent Events',
      description:
        'Each message has `id:` (stream id, for Last-Event-ID), `event:` (enqueue, start, progress, complete, failed attempt, failed, state, remove, promotion, update, pause, resume) and `data:` a JSON QueueEvent.',
      request: { query: eventsQuery, headers: eventsHeaders },
      responses: {
        200: {
          description: 'an event stream',
          content: { 'text/event-stream': { schema: eventDataSchema } },
        },
        ...errors(400),
      },
    }),
    async (c, { query, headers }) => {
      const from = headers['last-event-id'] ?? query.since ?? '$';
      // resolved before answering, so a Redis outage is a 503 and not an empty stream
      let after = from === '$' ? (await queue.eventStream.read('$', 1)).last : from;
      return streamSSE(c, async (stream) => {
        let wake = () => {};
        stream.onAbort(() => wake());
        const sleep = (ms: number) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, ms);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        const started = Date.now();
        let lastWrite = started;
        let sentId = after;
        // an id-only block moves the client's Last-Event-ID without firing an event
        await stream.write(`retry: ${o.retryMs}\nid: ${after}\n\n`);
        try {
          while (!stream.aborted) {
            const { events } = await queue.eventStream.read(after, batch);
            for (const e of events) {
              after = e.sid;
              if (query.type !== undefined && e.type !== query.type) continue;
              const data = { id: e.id, type: e.type, event: e.event, args: e.args };
              await stream.writeSSE({ id: e.sid, event: e.event, data: JSON.stringify(data) });
              sentId = after;
              lastWrite = Date.now();
            }
            const elapsed = Date.now() - started;
            if (elapsed >= o.maxLifetimeMs) break;
            if (events.length < batch) {
              if (Date.now() - lastWrite >= o.heartbeatMs) {
                await stream.write(sentId === after ? ': heartbeat\n\n' : `id: ${after}\n\n`);
                sentId = after;
                lastWrite = Date.now();
              }
              await sleep(Math.min(o.pollMs, o.maxLifetimeMs - elapsed));
            }
          }
          if (sentId !== after) await stream.write(`id: ${after}\n\n`);
        } catch (error) {
          log.error('GET /events: reading the event stream failed', error);
          await stream.writeSSE({
            event: 'error',
            data: JSON.stringify({ error: 'stream failed' }),
          });
        }
      });
    },
  );
}
