import { writeFileSync } from 'node:fs';
import { startBridge } from '../infra/redis-http/index.js';
import { startRedisServer } from '../infra/redis-server/index.js';

const srv = await startRedisServer();
const bridge = await startBridge({ redisUrl: srv.url, token: 't', port: 0, log: () => {} });
writeFileSync('/tmp/dbg/bridge.json', JSON.stringify({ url: bridge.url, redis: srv.url }));
process.on('SIGTERM', async () => {
  await bridge.close();
  await srv.stop();
  process.exit(0);
});
setInterval(() => {}, 1000);
