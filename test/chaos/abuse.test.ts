// Quick version of `npm run chaos -- abuse`: see scenarios/abuse/index.ts.
import { describe, expect, it } from 'vitest';
import { describeReport, failedChecks } from './lib/report.js';
import { abuse } from './scenarios/abuse/index.js';

describe('chaos: hostile input and auth bypass attempts on the app and the bridge', () => {
  it('refuses intruders, never answers 5xx, never touches other jobs, keeps Redis administered', async () => {
    const r = await abuse('quick');
    expect(failedChecks(r), describeReport(r)).toEqual([]);
    expect(r.figures['requests without valid credentials']).toBeGreaterThan(1_000);
  }, 150_000);
});
