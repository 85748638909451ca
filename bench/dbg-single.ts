import { Redis } from '@upstash/redis';
import { Redis as IORedis } from 'ioredis';
import { createQueue } from '../core/index.js';
import { startBridge } from '../infra/redis-http/index.js';
import { startRedisServer } from '../infra/redis-server/index.js';
import { forEachConcurrent } from './workload.js';

const srv = await startRedisServer();
const bridge = await startBridge({ redisUrl: srv.url, token: 't', port: 0, log: () => {} });
const q = createQueue({ url: bridge.url, token: 't' }, { prefix: 'q', disableSearch: true });
const r = new Redis({ url: bridge.url, token: 't', enableAutoPipelining: true });
for (let round = 0; round < 3; round++) {
  let c0 = process.cpuUsage();
  let t0 = performance.now();
  await forEachConcurrent(2000, 10, (i) =>
    q.create('email', { i, to: `user${i}@example.com`, template: 'welcome' }).save(),
  );
  let cpu = process.cpuUsage(c0);
  console.log(
    `save x2000 c10: wall ${(performance.now() - t0).toFixed(0)} ms cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`,
  );
  c0 = process.cpuUsage();
  t0 = performance.now();
  await forEachConcurrent(2000, 10, (i) => r.set(`k${i}`, 'v'));
  cpu = process.cpuUsage(c0);
  console.log(
    `set x2000 c10: wall ${(performance.now() - t0).toFixed(0)} ms cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`,
  );
}
console.log(bridge.stats().byEndpoint);
await bridge.close();
await srv.stop();
