// Sending what browsers and fetch would never send: request targets exactly as written (no URL
// normalisation of `//`, `/./`, `%2e%2e`), any method, any header, any body, and when even
// node:http refuses (control characters, absolute-form targets), raw bytes over a socket.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** The request target as sent. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Stop reading the answer after this long (event streams never end by themselves). */
  timeoutMs?: number;
}

export interface RawResponse {
  /** 0 when no answer came: the connection was closed or the client refused to send it. */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The first 64 KiB. */
  body: string;
  error?: string;
  ms: number;
}

const MAX_BODY = 64 * 1024;

export function send(base: string, r: RawRequest): Promise<RawResponse> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (res: Omit<RawResponse, 'ms'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...res, ms: performance.now() - started });
    };
    let req: ReturnType<typeof httpRequest>;
    try {
      req = httpRequest({
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: r.headers,
        agent: false,
      });
    } catch (error) {
      return done({
        status: 0,
        headers: {},
        body: '',
        error: `not sent: ${(error as Error).message}`,
      });
    }
    const timer = setTimeout(() => req.destroy(new Error('client timeout')), r.timeoutMs ?? 15_000);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_BODY) chunks.push(c);
        size += c.length;
      });
      const finish = (error?: string) => {
        clearTimeout(timer);
        done({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8'),
          ...(error ? { error } : {}),
        });
      };
      res.on('end', () => finish());
      res.on('error', (e) => finish(e.message));
      res.on('close', () => finish());
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      done({ status: 0, headers: {}, body: '', error: e.message });
    });
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}

/** Raw bytes over a socket; the answer's status line parsed (0 if none). */
export function sendRaw(base: string, bytes: string, timeoutMs = 5_000): Promise<RawResponse> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const split = text.indexOf('\r\n\r\n');
      resolve({
        status,
        headers: {},
        body: split >= 0 ? text.slice(split + 4, split + 4 + MAX_BODY) : '',
        ...(error ? { error } : {}),
        ms: performance.now() - started,
      });
    };
    const timer = setTimeout(() => finish('client timeout'), timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // one answer is enough; keep-alive would hold the socket open
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text)?.[1];
      if (split >= 0 && length !== undefined && text.length >= split + 4 + Number(length)) finish();
    });
    socket.on('end', () => finish());
    socket.on('error', (e) => finish(e.message));
  });
}

/** Runs `tasks` with at most `concurrency` in flight. */
export async function pooled<T>(tasks: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= tasks.length) return;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, lane));
  return out;
}
