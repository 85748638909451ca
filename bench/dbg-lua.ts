import { readFileSync } from 'node:fs';
import { Redis as IORedis } from 'ioredis';
import { createQueue } from '../core/index.js';
import { HandlerRegistry, runWake } from '../worker-handlers/index.js';

const { url, redis } = JSON.parse(readFileSync('/tmp/dbg/bridge.json', 'utf8'));
const io = new IORedis(redis);
const stats = async () => {
  const info = await io.info('commandstats');
  const m = new Map<string, [number, number]>();
  for (const x of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm))
    m.set(x[1]!, [Number(x[2]), Number(x[3])]);
  return m;
};
const diff = (a: Map<string, [number, number]>, b: Map<string, [number, number]>, n: number) => {
  const rows: string[] = [];
  for (const [k, [c, u]] of b) {
    const [c0, u0] = a.get(k) ?? [0, 0];
    if (c - c0 > 0 && k !== 'info')
      rows.push(`${k}:${((c - c0) / n).toFixed(2)}/job ${((u - u0) / n).toFixed(1)}us`);
  }
  return rows.join('  ');
};
const reg = new HandlerRegistry().process('email', async () => {});
for (const jobEvents of [true, false, true, false]) {
  const q = createQueue({ url, token: 't' }, { prefix: 'q', disableSearch: true, jobEvents });
  await io.flushall();
  await io.config('RESETSTAT');
  const N = 5000;
  const s0 = await stats();
  for (let b = 0; b < N / 100; b++) {
    const items = [];
    for (let i = 0; i < 100; i++)
      items.push({ type: 'email', data: { i, to: `user${i}@example.com`, template: 'welcome' } });
    await q.createMany(items);
  }
  const s1 = await stats();
  await runWake(q, reg, { maxJobs: 100 });
  const s2 = await stats();
  console.log(`events=${jobEvents}\n create: ${diff(s0, s1, N)}\n process: ${diff(s1, s2, N)}`);
}
io.disconnect();
