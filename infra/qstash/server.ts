// A local stand-in for QStash: enough of its publish API for @upstash/qstash's Client (publish,
// publishJSON with delay / notBefore / deduplication ids), delivery at the due time signed the
// way QStash signs, and retries of failed deliveries as QStash retries them (retry.ts). For
// `npm start` and tests, never production; README.md says what it leaves out.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dueAt } from './delay.js';
import { type QStashOptions, QStashOptionsSchema, type ResolvedQStashOptions } from './options.js';
import { type Attempt, backoffMs, delivered, nextAttemptAt, nonRetryable } from './retry.js';
import { qstashSignature } from './sign.js';

export interface QStashStats {
  published: number;
  deduplicated: number;
  delivered: number;
  /** Delivery attempts that failed (each retry that fails counts). */
  failedAttempts: number;
  /** Messages given up on: after their last retry, or at once on a non-retryable 489. */
  dropped: number;
  /** Messages waiting for their time or a retry. */
  pending: number;
}

export interface QStashHandle {
  /** Base URL for `new Client({ baseUrl, token })` (QSTASH_URL). */
  readonly url: string;
  readonly port: number;
  stats(): QStashStats;
  close(): Promise<void>;
}

interface Message {
  id: string;
  destination: string;
  method: string;
  body: Buffer;
  headers: Record<string, string>;
  retries: number;
  attempt: number;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export async function startQStash(options: QStashOptions): Promise<QStashHandle> {
  const parsed = QStashOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new TypeError(`invalid QStash stand-in options: ${problems.join('; ')}`);
  }
  const o: ResolvedQStashOptions = parsed.data;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dedupe = new Map<string, { id: string; until: number }>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const inFlight = new Set<Promise<void>>();
  const stats: QStashStats = {
    published: 0,
    deduplicated: 0,
    delivered: 0,
    failedAttempts: 0,
    dropped: 0,
    pending: 0,
  };
  let closed = false;
  const fixedDelay = o.retryDelayMs;
  const retryDelay = fixedDelay === undefined ? backoffMs : () => fixedDelay;

  function schedule(message: Message, at: number): void {
    stats.pending++;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        stats.pending--;
        const p = deliver(message).finally(() => inFlight.delete(p));
        inFlight.add(p);
      },
      Math.max(0, at - Date.now()),
    );
    timers.add(timer);
  }

  async function deliver(message: Message): Promise<void> {
    if (closed) return;
    const body = message.body;
    const headers: Record<string, string> = {
      ...message.headers,
      'Upstash-Message-Id': message.id,
      'Upstash-Retried': String(message.attempt),
      'Upstash-Signature': qstashSignature({
        key: o.currentSigningKey,
        url: message.destination,
        body,
      }),
      'User-Agent': 'Upstash-QStash',
    };
    const attempt: Attempt = {};
    try {
      const res = await fetch(message.destination, {
        method: message.method,
        headers,
        ...(message.method === 'GET' || message.method === 'HEAD'
          ? {}
          : { body: new Uint8Array(body) }),
        signal: AbortSignal.timeout(o.deliveryTimeoutMs),
      });
      attempt.status = res.status;
      attempt.headers = res.headers;
      await res.arrayBuffer();
    } catch {
      // unreachable, reset or too slow: a failed attempt like any non-2XX answer
    }
    if (delivered(attempt)) {
      stats.delivered++;
      return;
    }
    stats.failedAttempts++;
    const status = attempt.status ?? 'none';
    if (nonRetryable(attempt)) {
      stats.dropped++;
      log(`qstash: ${message.id} to ${message.destination} failed for good (489, non-retryable)`);
      return;
    }
    // As QStash: every other failure is retried while the message has retries left.
    if (message.attempt < message.retries && !closed) {
      const retried = message.attempt;
      message.attempt++;
      schedule(message, nextAttemptAt(attempt, retried, Date.now(), retryDelay));
      return;
    }
    stats.dropped++;
    log(`qstash: gave up on ${message.id} to ${message.destination} (status ${status})`);
  }

  async function publish(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const destination = decodeURIComponent(path.slice('/v2/publish/'.length));
    if (!/^https?:\/\/[^/]+/.test(destination)) {
      return send(res, 400, { error: `invalid destination url: ${destination}` });
    }
    const body = await readBody(req);
    const now = Date.now();
    for (const [key, entry] of dedupe) if (entry.until < now) dedupe.delete(key);
    const dedupeId = header(req, 'upstash-deduplication-id');
    if (dedupeId) {
      const seen = dedupe.get(dedupeId);
      if (seen) {
        stats.deduplicated++;
        return send(res, 202, { messageId: seen.id, url: destination, deduplicated: true });
      }
    }
    const id = `msg_${randomBytes(12).toString('hex')}`;
    if (dedupeId) dedupe.set(dedupeId, { id, until: now + o.dedupeMs });
    const forwarded: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value !== 'string') continue;
      const lower = name.toLowerCase();
      // Only what the publisher asked to forward reaches the destination, as with QStash.
      if (lower.startsWith('upstash-forward-')) forwarded[name.slice(16)] = value;
      else if (lower === 'content-type') forwarded['Content-Type'] = value;
    }
    const retries = Number(header(req, 'upstash-retries'));
    const message: Message = {
      id,
      destination,
      method: (header(req, 'upstash-method') ?? 'POST').toUpperCase(),
      body,
      headers: forwarded,
      retries: Number.isInteger(retries) && retries >= 0 ? retries : o.retries,
      attempt: 0,
    };
    stats.published++;
    schedule(
      message,
      dueAt(now, {
        delay: header(req, 'upstash-delay'),
        notBefore: header(req, 'upstash-not-before'),
      }),
    );
    send(res, 201, { messageId: id, url: destination });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    if (raw === '/__health') return send(res, 200, { ok: true });
    if (raw === '/__stats') return send(res, 200, stats);
    const auth = header(req, 'authorization') ?? '';
    if (auth !== `Bearer ${o.token}`) return send(res, 401, { error: 'Unauthorized' });
    if (req.method === 'POST' && raw.startsWith('/v2/publish/')) return publish(req, res, raw);
    send(res, 404, { error: `not supported by the local QStash stand-in: ${req.method} ${raw}` });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`qstash: ${String(error)}`);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${o.host}:${port}`,
    port,
    stats: () => ({ ...stats }),
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
    },
  };
}
