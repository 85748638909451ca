// A TCP port that accepts connections and never answers: a hung Redis, or a proxy in front of one.
import { createServer, type Socket } from 'node:net';

export interface HungRedis {
  /** `http://127.0.0.1:<port>`, for UPSTASH_REDIS_REST_URL. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startHungRedis(): Promise<HungRedis> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
