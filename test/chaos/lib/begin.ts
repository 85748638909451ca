// The opening every scenario shares: its options for the size (with overrides), its seeded random
// source, and a report that records the seed, so any run can be replayed.
import { newReport, type ScenarioReport, type Size } from './report.js';
import { type Random, random } from './util.js';

export function beginScenario<O extends { seed?: number }>(
  name: string,
  size: Size,
  sizes: Record<Size, O>,
  overrides: Partial<O>,
): { o: O; rnd: Random; report: ScenarioReport } {
  const o = { ...sizes[size], ...overrides };
  const rnd = random(o.seed);
  const report = newReport(name, size);
  report.figures.seed = rnd.seed;
  return { o, rnd, report };
}
