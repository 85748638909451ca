// `npm run bench -- --quick` end to end: every system runs and every figure comes out, a number
// or null where it does not apply. No timing is asserted (benchmarks measure, tests check).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BenchResult, resultSchema, systemNames } from '../../bench/settings.js';

const headline = [
  'jobsPerSec',
  'createPerSec',
  'processPerSec',
  'billedCommandsPerJob',
  'httpRequestsPerJob',
  'idleCommandsPerMinute',
  'wakeLatencyP50Ms',
  'wakeLatencyP95Ms',
  'memoryBytesPerJob',
] as const;

const dir = mkdtempSync(join(tmpdir(), 'edgekue-bench-test-'));
const out = join(dir, 'quick.json');
let result: BenchResult;
let stdout = '';

function runBench(): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out, '--no-readme'],
      { cwd: join(import.meta.dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

beforeAll(async () => {
  const { code, stderr } = await runBench();
  if (code !== 0) throw new Error(`bench --quick exited with ${code}:\n${stderr.slice(-4000)}`);
  result = resultSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench --quick', () => {
  it('runs the quick workload on every system', () => {
    expect(result.quick).toBe(true);
    expect(result.n).toBe(200);
    expect(result.concurrency).toBe(5);
    expect(Object.keys(result.systems).sort()).toEqual([...systemNames].sort());
    expect(result.date).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(result.machine.length).toBeGreaterThan(0);
  });

  it('gives every figure for edgekue, and null only where a figure does not apply to a peer', () => {
    for (const name of systemNames) {
      const f = result.systems[name]!;
      const edgekue = name.startsWith('edgekue');
      for (const key of headline) {
        if (key === 'httpRequestsPerJob' && !edgekue) expect(f[key], `${name}.${key}`).toBeNull();
        else expect(f[key], `${name}.${key}`).toBeTypeOf('number');
      }
      for (const key of ['tickLatencyP50Ms', 'idleCommandsPerTick'] as const) {
        if (edgekue) expect(f[key], `${name}.${key}`).toBeTypeOf('number');
        else expect(f[key], `${name}.${key}`).toBeNull();
      }
      expect(f.jobsPerSec!).toBeGreaterThan(0);
      expect(f.memoryBytesPerJob!).toBeGreaterThan(0);
      // the time split: edgekue's bridge CPU per phase, read from the bridge itself
      const time = f.profile.timePerJobUs;
      for (const key of ['bridgeCreate', 'bridgeProcess', 'bridge'] as const) {
        if (edgekue) expect(time[key], `${name}.${key}`).toBeGreaterThan(0);
        else expect(time[key], `${name}.${key}`).toBeNull();
      }
      if (edgekue) expect(time.bridge).toBeCloseTo(time.bridgeCreate! + time.bridgeProcess!, 6);
    }
  });

  it('counts the billed commands each system sends', () => {
    const s = result.systems;
    // edgekue: one script call per createMany of 100 (2 here); on the one-job path the saves the
    // producers make in the same tick share one (5 producers: about 40 calls for 200 saves)
    expect(s['edgekue-batch']!.billedCreateCommandsPerJob).toBeCloseTo(2 / 200, 5);
    expect(s['edgekue-single']!.billedCreateCommandsPerJob!).toBeLessThanOrEqual(0.5);
    expect(s['edgekue-single']!.profile.create.byScript?.enqueue ?? 200).toBeLessThanOrEqual(100);
    // one-job path: one lease per concurrency slot, acks of jobs finishing together share a call;
    // the what-if of a producer and an invocation per job pays a create and a claim/ack per job
    expect(s['edgekue-single']!.billedProcessCommandsPerJob!).toBeLessThan(0.5);
    const extra = s['edgekue-single']!.profile.extra;
    expect(extra.oneJobInvocationsBilledCommandsPerJob!).toBeGreaterThanOrEqual(2);
    // the batch path runs three lanes, and measures what one lane does beside it
    expect(result.lanes).toBe(3);
    expect(s['edgekue-batch']!.profile.extra.oneLaneJobsPerSec!).toBeGreaterThan(0);
    expect(s['edgekue-batch']!.profile.extra.lanesSpeedup!).toBeGreaterThan(0);
    // it creates with `concurrency` producers, and measures one producer beside it
    expect(s['edgekue-batch']!.profile.extra.oneProducerJobsPerSec!).toBeGreaterThan(0);
    expect(s['edgekue-batch']!.profile.extra.producersSpeedup!).toBeGreaterThan(0);
    // both paths run again with the client bundled as a Worker in workerd, beside Node
    for (const name of ['edgekue-batch', 'edgekue-single']) {
      const e = s[name]!.profile.extra;
      expect(e.workerdJobsPerSec!).toBeGreaterThan(0);
      expect(e.workerdCreatePerSec!).toBeGreaterThan(e.workerdJobsPerSec!);
      expect(e.workerdProcessPerSec!).toBeGreaterThan(e.workerdJobsPerSec!);
      expect(e.workerdSpeedup!).toBeGreaterThan(0);
      // and with the Node client on fetch, beside edgekue's node:http client
      expect(e.fetchClientJobsPerSec!).toBeGreaterThan(0);
      expect(e.nodeHttpSpeedup!).toBeGreaterThan(0);
    }
    // BullMQ and Bee-Queue add a job with one script call; Kue sends many plain commands
    expect(s.bullmq!.billedCreateCommandsPerJob).toBe(1);
    expect(s['bee-queue']!.billedCreateCommandsPerJob).toBe(1);
    expect(s.kue!.billedCreateCommandsPerJob!).toBeGreaterThan(5);
    expect(s.kue!.profile.create.byCommand.hset).toBeGreaterThan(0);
  });

  it('computes edgekue ÷ peer ratios and checks the targets from the same run', () => {
    for (const e of ['edgekue-batch', 'edgekue-single']) {
      for (const p of ['kue', 'bullmq', 'bee-queue']) {
        const r = result.ratios[`${e}/${p}`] as Record<string, number | null>;
        expect(r.jobsPerSec, `${e}/${p}`).toBeTypeOf('number');
        expect(r.billedCommandsPerJob, `${e}/${p}`).toBeTypeOf('number');
      }
    }
    expect(result.targets.length).toBeGreaterThanOrEqual(8);
    expect(stdout).toContain('| billed commands / job |');
  });
});
