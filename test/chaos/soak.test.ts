// Quick version of `npm run chaos -- soak`: see scenarios/soak.ts.
import { describe, expect, it } from 'vitest';
import { describeReport, failedChecks } from './lib/report.js';
import { soak } from './scenarios/soak.js';

describe('chaos: soak (steady load through the bridge and a Node worker)', () => {
  it('completes every job with no growth of either heap after GC', async () => {
    const r = await soak('quick');
    expect(failedChecks(r), describeReport(r)).toEqual([]);
    expect(r.lost).toBe(0);
  }, 120_000);
});
