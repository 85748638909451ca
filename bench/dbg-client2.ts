import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Redis as IORedis } from 'ioredis';
import { createQueue } from '../core/index.js';
import { HandlerRegistry, runWake } from '../worker-handlers/index.js';

const { url, redis } = JSON.parse(readFileSync('/tmp/dbg/bridge.json', 'utf8'));
const io = new IORedis(redis);
const q = createQueue({ url, token: 't' }, { prefix: 'q', disableSearch: true });
const reg = new HandlerRegistry().process('email', async () => {});
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
const create = async () => {
  for (let b = 0; b < 100; b++) {
    const items = [];
    for (let i = 0; i < 100; i++)
      items.push({ type: 'email', data: { i, to: `user${i}@example.com`, template: 'welcome' } });
    await q.createMany(items);
  }
};
await io.flushall();
await create();
await runWake(q, reg, { maxJobs: 100 });
await io.flushall();
await session.post('Profiler.start');
await create();
let { profile } = await session.post('Profiler.stop');
writeFileSync('/tmp/dbg/create.cpuprofile', JSON.stringify(profile));
await session.post('Profiler.start');
await runWake(q, reg, { maxJobs: 100 });
({ profile } = await session.post('Profiler.stop'));
writeFileSync('/tmp/dbg/process.cpuprofile', JSON.stringify(profile));
io.disconnect();
session.disconnect();
