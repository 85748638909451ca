import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { sleep } from '../../../core/index.js';
import type { ApiDeps } from '../deps.js';
import { endpoint, errors } from '../endpoint.js';
import { eventDataSchema, eventsHeaders, eventsQuery } from '../schema.js';

/**
 * GET /events: the queue's event stream as Server-Sent Events. It reads core's capped stream over
 * plain HTTP Redis (no blocking connection, so it runs on Workers), resumes from Last-Event-ID
 * (or ?since=), sends a heartbeat comment while quiet, and ends after a bounded lifetime; the
 * client's EventSource then reconnects where it left off. While the client can subscribe, a quiet
 * stream reads only when the scripts publish (or every quietPollMs): an open dashboard tab on an
 * idle queue costs a few commands a minute instead of one a second.
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
        // Any wait ends when the client leaves; a quiet one also when a script publishes on the
        // queue's events channel (a fresh controller per quiet wait).
        const leaving = new AbortController();
        let published = new AbortController();
        stream.onAbort(() => {
          leaving.abort();
          published.abort();
        });
        let changed = false;
        const watch = queue.eventStream.watch(() => {
          changed = true;
          published.abort();
        });
        let watching = watch !== undefined;
        void watch?.failed.then(() => {
          watching = false;
          published.abort();
        });
        const started = Date.now();
        let lastWrite = started;
        let sentId = after;
        try {
          // an id-only block moves the client's Last-Event-ID without firing an event
          await stream.write(`retry: ${o.retryMs}\nid: ${after}\n\n`);
          while (!stream.aborted) {
            changed = false;
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
              const left = o.maxLifetimeMs - elapsed;
              // at most one read a pollMs, however busy the queue
              await sleep(Math.min(o.pollMs, left), leaving.signal);
              // Subscribed and nothing published since the read: no read until something is, or
              // until the next heartbeat or quietPollMs (a message lost on the way costs latency).
              if (watching && !changed && !stream.aborted) {
                const now = Date.now();
                const quiet = Math.min(
                  o.quietPollMs - o.pollMs,
                  lastWrite + o.heartbeatMs - now,
                  o.maxLifetimeMs - (now - started),
                );
                if (quiet > 0) {
                  published = new AbortController();
                  await sleep(quiet, published.signal);
                }
              }
            }
          }
          if (sentId !== after) await stream.write(`id: ${after}\n\n`);
        } catch (error) {
          log.error('GET /events: reading the event stream failed', error);
          await stream.writeSSE({
            event: 'error',
            data: JSON.stringify({ error: 'stream failed' }),
          });
        } finally {
          await watch?.close();
        }
      });
    },
  );
}
