// Helpers for tests that talk to Redis the way edgekue does in production: through the
// unmodified @upstash/redis client, over HTTP, to the bridge started by global-setup.ts.
import { randomBytes } from 'node:crypto';
import { Redis, type RedisConfigNodejs } from '@upstash/redis';
import { inject } from 'vitest';
import { type BridgeHandle, type BridgeStats, startBridge } from '../../infra/redis-http/index.js';
import { type RedisServerHandle, startRedisServer } from '../../infra/redis-server/index.js';

/** An @upstash/redis client bound to the shared test bridge. `opts` override the defaults. */
export function testRedis(opts: Partial<RedisConfigNodejs> = {}): Redis {
  return new Redis({
    url: inject('bridgeUrl'),
    token: inject('bridgeToken'),
    ...opts,
  });
}

/** A key prefix unique to this call, so tests sharing one Redis never see each other's keys. */
export function randomPrefix(label = 't'): string {
  return `${label}:${randomBytes(6).toString('hex')}:`;
}

/** How many subscribers a channel has on the shared test Redis (PUBSUB NUMSUB). */
export async function channelSubscribers(channel: string): Promise<number> {
  const [, count] = await testRedis().exec<[string, number]>(['PUBSUB', 'NUMSUB', channel]);
  return count;
}

async function adminRequest(
  url: string,
  token: string,
  path: '/__stats' | '/__stats/reset',
): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method: path === '/__stats' ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/**
 * The shared bridge's counters (GET /__stats). Other test files run against the same bridge
 * concurrently, so compare differences, or use startIsolatedStack() for exact counts.
 */
export async function bridgeStats(
  url = inject('bridgeUrl'),
  token = inject('bridgeToken'),
): Promise<BridgeStats> {
  return (await adminRequest(url, token, '/__stats')) as BridgeStats;
}

export async function resetBridgeStats(
  url = inject('bridgeUrl'),
  token = inject('bridgeToken'),
): Promise<void> {
  await adminRequest(url, token, '/__stats/reset');
}

export interface IsolatedStack {
  readonly redis: RedisServerHandle;
  readonly bridge: BridgeHandle;
  readonly redisUrl: string;
  readonly bridgeUrl: string;
  readonly token: string;
  /** An @upstash/redis client bound to this stack's bridge. */
  client(opts?: Partial<RedisConfigNodejs>): Redis;
  /** Stops the bridge, then Redis. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A private redis-server and bridge, for tests that kill or restart Redis, flush it, or need
 * exact /__stats counts. Costs ~50 ms to start; stop it in afterAll.
 */
export async function startIsolatedStack(
  opts: { token?: string; appendOnly?: boolean; dataDir?: string } = {},
): Promise<IsolatedStack> {
  const token = opts.token ?? 'isolated_token';
  const redis = await startRedisServer({ appendOnly: opts.appendOnly, dataDir: opts.dataDir });
  let bridge: BridgeHandle;
  try {
    bridge = await startBridge({
      redisUrl: redis.url,
      token,
      allowDangerousCommands: true,
      log: () => {},
    });
  } catch (err) {
    await redis.stop();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    redis,
    bridge,
    redisUrl: redis.url,
    bridgeUrl: bridge.url,
    token,
    client: (clientOpts = {}) => new Redis({ url: bridge.url, token, ...clientOpts }),
    stop() {
      stopping ??= bridge.close().then(() => redis.stop());
      return stopping;
    },
  };
}
