/**
 * edgekue's Redis client on Node: the unmodified `@upstash/redis` client on a requester that sends
 * its HTTP requests with `node:http(s)` and keep-alive sockets instead of Node's `fetch`, its
 * script calls of a tick pipelined in requests of bounded size (functions/tick-pipeline.ts).
 *
 * Why: Node's `fetch` is undici's WHATWG layer in JavaScript (a Request, Headers and a web
 * stream per call), which costs about 1.3 ms of CPU per request on the bench machine where
 * `node:http` costs about 0.4 ms. A worker on Node sends a request per batch, so this is most of
 * the client's CPU per job (bench/README.md). Workers keep `fetch`: it is native there.
 *
 * The requester does what `@upstash/redis`' own HttpClient does for these calls: bearer token,
 * JSON body, network errors retried with the same backoff, Upstash's read-your-writes sync
 * token, errors raised as `UpstashError`. It asks for plain JSON answers (no base64): edgekue's
 * scripts answer UTF-8 text. Subscriptions, a streamed response, stay on the standard client.
 */
import http from 'node:http';
import https from 'node:https';
import { errors, Redis, type Requester, type UpstashRequest } from '@upstash/redis';
import type { RedisClient } from '../core/index.js';
import { TickPipeline } from './tick-pipeline.js';

export interface NodeRedisOptions {
  /** The REST URL (`UPSTASH_REDIS_REST_URL`), http or https. */
  url: string;
  token: string;
  /** Tries after a request that got no answer (refused, reset); default 5, as @upstash/redis. */
  retries?: number;
  /** Wait before retry n (from 0); default @upstash/redis' `Math.exp(n) * 50` ms. */
  backoff?: (retry: number) => number;
  /** The keep-alive agent to send with (e.g. one that trusts a private CA). */
  agent?: http.Agent;
  /** A tick's script calls go in requests of about this many bytes each (default 48 KiB). */
  chunkBytes?: number;
  /**
   * How long a request may take, its retries included, before it fails (default: no limit). A
   * subscription, on the standard client, is not timed out.
   */
  timeoutMs?: number;
}

interface Answer {
  status: number;
  text: string;
  syncToken: string | undefined;
}

/**
 * The deadlines of the requests in flight, kept by one timer: a timer and a signal per request
 * (AbortSignal.timeout) cost a busy server measurably (thousands of requests a second, each holding
 * a 10 s timer alive). The timer runs only while requests are in flight, and never holds the
 * process open.
 */
class Deadlines {
  readonly #live = new Map<http.ClientRequest, number>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(readonly timeoutMs: number) {}

  /** Destroys `req` (its 'error' rejects the call) if it is still in flight at `at`. */
  watch(req: http.ClientRequest, at: number): void {
    this.#live.set(req, at);
    req.once('close', () => this.#live.delete(req));
    if (this.#timer) return;
    const every = Math.max(10, Math.min(1_000, Math.floor(this.timeoutMs / 4)));
    this.#timer = setInterval(() => this.#sweep(), every);
    this.#timer.unref?.();
  }

  #sweep(): void {
    const now = Date.now();
    for (const [req, at] of this.#live) {
      if (at <= now) req.destroy(new TimeoutError(this.timeoutMs));
    }
    if (this.#live.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}

class TimeoutError extends Error {
  constructor(ms: number, options?: { cause: unknown }) {
    super(`no answer from Redis within ${ms} ms`, options);
  }
}

function post(
  base: URL,
  path: string,
  agent: http.Agent,
  headers: Record<string, string>,
  body: string,
  deadline: { deadlines: Deadlines; at: number } | undefined,
): Promise<Answer> {
  const send = base.protocol === 'https:' ? https.request : http.request;
  const target = {
    hostname: base.hostname.replace(/^\[|\]$/g, ''),
    port: base.port,
    path,
    method: 'POST',
    agent,
    headers,
  };
  return new Promise((resolve, reject) => {
    const req = send(target, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const token = res.headers['upstash-sync-token'];
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          syncToken: typeof token === 'string' ? token : undefined,
        });
      });
    });
    req.on('error', reject);
    if (deadline) deadline.deadlines.watch(req, deadline.at);
    req.end(body);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new errors.UpstashJSONParseError(text, { cause });
  }
}

/** A `Requester` for `new Redis(requester)`, sending with node:http(s). */
export function nodeRequester(options: NodeRedisOptions): Requester {
  const base = new URL(options.url.replace(/\/$/, ''));
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new TypeError(`node-redis: the url must be http or https, got ${base.protocol}`);
  }
  const agent =
    options.agent ??
    (base.protocol === 'https:'
      ? new https.Agent({ keepAlive: true })
      : new http.Agent({ keepAlive: true }));
  const root = base.pathname.replace(/\/$/, '');
  const retries = options.retries ?? 5;
  const backoff = options.backoff ?? ((n: number) => Math.exp(n) * 50);
  const deadlines = options.timeoutMs ? new Deadlines(options.timeoutMs) : undefined;
  const requester: Requester = {
    readYourWrites: true,
    upstashSyncToken: '',
    async request<TResult>(req: UpstashRequest) {
      if (req.isStreaming || req.onMessage) {
        throw new TypeError('node-redis: streamed responses go through the standard client');
      }
      const path = req.path?.length ? `${root}/${req.path.join('/')}` : root || '/';
      const body = JSON.stringify(req.body);
      const headers: Record<string, string> = {
        authorization: `Bearer ${options.token}`,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        ...req.headers,
      };
      if (requester.readYourWrites && requester.upstashSyncToken) {
        headers['upstash-sync-token'] = requester.upstashSyncToken;
      }
      // One deadline for the request and its retries, as @upstash/redis' `signal` option.
      const deadline = deadlines && { deadlines, at: Date.now() + deadlines.timeoutMs };
      let answer: Answer | undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          answer = await post(base, path, agent, headers, body, deadline);
          break;
        } catch (error) {
          if (error instanceof TimeoutError) throw error;
          if (attempt >= retries) throw error;
          const wait = backoff(attempt);
          if (deadline && Date.now() + wait >= deadline.at) {
            throw new TimeoutError(deadline.deadlines.timeoutMs, { cause: error });
          }
          await new Promise((r) => setTimeout(r, wait));
        }
      }
      if (requester.readYourWrites && answer.syncToken !== undefined) {
        requester.upstashSyncToken = answer.syncToken;
      }
      const parsed = parse(answer.text) as { error?: string };
      if (answer.status < 200 || answer.status >= 300) {
        throw new errors.UpstashError(`${parsed.error}, command was: ${body}`);
      }
      return parsed as { result?: TResult; error?: string };
    },
  };
  return requester;
}

/**
 * edgekue's client on Node: script calls over node:http(s), the calls of a tick pipelined
 * (TickPipeline: as @upstash/redis' auto-pipelining, in requests of at most `chunkBytes`, each
 * sent when the one before has answered); `subscribe` on the standard client (a subscription is
 * a long-lived stream, not a per-batch cost).
 */
export function nodeRedis(options: NodeRedisOptions): RedisClient {
  const scripts = new TickPipeline(new Redis(nodeRequester(options)), options.chunkBytes);
  let streams: Redis | undefined;
  return {
    evalsha: (sha, keys, args) => scripts.evalsha(sha, keys, args),
    eval: (script, keys, args) => scripts.eval(script, keys, args),
    subscribe(channels) {
      streams ??= new Redis({ url: options.url, token: options.token, enableTelemetry: false });
      return streams.subscribe(channels);
    },
  };
}
