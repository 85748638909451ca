import { readFileSync } from 'node:fs';
import { Redis as IORedis } from 'ioredis';
import { createQueue } from '../core/index.js';
import { HandlerRegistry, runWake } from '../worker-handlers/index.js';

const { url, redis } = JSON.parse(readFileSync('/tmp/dbg/bridge.json', 'utf8'));
const io = new IORedis(redis);
const reg = new HandlerRegistry().process('email', async () => {});
const N = 10000;
const variants: [string, () => Promise<unknown>][] = [];
const q = () => createQueue({ url, token: 't' }, { prefix: 'q', disableSearch: true });
const base = q();
variants.push(['1 inv, 100, debounce 5', () => runWake(base, reg, { maxJobs: 100 })]);
variants.push([
  '1 inv, 100, debounce 0',
  () => runWake(base, reg, { maxJobs: 100, ackDebounceMs: 0 }),
]);
variants.push([
  '2 inv, 100 each',
  () => Promise.all([runWake(q(), reg, { maxJobs: 100 }), runWake(q(), reg, { maxJobs: 100 })]),
]);
variants.push([
  '2 inv, 50 each',
  () => Promise.all([runWake(q(), reg, { maxJobs: 50 }), runWake(q(), reg, { maxJobs: 50 })]),
]);
variants.push(['1 inv, 200', () => runWake(base, reg, { maxJobs: 200 })]);
for (let round = 0; round < 2; round++)
  for (const [name, run] of variants) {
    await io.flushall();
    for (let b = 0; b < N / 100; b++) {
      const items = [];
      for (let i = 0; i < 100; i++) items.push({ type: 'email', data: { i } });
      await base.createMany(items);
    }
    const t = performance.now();
    await run();
    console.log(name, Math.round(N / ((performance.now() - t) / 1000)), 'jobs/s process');
  }
io.disconnect();
