// An HTTP proxy that sits between clients and the Redis HTTP bridge and misbehaves on purpose, the
// way networks and load balancers do: it drops connections before a request reaches Redis, or
// after Redis ran it but before the answer gets back (the case that tempts a client to run a
// write twice), answers 502/503 instead of forwarding, or replaces a real answer with a 502,
// cuts an answer short, and delays requests. Each request draws at most one fault; the mix can be
// changed or switched off while traffic flows. Listens on 127.0.0.1 only.
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Random, random } from './util.js';

export type FaultKind =
  | 'drop before'
  | 'drop after'
  | '503 before'
  | '502 after'
  | 'truncated answer'
  | 'delay';

/** The share of requests (0..1) that get each fault; the rest pass untouched. */
export type FaultMix = Partial<Record<FaultKind, number>>;

export interface FaultProxyOptions {
  target: string;
  mix?: FaultMix;
  /** Added delay of a 'delay' fault, in ms. */
  delayMs?: [number, number];
  seed?: number;
}

export interface FaultProxy {
  readonly url: string;
  setMix(mix: FaultMix): void;
  /** Requests seen and faults injected so far. */
  stats(): { requests: number; faults: Record<FaultKind, number> };
  close(): Promise<void>;
}

const kinds: FaultKind[] = [
  'drop before',
  'drop after',
  '503 before',
  '502 after',
  'truncated answer',
  'delay',
];

function pickFault(mix: FaultMix, rnd: Random): FaultKind | undefined {
  let x = rnd.next();
  for (const kind of kinds) {
    const p = mix[kind] ?? 0;
    if (x < p) return kind;
    x -= p;
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface Upstream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(opts.target);
  const rnd = random(opts.seed);
  const delay = opts.delayMs ?? [50, 500];
  let mix: FaultMix = { ...opts.mix };
  let requests = 0;
  const faults = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<FaultKind, number>;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host };
      delete headers.connection;
      const up = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers,
          agent,
        },
        (res) => {
          readBody(res).then(
            (b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }),
            reject,
          );
        },
      );
      up.on('error', reject);
      up.end(body);
    });

  const drop = (res: ServerResponse) => {
    res.socket?.destroy();
  };

  const reply = (res: ServerResponse, up: Upstream) => {
    const headers = { ...up.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    headers['content-length'] = String(up.body.length);
    res.writeHead(up.status, headers);
    res.end(up.body);
  };

  const server = createServer(async (req, res) => {
    requests++;
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      return drop(res);
    }
    const fault = pickFault(mix, rnd);
    if (fault) faults[fault]++;
    try {
      if (fault === 'drop before') return drop(res);
      if (fault === '503 before') {
        // Half look like the bridge's own JSON errors, half like a load balancer's page.
        if (rnd.chance(0.5)) {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end('{"error":"fault proxy: service unavailable"}');
        } else {
          res.writeHead(503, { 'content-type': 'text/html' });
          res.end('<html><body><h1>503 Service Unavailable</h1></body></html>');
        }
        return;
      }
      if (fault === 'delay') {
        await new Promise((r) => setTimeout(r, rnd.int(delay[0], delay[1])));
      }
      const up = await forward(req, body);
      if (fault === 'drop after') return drop(res);
      if (fault === '502 after') {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return;
      }
      if (fault === 'truncated answer' && up.body.length > 1) {
        const headers: Record<string, string | string[] | undefined> = {
          ...up.headers,
          'content-length': String(up.body.length),
        };
        delete headers['transfer-encoding'];
        res.writeHead(up.status, headers);
        res.write(up.body.subarray(0, Math.floor(up.body.length / 2)));
        // flush what was written, then cut the connection mid-answer
        setTimeout(() => drop(res), 5);
        return;
      }
      reply(res, up);
    } catch {
      // the bridge itself is unreachable: what a client sees then
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('bad gateway');
      } else {
        drop(res);
      }
    }
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setMix(next) {
      mix = { ...next };
    },
    stats: () => ({ requests, faults: { ...faults } }),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      agent.destroy();
    },
  };
}
