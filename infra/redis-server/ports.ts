import { createServer } from 'node:net';

/** The port a developer's own Redis most likely uses: we never take it, so we never clash with it. */
export const DEFAULT_REDIS_PORT = 6379;

/**
 * Asks the OS for a free TCP port on 127.0.0.1 (by binding port 0 and releasing it). Another
 * process could take it before we use it; callers that bind it later retry on "address in use".
 */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen(0, host, () => {
        const address = server.address();
        const found = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(found));
      });
    });
    if (port !== 0 && port !== DEFAULT_REDIS_PORT) return port;
  }
}
