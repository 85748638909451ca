// Quick version of `npm run chaos -- bridge-faults`: see scenarios/bridge-faults.ts.
import { describe, expect, it } from 'vitest';
import { describeReport, failedChecks } from './lib/report.js';
import { bridgeFaults } from './scenarios/bridge-faults.js';

describe('chaos: network faults between edgekue and the bridge', () => {
  it('creates each unique job once, loses nothing, records each completion once', async () => {
    const r = await bridgeFaults('quick');
    expect(failedChecks(r), describeReport(r)).toEqual([]);
    expect(r.lost).toBe(0);
    expect(r.duplicatedCompletions).toBe(0);
    expect(Object.values(r.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
  }, 150_000);
});
