// Quick version of `npm run chaos -- redis-restart`: see scenarios/redis-restart.ts.
import { describe, expect, it } from 'vitest';
import { describeReport, failedChecks } from './lib/report.js';
import { redisRestart } from './scenarios/redis-restart.js';

describe('chaos: redis-server restarted mid-run (AOF, appendfsync always)', () => {
  it('keeps every acknowledged job and completes it once', async () => {
    const r = await redisRestart('quick');
    expect(failedChecks(r), describeReport(r)).toEqual([]);
    expect(r.lost).toBe(0);
    expect(r.duplicatedCompletions).toBe(0);
    expect(r.faults['SIGKILL + start']).toBe(1);
  }, 150_000);
});
