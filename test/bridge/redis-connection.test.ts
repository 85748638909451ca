// The bridge's view of its Redis connection: /__health tells a load balancer when Redis is out
// of reach, the log says why (a wrong password too, once per reason), and no log line carries
// the Redis password.
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHandle, startBridge } from '../../infra/redis-http/index.js';
import {
  findFreePort,
  type RedisServerHandle,
  startRedisServer,
} from '../../infra/redis-server/index.js';

const TOKEN = 'connection_token';
const PASSWORD = 'pw-Sup3rSecret';

async function health(bridge: BridgeHandle): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${bridge.url}/__health`);
  return { status: res.status, body: await res.json() };
}

describe('Redis connection state', () => {
  let redis: RedisServerHandle;
  let hostPort: string;
  const bridges: BridgeHandle[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    hostPort = new URL(redis.url).host;
    // As `redis-server --requirepass`: our own server, so the others are not touched.
    const admin = new IORedis(redis.url);
    await admin.config('SET', 'requirepass', PASSWORD);
    admin.disconnect();
  });
  afterAll(async () => {
    for (const bridge of bridges) await bridge.close();
    await redis?.stop();
  });

  async function bridgeTo(redisUrl: string, lines: string[]): Promise<BridgeHandle> {
    const bridge = await startBridge({ redisUrl, token: TOKEN, log: (l) => lines.push(l) });
    bridges.push(bridge);
    return bridge;
  }

  it('logs the Redis URL without its password', async () => {
    const lines: string[] = [];
    const bridge = await bridgeTo(`redis://:${PASSWORD}@${hostPort}/0`, lines);
    expect(lines).toContain(`redis-http: connected to Redis at redis://:***@${hostPort}/0`);
    expect(lines.join('\n')).not.toContain(PASSWORD);
    expect(await health(bridge)).toEqual({ status: 200, body: { ok: true } });
  });

  it('logs why it cannot connect with a wrong password, once, and reports 503 on /__health', async () => {
    const lines: string[] = [];
    const wrong = `${PASSWORD}-wrong`;
    const bridge = await bridgeTo(`redis://:${wrong}@${hostPort}`, lines);
    // Start-up waited for Redis for seconds: ioredis retried many times by now.
    const reasons = lines.filter((l) => l.includes('cannot connect'));
    expect(reasons).toEqual([
      `redis-http: cannot connect to Redis at redis://:***@${hostPort}: WRONGPASS invalid username-password pair or user is disabled.`,
    ]);
    expect(lines.join('\n')).not.toContain(PASSWORD);
    expect(await health(bridge)).toEqual({
      status: 503,
      body: { ok: false, error: expect.stringMatching(/^ERR Redis is unavailable: connection is/) },
    });
    const res = await fetch(bridge.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: '["ping"]',
    });
    expect(res.status).toBe(503);
  });

  it('reports 503 on /__health while nothing listens where Redis should be, and says why', async () => {
    const lines: string[] = [];
    const port = await findFreePort('127.0.0.1');
    const bridge = await bridgeTo(`redis://127.0.0.1:${port}`, lines);
    expect(await health(bridge)).toEqual({
      status: 503,
      body: { ok: false, error: expect.stringMatching(/^ERR Redis is unavailable/) },
    });
    expect(lines.filter((l) => l.includes('cannot connect'))).toEqual([
      `redis-http: cannot connect to Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    ]);
  });
});
