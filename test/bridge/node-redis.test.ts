// edgekue's Node client (functions/node-redis.ts: @upstash/redis on node:http instead of fetch)
// against the bridge: the standard client's answers and errors, one request per tick of calls
// (a large tick's in several, one after another),
// retries, the read-your-writes token, and a queue run through it with live events.
import { readFileSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { errors } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createQueue } from '../../core/index.js';
import { nodeRedis } from '../../functions/node-redis.js';
import { HandlerRegistry, runWake } from '../../worker-handlers/index.js';
import {
  type IsolatedStack,
  randomPrefix,
  startIsolatedStack,
  testRedis,
} from '../support/stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const shared = () => nodeRedis({ url: inject('bridgeUrl'), token: inject('bridgeToken') });

// A self-signed certificate for 127.0.0.1 (test/support/tls/README.md).
const tls = {
  cert: readFileSync(new URL('../support/tls/127.0.0.1.cert.pem', import.meta.url)),
  key: readFileSync(new URL('../support/tls/127.0.0.1.key.pem', import.meta.url)),
};

/**
 * An HTTP (or, given `secure`, HTTPS) server speaking the REST protocol's shape, on a free port:
 * each request is answered by `answer(n, headers)` (n from 1) with a result (one per entry of a
 * pipeline), or its connection is reset. Counts requests and connections.
 */
async function fakeServer(
  answer: (
    n: number,
    headers: IncomingHttpHeaders,
  ) => { result: unknown; headers?: Record<string, string> } | 'reset',
  secure = false,
): Promise<{ url: string; server: Server; requests: () => number; connections: () => number }> {
  let n = 0;
  let connections = 0;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const a = answer(++n, req.headers);
      if (a === 'reset') {
        req.socket.destroy();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString()) as unknown[];
      const one = { result: a.result };
      res.writeHead(200, { 'content-type': 'application/json', ...a.headers });
      res.end(JSON.stringify(req.url?.endsWith('/pipeline') ? body.map(() => one) : one));
    });
  };
  const server: Server = secure ? createHttpsServer(tls, handle) : createServer(handle);
  server.on(secure ? 'secureConnection' : 'connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const url = `${secure ? 'https' : 'http'}://127.0.0.1:${port}`;
  return { url, server, requests: () => n, connections: () => connections };
}

