// POST /subscribe/<channel> and /psubscribe/<pattern>: Server-Sent Events fed by a Redis
// connection of their own, as Upstash does and as @upstash/redis' `subscribe()` reads them:
//
//   data: subscribe,<channel>,<count>
//   data: message,<channel>,<message>
//   data: pmessage,<pattern>,<channel>,<message>     (psubscribe)
//
// The Redis connection lives exactly as long as the HTTP request: it is closed when the client
// goes away, and the stream ends when Redis goes away (the client then sees the stream close).
//
// The bridge reads every message Redis pushes whether or not the client reads the stream, so
// Redis' own limit on slow pub/sub clients never applies: a client that stops reading would
// have the bridge hold its messages without bound. A stream whose unsent bytes pass
// `backlogLimitBytes` is therefore cut (the socket closed, the buffered bytes dropped), as Redis
// disconnects a subscriber over its `client-output-buffer-limit pubsub`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RedisConnections } from './connections.js';
import type { ResponseHeaders } from './http-io.js';
import type { StatsCollector } from './stats.js';

/** A comment line every so often keeps proxies and load balancers from dropping an idle stream. */
const HEARTBEAT_MS = 15_000;

export interface SubscriptionRequest {
  readonly pattern: boolean;
  /** A channel name, or a glob pattern for psubscribe. */
  readonly target: string;
}

/** Live streams, so closing the bridge can end them (they would otherwise never finish). */
export type StreamRegistry = Set<() => void>;

export async function streamSubscription(
  req: IncomingMessage,
  res: ServerResponse,
  subscription: SubscriptionRequest,
  deps: {
    connections: RedisConnections;
    stats: StatsCollector;
    headers: ResponseHeaders;
    streams: StreamRegistry;
    /** Unsent bytes past which the stream is cut. */
    backlogLimitBytes: number;
    log: (line: string) => void;
  },
): Promise<void> {
  // Throws RedisUnavailableError before any byte is written: the caller answers 503 in JSON.
  const redis = await deps.connections.openSubscriber();
  let ended = false;
  /** `cut`: drop what is still unsent and close the socket, instead of ending after it. */
  const end = (cut = false) => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    deps.streams.delete(end);
    redis.disconnect();
    if (cut) res.destroy();
    else if (!res.writableEnded) res.end();
  };
  const send = (text: string) => {
    if (ended) return;
    res.write(text);
    // Socket's buffer included: the bytes the client has not taken yet.
    const backlog = res.writableLength;
    if (backlog > deps.backlogLimitBytes) {
      deps.log(
        `redis-http: cut the ${subscription.pattern ? 'psubscribe' : 'subscribe'} stream of ` +
          `${JSON.stringify(subscription.target)}: its client fell ${backlog} bytes behind ` +
          `(limit ${deps.backlogLimitBytes})`,
      );
      end(true);
    }
  };
  const heartbeat = setInterval(() => send(': keepalive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  deps.streams.add(end);
  res.once('close', () => end());
  redis.once('end', () => end());
  if (req.destroyed) return end();

  res.writeHead(200, {
    ...deps.headers,
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  deps.stats.countStatus(200);

  // Messages can be parsed in the same chunk as the subscribe confirmation, before our await
  // resumes: hold them back so the `subscribe` line always comes first.
  let confirmed = false;
  const backlog: string[] = [];
  const emit = (line: string) => {
    if (ended) return;
    if (confirmed) send(`data: ${line}\n\n`);
    else backlog.push(line);
  };
  redis.on('message', (channel: string, message: string) => emit(`message,${channel},${message}`));
  redis.on('pmessage', (pattern: string, channel: string, message: string) =>
    emit(`pmessage,${pattern},${channel},${message}`),
  );

  try {
    deps.stats.countCommand(subscription.pattern ? 'psubscribe' : 'subscribe');
    const count = subscription.pattern
      ? await redis.psubscribe(subscription.target)
      : await redis.subscribe(subscription.target);
    if (ended) return;
    send(
      `data: ${subscription.pattern ? 'psubscribe' : 'subscribe'},${subscription.target},${count}\n\n`,
    );
    confirmed = true;
    for (const line of backlog.splice(0)) send(`data: ${line}\n\n`);
  } catch {
    end();
  }
}
