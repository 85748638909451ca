// A Redis with no room left (maxmemory, or an Upstash plan's data size) refuses writes: the API
// says so (507, what to do), not "unavailable, retry" (503), and reads and removals still work,
// so the advice can be followed. A private redis-server and bridge: maxmemory is server-wide.
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from '../../core/index.js';
import { type BridgeHandle, startBridge } from '../../infra/redis-http/index.js';
import { type RedisServerHandle, startRedisServer } from '../../infra/redis-server/index.js';
import { type TestApp, testApp } from './support.js';

let redis: RedisServerHandle;
let bridge: BridgeHandle;
let admin: Redis;
let t: TestApp;

beforeAll(async () => {
  redis = await startRedisServer();
  bridge = await startBridge({
    redisUrl: redis.url,
    token: 'full',
    allowDangerousCommands: true,
    log: () => {},
  });
  admin = new Redis({ url: bridge.url, token: 'full' });
  const queue = new Queue(new Redis({ url: bridge.url, token: 'full' }), { prefix: 'full' });
  t = testApp({}, {}, queue);
});

afterAll(async () => {
  await bridge?.close();
  await redis?.stop();
});

describe('a full Redis', () => {
  it('answers 507 to writes, naming what to do; reads and removals still work', async () => {
    const created = await t.send('POST', '/job', { type: 'email', data: { to: 'a@b.c' } });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: number };

    await admin.exec(['CONFIG', 'SET', 'maxmemory', '1']);
    try {
      const refused = await t.send('POST', '/job', { type: 'email', data: { to: 'd@e.f' } });
      expect(refused.status).toBe(507);
      expect(((await refused.json()) as { error: string }).error).toMatch(
        /^Redis is full .*: remove finished jobs, or raise the limit$/,
      );
      await expect(t.queue.createMany([{ type: 'email', data: {} }])).rejects.toMatchObject({
        code: 'REDIS_FULL',
      });
      expect((await t.send('GET', '/stats')).status).toBe(200);
      expect((await t.send('GET', `/job/${id}`)).status).toBe(200);
      expect((await t.send('DELETE', `/job/${id}`)).status).toBe(200);
      expect((await t.send('GET', `/job/${id}`)).status).toBe(404);
    } finally {
      await admin.exec(['CONFIG', 'SET', 'maxmemory', '0']);
    }
    expect((await t.send('POST', '/job', { type: 'email', data: {} })).status).toBe(200);
    expect(t.log.lines.some((l) => l.includes('OOM command not allowed'))).toBe(true);
  });
});
