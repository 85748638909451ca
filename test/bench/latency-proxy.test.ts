// The bench's latency proxy (--rtt): bytes arrive whole and in order, each direction late by the
// configured time, half-closes pass through, and closing it leaves no connection open.
import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../bench/args.js';
import { type LatencyProxy, startLatencyProxy } from '../../bench/latency-proxy.js';

const ONE_WAY_MS = 40;
let echo: Server;
let proxy: LatencyProxy;
const serverSides = new Set<Socket>();

beforeAll(async () => {
  // Echoes what it gets; on the client's end it answers "bye" and ends too.
  echo = createServer({ allowHalfOpen: true }, (socket) => {
    serverSides.add(socket);
    socket.on('close', () => serverSides.delete(socket));
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('end', () => socket.end('bye'));
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const port = (echo.address() as { port: number }).port;
  proxy = await startLatencyProxy({ host: '127.0.0.1', port }, ONE_WAY_MS);
});

afterAll(async () => {
  await proxy.close();
  echo.close();
});

async function connect(): Promise<Socket> {
  const socket = createConnection({ host: proxy.host, port: proxy.port, allowHalfOpen: true });
  await once(socket, 'connect');
  return socket;
}

describe('latency proxy', () => {
  it('delays each direction: an echo comes back a round trip later', async () => {
    const socket = await connect();
    const started = performance.now();
    socket.write('ping');
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    const elapsed = performance.now() - started;
    expect(chunk.toString()).toBe('ping');
    // timers fire no earlier than asked (1 ms of rounding allowed per hop)
    expect(elapsed).toBeGreaterThanOrEqual(2 * ONE_WAY_MS - 2);
    socket.destroy();
  });

  it('keeps every byte, in order, across many writes', async () => {
    const socket = await connect();
    const sent: Buffer[] = [];
    for (let i = 0; i < 500; i++) {
      const chunk = Buffer.from(`${i}:${'x'.repeat(i % 97)};`);
      sent.push(chunk);
      socket.write(chunk);
    }
    const expected = Buffer.concat(sent);
    const got: Buffer[] = [];
    let length = 0;
    while (length < expected.length) {
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      got.push(chunk);
      length += chunk.length;
    }
    expect(Buffer.concat(got).equals(expected)).toBe(true);
    socket.destroy();
  });

  it('passes a half-close through: the server still answers after the client ended', async () => {
    const socket = await connect();
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.write('last words');
    socket.end();
    await once(socket, 'end');
    expect(text).toBe('last wordsbye');
    socket.destroy();
  });

  it('closes the connections it holds when closed', async () => {
    const other = await startLatencyProxy(
      { host: '127.0.0.1', port: (echo.address() as { port: number }).port },
      1,
    );
    const socket = createConnection({ host: other.host, port: other.port });
    await once(socket, 'connect');
    socket.write('hello');
    await once(socket, 'data');
    const closed = once(socket, 'close');
    await other.close();
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});

describe('bench --rtt', () => {
  it('defaults to none, and a run with it writes its own file, not the README table', () => {
    expect(parseArgs([]).rttMs).toBe(0);
    const s = parseArgs(['--rtt', '2']);
    expect(s.rttMs).toBe(2);
    expect(s.out).toBe('bench/results/rtt-2ms.json');
    expect(s.writeReadme).toBe(false);
  });

  it('refuses a negative round trip, naming the setting', () => {
    expect(() => parseArgs(['--rtt', '-1'])).toThrow(/rttMs/);
    expect(() => parseArgs(['--rtt', 'slow'])).toThrow(/rttMs/);
  });
});
