// Quick version of `npm run chaos -- killed-workers`: see scenarios/killed-workers.ts.
import { describe, expect, it } from 'vitest';
import { describeReport, failedChecks } from './lib/report.js';
import { killedWorkers } from './scenarios/killed-workers.js';

describe('chaos: killed and frozen workers', () => {
  it('loses no job and records no completion twice', async () => {
    const r = await killedWorkers('quick');
    expect(failedChecks(r), describeReport(r)).toEqual([]);
    expect(r.lost).toBe(0);
    expect(r.duplicatedCompletions).toBe(0);
    expect(r.faults.SIGKILL).toBeGreaterThanOrEqual(1);
  }, 150_000);
});
