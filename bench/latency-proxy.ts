// A TCP proxy that delays every byte by a fixed time in each direction: a network round trip of
// 2 × `oneWayMs` between a client and a server on this machine. The bench's `--rtt` puts one in
// front of redis-server for the peers and one in front of the HTTP bridge for edgekue, as a
// queue on Upstash would pay a network between it and Redis. Bandwidth is not limited, order is
// kept (chunks leave in the order they came, each `oneWayMs` after it came).
import { createConnection, createServer, type Socket } from 'node:net';

export interface LatencyProxy {
  /** host:port to connect to instead of the target. */
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Forwards `from` to `to` `delayMs` late, ending `to` once everything before the end is out. */
function delayed(from: Socket, to: Socket, delayMs: number): void {
  from.on('data', (chunk: Buffer) => {
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, delayMs);
  });
  from.on('end', () => {
    setTimeout(() => to.end(), delayMs);
  });
}

export function startLatencyProxy(
  target: { host: string; port: number },
  oneWayMs: number,
): Promise<LatencyProxy> {
  const open = new Set<Socket>();
  const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    const upstream = createConnection({
      host: target.host,
      port: target.port,
      noDelay: true,
      allowHalfOpen: true,
    });
    for (const s of [client, upstream]) {
      open.add(s);
      // A reset on one side resets the other; nothing is left half open.
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      s.on('close', () => {
        open.delete(s);
        setTimeout(() => (s === client ? upstream : client).destroy(), oneWayMs);
      });
    }
    delayed(client, upstream, oneWayMs);
    delayed(upstream, client, oneWayMs);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('latency proxy: no TCP address'));
        return;
      }
      resolve({
        host: '127.0.0.1',
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of open) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
