import { connect } from 'node:net';

/**
 * Sends one inline `PING` over a fresh TCP connection and resolves true on `+PONG`. Used to
 * tell when a starting redis-server is ready; deliberately needs no Redis client library.
 */
export function pingRedis(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      // A loading server answers "-LOADING ..." instead: not ready yet.
      if (received.includes('\r\n')) finish(received.startsWith('+PONG'));
    });
  });
}

/** Polls `pingRedis` until it succeeds, `isAlive()` turns false, or the deadline passes. */
export async function waitForPing(
  host: string,
  port: number,
  opts: { timeoutMs: number; isAlive: () => boolean },
): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    if (!opts.isAlive()) return false;
    if (await pingRedis(host, port)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}
