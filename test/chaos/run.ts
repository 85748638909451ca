// `npm run chaos [-- <scenario>... ] [--quick] [--seed N] [--no-readme]`
//
// Runs the chaos scenarios at full size (or quick size with --quick), prints each report, writes
// them to test/chaos/results/<size>.json, and (full size, all passing or not) rewrites the table
// between the markers in test/chaos/README.md. Exits 1 if any check failed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './lib/processes.js';
import {
  describeReport,
  failedChecks,
  markdownTable,
  type ScenarioReport,
  type Size,
} from './lib/report.js';
import { scenarios } from './scenarios/index.js';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: {
    quick: { type: 'boolean', default: false },
    seed: { type: 'string' },
    'no-readme': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: true,
});

const names = Object.keys(scenarios);
if (values.help) {
  process.stdout.write(
    `usage: npm run chaos -- [${names.join('|')} ...] [--quick] [--seed N] [--no-readme]\n`,
  );
  process.exit(0);
}
const unknown = positionals.filter((p) => !names.includes(p));
if (unknown.length > 0) {
  process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${names.join(', ')}\n`);
  process.exit(2);
}
const size: Size = values.quick ? 'quick' : 'full';
const chosen = positionals.length > 0 ? positionals : names;
const seed = values.seed === undefined ? undefined : Number(values.seed);

const resultsDir = join(repoRoot, 'test', 'chaos', 'results');
const resultsFile = join(resultsDir, `${size}.json`);
mkdirSync(resultsDir, { recursive: true });
const previous: Record<string, ScenarioReport> = existsSync(resultsFile)
  ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, ScenarioReport>)
  : {};

let failed = 0;
for (const name of chosen) {
  process.stderr.write(`\n== ${name} (${size})\n`);
  const report = await scenarios[name]!(size, seed === undefined ? {} : { seed });
  process.stdout.write(`${describeReport(report)}\n`);
  if (failedChecks(report).length > 0) failed++;
  previous[name] = report;
  writeFileSync(resultsFile, `${JSON.stringify(previous, null, 2)}\n`);
}

const table = markdownTable(names.filter((n) => previous[n]).map((n) => previous[n]!));
process.stdout.write(`\n${table}\n`);
if (size === 'full' && !values['no-readme']) {
  const readme = join(repoRoot, 'test', 'chaos', 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- chaos-table:start -->';
  const end = '<!-- chaos-table:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) {
    writeFileSync(readme, `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`);
    process.stderr.write(`updated the table in ${readme}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
