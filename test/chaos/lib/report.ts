// What a scenario hands back: its figures for the README table, and named checks that a test
// asserts (every check passes) and a full run prints.
import type { MemorySummary } from './memory.js';

export type Size = 'quick' | 'full';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ScenarioReport {
  scenario: string;
  size: Size;
  jobs: number;
  /** Faults injected, by kind. */
  faults: Record<string, number>;
  /** Jobs acknowledged to their creator that did not end complete. */
  lost: number;
  /** Jobs whose completion was recorded more than once. */
  duplicatedCompletions: number;
  /** Handler runs beyond one per job (at-least-once re-execution after a kill): allowed. */
  reruns: number;
  /** From a fault to the last affected lease recovered, in ms. */
  recoveryMs?: { last: number; max: number };
  memory: Record<string, MemorySummary>;
  durationMs: number;
  checks: Check[];
  /** Other figures worth printing. */
  figures: Record<string, number | string>;
  notes: string[];
}

export function newReport(scenario: string, size: Size): ScenarioReport {
  return {
    scenario,
    size,
    jobs: 0,
    faults: {},
    lost: 0,
    duplicatedCompletions: 0,
    reruns: 0,
    memory: {},
    durationMs: 0,
    checks: [],
    figures: {},
    notes: [],
  };
}

export function check(report: ScenarioReport, name: string, ok: boolean, detail = ''): boolean {
  report.checks.push({ name, ok, detail });
  return ok;
}

export const failedChecks = (r: ScenarioReport) => r.checks.filter((c) => !c.ok);

const fmt = (n: number) => n.toLocaleString('en-US');

function faultsText(faults: Record<string, number>): string {
  const parts = Object.entries(faults)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${fmt(n)} ${k}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}

function memoryText(memory: Record<string, MemorySummary>): string {
  const parts = Object.entries(memory).map(
    ([name, m]) => `${name} ${m.startMb} → ${m.endMb} MB (peak ${m.peakMb})`,
  );
  return parts.length > 0 ? parts.join('; ') : '—';
}

/** The README table: one row per scenario. */
export function markdownTable(reports: ScenarioReport[]): string {
  const rows = [
    '| scenario | jobs | faults injected | lost | completions recorded twice | re-runs (at-least-once) | recovery | memory start → end | checks | time |',
    '| --- | --: | --- | --: | --: | --: | --- | --- | --- | --: |',
  ];
  for (const r of reports) {
    const failed = failedChecks(r);
    const recovery = r.recoveryMs
      ? `last ${fmt(r.recoveryMs.last)} ms, max ${fmt(r.recoveryMs.max)} ms`
      : '—';
    rows.push(
      `| ${r.scenario} | ${fmt(r.jobs)} | ${faultsText(r.faults)} | ${fmt(r.lost)} | ${fmt(r.duplicatedCompletions)} | ${fmt(r.reruns)} | ${recovery} | ${memoryText(r.memory)} | ${failed.length === 0 ? `${r.checks.length}/${r.checks.length} pass` : `**${failed.length} FAIL**`} | ${fmt(Math.round(r.durationMs / 1000))} s |`,
    );
  }
  return rows.join('\n');
}

/** A report as text for the console: figures, checks, notes. */
export function describeReport(r: ScenarioReport): string {
  const lines = [`## ${r.scenario} (${r.size}, ${Math.round(r.durationMs / 1000)} s)`];
  lines.push(
    `jobs ${fmt(r.jobs)}, lost ${r.lost}, duplicated completions ${r.duplicatedCompletions}, re-runs ${r.reruns}`,
  );
  lines.push(`faults: ${faultsText(r.faults)}`);
  if (r.recoveryMs)
    lines.push(`recovery: last ${r.recoveryMs.last} ms, max ${r.recoveryMs.max} ms`);
  lines.push(`memory: ${memoryText(r.memory)}`);
  for (const [k, v] of Object.entries(r.figures))
    lines.push(`${k}: ${typeof v === 'number' ? fmt(v) : v}`);
  for (const c of r.checks)
    lines.push(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail ? ` — ${c.detail}` : ''}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}
