// Quick version of `npm run chaos -- burst`: see scenarios/burst.ts.
import { describe, expect, it } from 'vitest';
import { describeReport, failedChecks } from './lib/report.js';
import { burst } from './scenarios/burst.js';

describe('chaos: bursts of jobs from concurrent producers while workers drain', () => {
  it('keeps the claim order per type, consistent counts and a bounded bridge', async () => {
    const r = await burst('quick');
    expect(failedChecks(r), describeReport(r)).toEqual([]);
    expect(r.lost).toBe(0);
    expect(r.figures['jobs claimed while others of their type waited']).toBeGreaterThan(1_000);
  }, 150_000);
});