describe('nodeRedis', () => {
  it('answers script calls as the standard client does', async () => {
    const script = `return { 1, 'plain', { 2, 'Grüße, 漢字, 🎉' }, ARGV[1], KEYS[1] }`;
    const args = [JSON.stringify({ quote: '"', line: 'a\nb', emoji: '🚀' })];
    const standard = testRedis();
    const expected = await standard.eval(script, ['k'], args);
    const client = shared();
    expect(await client.eval(script, ['k'], args)).toEqual(expected);
    const sha = await standard.scriptLoad(script);
    expect(await client.evalsha(sha, ['k'], args)).toEqual(expected);
    // both deserialize a JSON answer, as @upstash/redis does by default
    expect(expected).toEqual([1, 'plain', [2, 'Grüße, 漢字, 🎉'], JSON.parse(args[0]!), 'k']);
  });

  it("raises Redis errors as the standard client's UpstashError, NOSCRIPT included", async () => {
    const client = shared();
    const missing = client.evalsha('0'.repeat(40), [], []);
    await expect(missing).rejects.toBeInstanceOf(errors.UpstashError);
    await expect(missing).rejects.toThrow(/NOSCRIPT/);
    await expect(client.eval("return redis.call('NOSUCHCOMMAND')", [], [])).rejects.toThrow(
      /Unknown Redis command|unknown command/i,
    );
  });

  it('refuses a url that is not http or https', () => {
    expect(() => nodeRedis({ url: 'redis://127.0.0.1:6379', token: 't' })).toThrow(/http or https/);
  });

  describe('on a stack of its own', () => {
    let stack: IsolatedStack;
    beforeAll(async () => {
      stack = await startIsolatedStack();
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it('sends the calls of one tick in one request (auto-pipelining)', async () => {
      const client = nodeRedis({ url: stack.bridgeUrl, token: stack.token });
      await client.eval('return 0', [], []);
      const before = stack.bridge.stats();
      const answers = await Promise.all(
        [1, 2, 3, 4, 5].map((i) => client.eval('return tonumber(ARGV[1]) * 2', [], [String(i)])),
      );
      const after = stack.bridge.stats();
      expect(answers).toEqual([2, 4, 6, 8, 10]);
      expect(after.requests - before.requests).toBe(1);
      expect(after.commands - before.commands).toBe(5);
    });

    it("sends a tick's calls beyond chunkBytes in further requests, in order", async () => {
      const client = nodeRedis({ url: stack.bridgeUrl, token: stack.token, chunkBytes: 64 });
      const key = `${randomPrefix('chunks')}:list`;
      await client.eval('return 0', [], []);
      const before = stack.bridge.stats();
      const answers = await Promise.all(
        [1, 2, 3, 4, 5].map((i) =>
          client.eval("return redis.call('RPUSH', KEYS[1], ARGV[1])", [key], [String(i)]),
        ),
      );
      const after = stack.bridge.stats();
      // each RPUSH answers the list's length: the calls ran in the order they were made
      expect(answers).toEqual([1, 2, 3, 4, 5]);
      expect(after.requests - before.requests).toBe(5);
    });

    it('runs a queue after a SCRIPT FLUSH (EVAL fallback), with live events by subscription', async () => {
      const client = nodeRedis({ url: stack.bridgeUrl, token: stack.token });
      const queue = createQueue({ redis: client }, { prefix: randomPrefix('node') });
      const registry = new HandlerRegistry();
      registry.process('email', async (job) => ({ sent: (job.data as { to: string }).to }));
      await queue.create('email', { to: 'a@example.com' }).save();
      await stack.client().scriptFlush();
      const completed = new Promise<unknown[]>((resolve) => {
        queue.on('job complete', (id, result) => resolve([id, result]));
      });
      await sleep(300); // let the subscription open
      const job = await queue.create('email', { to: 'b@example.com' }).save();
      const run = await runWake(queue, registry, { maxJobs: 10 });
      expect(run.completed).toBe(2);
      expect(await completed).toEqual(['1', { sent: 'a@example.com' }]);
      expect((await queue.getJob(job.id!)).toJSON()).toMatchObject({
        state: 'complete',
        result: { sent: 'b@example.com' },
      });
      await queue.close();
    });
  });

  it('retries a request whose connection was reset, up to its retries', async () => {
    const flaky = await fakeServer((n) => (n <= 2 ? 'reset' : { result: 'ok' }));
    const dead = await fakeServer(() => 'reset');
    try {
      const patient = nodeRedis({ url: flaky.url, token: 't', backoff: () => 5 });
      expect(await patient.eval('return "ok"', [], [])).toBe('ok');
      expect(flaky.requests()).toBe(3);
      const brief = nodeRedis({ url: dead.url, token: 't', retries: 1, backoff: () => 5 });
      await expect(brief.eval('return 1', [], [])).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(dead.requests()).toBe(2);
    } finally {
      flaky.server.close();
      dead.server.close();
    }
  });

  it('keeps its connection alive between calls, over http and over https', async () => {
    const plain = await fakeServer((n) => ({ result: n }));
    const secure = await fakeServer((n) => ({ result: n }), true);
    try {
      const overHttp = nodeRedis({ url: plain.url, token: 't' });
      const overHttps = nodeRedis({
        url: secure.url,
        token: 't',
        agent: new HttpsAgent({ keepAlive: true, ca: tls.cert }),
      });
      for (const n of [1, 2, 3]) {
        expect(await overHttp.eval('return 1', [], [])).toBe(n);
        expect(await overHttps.eval('return 1', [], [])).toBe(n);
      }
      expect([plain.connections(), secure.connections()]).toEqual([1, 1]);
      // and an https server it does not trust is refused, as the standard client refuses it
      const untrusting = nodeRedis({ url: secure.url, token: 't', retries: 0 });
      await expect(untrusting.eval('return 1', [], [])).rejects.toThrow(/self[- ]signed/i);
    } finally {
      plain.server.close();
      secure.server.close();
    }
  });

  it("sends a tick's requests one after another: the next when the one before has answered", async () => {
    let inFlight = 0;
    let most = 0;
    const server = createServer((req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as unknown[];
        setTimeout(() => {
          inFlight--;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body.map((_, i) => ({ result: i + 1 }))));
        }, 20);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const client = nodeRedis({ url: `http://127.0.0.1:${port}`, token: 't', chunkBytes: 1 });
      const answers = await Promise.all([1, 2, 3].map(() => client.eval('return 1', [], [])));
      expect(answers).toEqual([1, 1, 1]);
      expect(most).toBe(1);
    } finally {
      server.close();
    }
  });

  it("sends the read-your-writes token the server last gave, as @upstash/redis' client does", async () => {
    const seen: (string | undefined)[] = [];
    const { url, server } = await fakeServer((n, headers) => {
      seen.push(headers['upstash-sync-token'] as string | undefined);
      return { result: n, headers: { 'upstash-sync-token': `token-${n}` } };
    });
    try {
      const client = nodeRedis({ url, token: 'secret' });
      expect(await client.eval('return 1', [], [])).toBe(1);
      expect(await client.eval('return 2', [], [])).toBe(2);
      expect(await client.eval('return 3', [], [])).toBe(3);
      expect(seen).toEqual([undefined, 'token-1', 'token-2']);
    } finally {
      server.close();
    }
  });
});
