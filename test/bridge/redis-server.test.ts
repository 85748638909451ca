// The redis-server launcher: free ports only, clean stop by pid, restart in place.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis as IORedis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  findFreePort,
  findRedisServerBinary,
  RedisBinaryNotFoundError,
  startRedisServer,
} from '../../infra/redis-server/index.js';
import { isAlive } from '../support/processes.js';

async function withClient<T>(url: string, use: (client: IORedis) => Promise<T>): Promise<T> {
  const client = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    client.disconnect();
  }
}

describe('startRedisServer', () => {
  it('starts on a free port other than 6379, answers, and stops its own process', async () => {
    const server = await startRedisServer();
    try {
      expect(server.port).not.toBe(6379);
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
      expect(isAlive(server.pid)).toBe(true);
      expect(await withClient(server.url, (c) => c.ping())).toBe('PONG');
      // Ephemeral by default: no snapshot points.
      expect(await withClient(server.url, (c) => c.config('GET', 'save'))).toEqual(['save', '']);
    } finally {
      await server.stop();
    }
    expect(isAlive(server.pid)).toBe(false);
    await server.stop(); // idempotent
  });

  it('restarts on the same port after a SIGKILL, keeping data with appendOnly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'edgekue-redis-test-'));
    const server = await startRedisServer({ dataDir, appendOnly: true });
    try {
      await withClient(server.url, (c) => c.set('kept', 'yes'));
      const firstPid = server.pid;
      server.kill('SIGKILL');
      await expect.poll(() => isAlive(firstPid)).toBe(false);
      await server.restart();
      expect(server.pid).not.toBe(firstPid);
      expect(await withClient(server.url, (c) => c.get('kept'))).toBe('yes');
      expect(readdirSync(dataDir)).toContain('appendonlydir');
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('findFreePort never returns 6379', async () => {
    const ports = await Promise.all(Array.from({ length: 5 }, () => findFreePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThan(0);
      expect(port).not.toBe(6379);
    }
  });

  it('explains how to get redis-server when it is missing', () => {
    expect(() => findRedisServerBinary({ PATH: '/nonexistent' })).toThrow(RedisBinaryNotFoundError);
    expect(() => findRedisServerBinary({ PATH: '/nonexistent' })).toThrow(
      /apt-get install redis-server.*REDIS_URL.*UPSTASH_REDIS_REST_URL/s,
    );
  });
});
