#!/usr/bin/env node
// The one entry behind `npm start`, `npm test`, `npm run redis-http`, `qstash`, `bench` and
// `chaos`: it does the set-up a fresh clone needs (npm dependencies, Debian packages), then runs
// the command.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, ensureSystemPackages, REDIS } from './system-packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [command, ...rest] = process.argv.slice(2);
const log = (m) => console.error(m);
const bin = (name) => join(root, 'node_modules', '.bin', name);

// Tools the commands run from node_modules/.bin: one missing means node_modules is absent or older
// than package.json (deno and bun came later).
const REQUIRED_BINS = ['tsx', 'vitest', 'deno', 'bun'];

function ensureNodeModules() {
  const missing = REQUIRED_BINS.filter((name) => !existsSync(bin(name)));
  if (missing.length === 0) return;
  const ci = existsSync(join(root, 'package-lock.json'));
  log(
    `setup: npm ${ci ? 'ci' : 'install'} (node_modules ${missing.length === REQUIRED_BINS.length ? 'is missing' : `lacks ${missing.join(', ')}`})`,
  );
  const r = spawnSync('npm', [ci ? 'ci' : 'install', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const vitestJson = join(root, 'test-results', 'vitest.json');

/** One plain closing line that any CI reads: `tests: N passed, N failed`. */
function printSummary() {
  try {
    const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  } catch {
    // no report (vitest did not get that far): its own output says why
  }
}

/** Runs steps one after another, stopping at the first failure; forwards Ctrl-C to the child. */
async function runSteps(steps) {
  // A step ended by the signal we passed on was stopped, not failed.
  let signalled = false;
  for (const [name, file, args] of steps) {
    log(`\n== ${name}`);
    const code = await new Promise((resolve) => {
      const child = spawn(file, args, { cwd: root, stdio: 'inherit' });
      const forward = (sig) => {
        signalled = true;
        child.kill(sig);
      };
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      child.on('exit', (c, sig) => {
        process.off('SIGINT', forward);
        process.off('SIGTERM', forward);
        resolve(c ?? (sig ? 1 : 0));
      });
    });
    if (code !== 0 && signalled) process.exit(code);
    if (code !== 0) {
      log(`${name} failed (exit ${code})`);
      if (file.endsWith('vitest')) printSummary();
      process.exit(code);
    }
  }
}

function wantsLocalRedis() {
  return !process.env.REDIS_URL && !process.env.UPSTASH_REDIS_REST_URL;
}

ensureNodeModules();
const tsx = bin('tsx');
switch (command) {
  case 'test':
    ensureSystemPackages([REDIS, CHROMIUM], log);
    await runSteps([
      ['lint (biome)', bin('biome'), ['check', '.']],
      ['typecheck (tsc)', bin('tsc'), ['--noEmit', '-p', '.']],
      ['typecheck core without platform types (tsc)', bin('tsc'), ['--noEmit', '-p', 'core']],
      [
        'tests (vitest)',
        bin('vitest'),
        [
          'run',
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${vitestJson}`,
          ...rest,
        ],
      ],
    ]);
    printSummary();
    break;
  case 'start':
    if (wantsLocalRedis()) ensureSystemPackages([REDIS], log);
    await runSteps([['start', tsx, ['infra/dev/start.ts', ...rest]]]);
    break;
  case 'redis-http':
    if (wantsLocalRedis()) ensureSystemPackages([REDIS], log);
    await runSteps([['redis-http', tsx, ['infra/redis-http/cli.ts', ...rest]]]);
    break;
  case 'qstash':
    await runSteps([['qstash', tsx, ['infra/qstash/cli.ts', ...rest]]]);
    break;
  case 'bench':
    ensureSystemPackages([REDIS], log);
    await runSteps([['bench', tsx, ['bench/run.ts', ...rest]]]);
    break;
  case 'chaos':
    ensureSystemPackages([REDIS], log);
    await runSteps([['chaos', tsx, ['test/chaos/run.ts', ...rest]]]);
    break;
  default:
    log('usage: node infra/setup/run.mjs start|test|redis-http|qstash|bench|chaos [args]');
    process.exit(2);
}
