// A private Redis stack per chaos scenario: its own redis-server (optionally with AOF), the HTTP
// bridge in front of it (in this process, or in a child whose memory can be measured), and a
// direct ioredis connection that reads the ground truth behind the bridge's back.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis as IORedis } from 'ioredis';
import { type BridgeHandle, startBridge } from '../../../infra/redis-http/index.js';
import { type RedisServerHandle, startRedisServer } from '../../../infra/redis-server/index.js';
import { type ChildHandle, startTsChild } from './processes.js';

export interface ChaosStackOptions {
  /** AOF persistence in a data dir of its own (deleted on stop). */
  appendOnly?: boolean;
  /** Run the bridge in a child process, so its memory is measured apart. */
  bridgeProcess?: boolean;
  /** Start the bridge child with --expose-gc (heap after GC on request). */
  exposeGc?: boolean;
  allowDangerousCommands?: boolean;
}

export interface ChaosStack {
  readonly redis: RedisServerHandle;
  readonly redisUrl: string;
  readonly bridgeUrl: string;
  readonly token: string;
  /** Direct to redis-server: ground truth, CONFIG, never through the bridge. */
  readonly admin: IORedis;
  /** The pid serving the bridge (this process when it runs in-process). */
  readonly bridgePid: number;
  readonly bridgeChild: ChildHandle | undefined;
  stop(): Promise<void>;
}

export async function startChaosStack(opts: ChaosStackOptions = {}): Promise<ChaosStack> {
  const token = randomBytes(16).toString('hex');
  const dataDir = opts.appendOnly ? mkdtempSync(join(tmpdir(), 'edgekue-chaos-')) : undefined;
  const redis = await startRedisServer(
    opts.appendOnly ? { appendOnly: true, dataDir: dataDir! } : {},
  );
  let bridge: BridgeHandle | undefined;
  let bridgeChild: ChildHandle | undefined;
  let bridgeUrl: string;
  const cleanup = async () => {
    await bridge?.close().catch(() => {});
    await bridgeChild?.stop().catch(() => {});
    await redis.stop().catch(() => {});
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const settings = {
      redisUrl: redis.url,
      token,
      allowDangerousCommands: opts.allowDangerousCommands ?? false,
    };
    if (opts.bridgeProcess) {
      const started = await startTsChild('test/chaos/servers/bridge-server.ts', {
        env: { CHAOS_BRIDGE: JSON.stringify(settings) },
        nodeArgs: opts.exposeGc ? ['--expose-gc'] : [],
        label: 'bridge',
      });
      bridgeChild = started.child;
      bridgeUrl = String(started.ready.url);
    } else {
      bridge = await startBridge({ ...settings, port: 0, log: () => {} });
      bridgeUrl = bridge.url;
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
  // Reconnects by itself after a restart of redis-server; commands wait for it meanwhile.
  const admin = new IORedis(redis.url, {
    retryStrategy: () => 100,
    maxRetriesPerRequest: null,
    lazyConnect: false,
  });
  admin.on('error', () => {});
  let stopping: Promise<void> | undefined;
  return {
    redis,
    redisUrl: redis.url,
    bridgeUrl,
    token,
    admin,
    bridgePid: bridgeChild?.pid ?? process.pid,
    bridgeChild,
    stop() {
      stopping ??= (async () => {
        admin.disconnect();
        await cleanup();
      })();
      return stopping;
    },
  };
}

/** A fresh key prefix for one run. */
export function chaosPrefix(label: string): string {
  return `chaos-${label}-${randomBytes(4).toString('hex')}`;
}
