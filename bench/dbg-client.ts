import { readFileSync } from 'node:fs';
import { Redis as IORedis } from 'ioredis';
import { createQueue } from '../core/index.js';
import { HandlerRegistry, runWake } from '../worker-handlers/index.js';

const { url, redis } = JSON.parse(readFileSync('/tmp/dbg/bridge.json', 'utf8'));
const io = new IORedis(redis);
const q = createQueue({ url, token: 't' }, { prefix: 'q', disableSearch: true });
const usec = async () => {
  const info = await io.info('commandstats');
  let s = 0;
  for (const m of info.matchAll(/^cmdstat_(evalsha|eval):calls=\d+,usec=(\d+)/gm))
    s += Number(m[2]);
  return s;
};
const reg = new HandlerRegistry().process('email', async () => {});
for (let round = 0; round < 3; round++) {
  await io.flushall();
  const u0 = await usec();
  let c0 = process.cpuUsage();
  let t0 = performance.now();
  for (let b = 0; b < 100; b++) {
    const items = [];
    for (let i = 0; i < 100; i++)
      items.push({ type: 'email', data: { i, to: `user${i}@example.com`, template: 'welcome' } });
    await q.createMany(items);
  }
  let cpu = process.cpuUsage(c0);
  const u1 = await usec();
  console.log(
    `create 10000: wall ${(performance.now() - t0).toFixed(0)} ms, client cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, redis lua ${((u1 - u0) / 1000).toFixed(0)} ms`,
  );
  c0 = process.cpuUsage();
  t0 = performance.now();
  const r = await runWake(q, reg, { maxJobs: 100 });
  cpu = process.cpuUsage(c0);
  const u2 = await usec();
  console.log(
    `process ${r.completed}: wall ${(performance.now() - t0).toFixed(0)} ms, client cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, redis lua ${((u2 - u1) / 1000).toFixed(0)} ms`,
  );
}
io.disconnect();
