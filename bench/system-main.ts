// One system's measurements, in a process of its own (so no library's timers, connections or
// heap linger into the next system's numbers). Started by run.ts; writes its figures as JSON.
import { writeFileSync } from 'node:fs';
import { detailsEdgekue } from './edgekue/details.js';
import { timedEdgekue } from './edgekue/timed.js';
import { beeQueueDriver } from './peers/bee-queue.js';
import { bullmqDriver } from './peers/bullmq.js';
import type { PeerDriver, RedisAddress } from './peers/driver.js';
import { kueDriver } from './peers/kue.js';
import { detailsPeer, timedPeer } from './peers/measure.js';
import { Progress } from './progress.js';
import { AdminRedis } from './redis-admin.js';
import { type ChildResult, childParamsSchema, type PeerName } from './settings.js';

const drivers: Record<PeerName, (redis: RedisAddress) => PeerDriver> = {
  kue: kueDriver,
  bullmq: bullmqDriver,
  'bee-queue': beeQueueDriver,
};

async function main(): Promise<void> {
  const params = childParamsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const address = (text: string): RedisAddress => {
    const url = new URL(text);
    return { host: url.hostname, port: Number(url.port) };
  };
  // The peers' clients go through the latency proxy when there is one; MONITOR goes direct.
  const redis = address(params.clientRedisUrl);
  const direct = address(params.redisUrl);
  const admin = await AdminRedis.open(params.redisUrl);
  const progress = new Progress(params.system);
  const result: ChildResult = {};
  try {
    const system = params.system;
    const timed = params.phase !== 'details';
    const details = params.phase !== 'timed';
    if (system === 'edgekue-batch' || system === 'edgekue-single') {
      const mode = system === 'edgekue-batch' ? 'batch' : 'single';
      if (timed) result.timed = await timedEdgekue(mode, params, admin, progress);
      if (details) result.details = await detailsEdgekue(mode, params, admin, progress);
    } else {
      const driver = drivers[system];
      if (timed) result.timed = await timedPeer(driver(redis), params, admin, progress);
      if (details)
        result.details = await detailsPeer(driver(redis), params, direct, admin, progress);
    }
  } finally {
    progress.end();
    await admin.close();
  }
  writeFileSync(params.resultFile, JSON.stringify(result));
}

main().then(
  // Peers leave sockets and timers behind (Kue's subscriber, Bee-Queue's delayed-job timers).
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
