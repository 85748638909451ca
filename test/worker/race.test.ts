// Four separate Node processes race on 5,000 jobs: each job runs exactly once (its side effect,
// a per-job HINCRBY in Redis, is 1 for every job) and none is lost.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedis } from '../support/stack.js';
import { bridge, dropQueue, testQueue } from './helpers.js';

const JOBS = 5_000;
const WORKERS = 4;
const queue = testQueue('race');
const counts = `{${queue.prefix}}:race-counts`;
afterAll(() => dropQueue(queue));

interface Summary {
  pid: number;
  claimed: number;
  completed: number;
}

function runWorker(): Promise<Summary> {
  const root = join(import.meta.dirname, '..', '..');
  return new Promise((resolve, reject) => {
    const child = spawn(
      join(root, 'node_modules', '.bin', 'tsx'),
      [join(import.meta.dirname, 'race-worker.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          RACE_URL: bridge().url,
          RACE_TOKEN: bridge().token,
          RACE_PREFIX: queue.prefix,
          RACE_COUNTS: counts,
          RACE_WORKERS: String(WORKERS),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker exited ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Summary);
    });
  });
}

describe('four processes racing', () => {
  it('runs each of 5,000 jobs exactly once and loses none', { timeout: 240_000 }, async () => {
    const jobs = await queue.createMany(
      Array.from({ length: JOBS }, (_, i) => ({ type: 'race', data: { i } })),
    );
    const ids = jobs.map((j) => j.id!);
    expect(new Set(ids).size).toBe(JOBS);

    const summaries = await Promise.all(Array.from({ length: WORKERS }, runWorker));

    const redis = testRedis();
    const ran = (await redis.hgetall<Record<string, number>>(counts)) ?? {};
    expect(Object.keys(ran)).toHaveLength(JOBS);
    const twice = ids.filter((id) => Number(ran[id]) !== 1);
    expect(twice).toEqual([]);
    expect(summaries.reduce((n, s) => n + s.completed, 0)).toBe(JOBS);
    // They really raced: every process ran a share.
    for (const s of summaries) expect(s.completed).toBeGreaterThan(0);
    const c = await queue.counts(['race']);
    expect(c.types.race).toMatchObject({ complete: JOBS, inactive: 0, active: 0, failed: 0 });
  });
});
