import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Settings, settingsSchema, systemNames } from './settings.js';

export const LATEST = 'bench/results/latest.json';

export const usage = `usage: npm run bench -- [--n 20000] [--concurrency 10] [--quick] [--only a,b]
                        [--out file.json] [--rounds 3] [--idle-seconds 30] [--latency-samples 50]
                        [--lanes 3] [--rtt 0]

  --n               jobs per system (default 20000; --quick: 200)
  --concurrency     handlers running at once, for every system (default 10; --quick: 5)
  --quick           small run: short idle windows, compressed tick schedule, few samples
  --only            systems to run, comma-separated: ${systemNames.join(', ')}
  --out             where the JSON goes (default ${LATEST}; --quick: a temp file)
  --rounds          timed passes per system, alternating systems; medians kept (default 3; --quick: 1)
  --idle-seconds    how long a peer's idle worker is watched (default 30; --quick: 2)
  --latency-samples add-to-start samples per system (default 50; --quick: 5)
  --lanes           edgekue batch path: batches one invocation runs side by side (default 3)
  --rtt             network round trip in ms added between every system and its Redis (a delaying
                    TCP proxy: the peers' sockets, edgekue's HTTP requests); default 0. With it,
                    the JSON goes to bench/results/rtt-<ms>ms.json unless --out says otherwise
  --no-readme       do not rewrite the table in bench/README.md (only full runs to ${LATEST} do)`;

function value(argv: string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\n${usage}`);
  return v;
}

function int(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`${flag} must be an integer, got "${text}"`);
  return n;
}

/** Parses `bench/run.ts` flags into validated settings (quick mode changes the defaults). */
export function parseArgs(argv: string[]): Settings {
  const given: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    switch (flag) {
      case '--quick':
        given.quick = true;
        break;
      case '--no-readme':
        given.noReadme = true;
        break;
      case '--help':
      case '-h':
        throw new Error(usage);
      case '--n':
      case '--concurrency':
      case '--only':
      case '--out':
      case '--idle-seconds':
      case '--rounds':
      case '--latency-samples':
      case '--lanes':
      case '--rtt':
        given[flag.slice(2)] = value(argv, i, flag);
        i++;
        break;
      default:
        throw new Error(`unknown flag "${flag}"\n${usage}`);
    }
  }
  const quick = given.quick === true;
  const only =
    typeof given.only === 'string'
      ? given.only
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [...systemNames];
  const unknown = only.filter((s) => !(systemNames as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`--only: unknown system ${unknown.join(', ')}\n${usage}`);
  const rttMs = typeof given.rtt === 'string' ? Number(given.rtt) : 0;
  const out =
    typeof given.out === 'string'
      ? given.out
      : quick
        ? join(tmpdir(), `edgekue-bench-quick-${process.pid}.json`)
        : rttMs > 0
          ? `bench/results/rtt-${rttMs}ms.json`
          : LATEST;
  const idleSeconds = typeof given['idle-seconds'] === 'string' ? Number(given['idle-seconds']) : 0;
  const settings = {
    n: typeof given.n === 'string' ? int(given.n, '--n') : quick ? 200 : 20_000,
    concurrency:
      typeof given.concurrency === 'string'
        ? int(given.concurrency, '--concurrency')
        : quick
          ? 5
          : 10,
    quick,
    only,
    out,
    rounds: typeof given.rounds === 'string' ? int(given.rounds, '--rounds') : quick ? 1 : 3,
    batchSize: 100,
    lanes: typeof given.lanes === 'string' ? int(given.lanes, '--lanes') : 3,
    rttMs,
    idleMs: Math.round((idleSeconds > 0 ? idleSeconds : quick ? 2 : 30) * 1000),
    // The real cron cadence: a tick a minute, promotion every 5 s inside a 25 s budget. Quick
    // mode compresses it twentyfold (a tick every 3 s) so the test stays short.
    idleTick: quick
      ? { periodMs: 3_000, intervalMs: 250, budgetMs: 1_250, graceMs: 250, timeScale: 20 }
      : { periodMs: 60_000, intervalMs: 5_000, budgetMs: 25_000, graceMs: 5_000, timeScale: 1 },
    latencySamples:
      typeof given['latency-samples'] === 'string'
        ? int(given['latency-samples'], '--latency-samples')
        : quick
          ? 5
          : 50,
    tickLatencySamples: quick ? 4 : 24,
    // Tick-only latency is seconds long at the real cadence; sampled on a schedule compressed
    // 20x (60x in quick mode) and scaled back.
    tickLatency: quick
      ? {
          periodMs: 1_000,
          intervalMs: 5_000 / 60,
          budgetMs: 25_000 / 60,
          graceMs: 5_000 / 60,
          timeScale: 60,
        }
      : { periodMs: 3_000, intervalMs: 250, budgetMs: 1_250, graceMs: 250, timeScale: 20 },
    writeReadme: given.noReadme !== true && out === LATEST,
  };
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid settings: ${issue?.path.join('.')}: ${issue?.message}\n${usage}`);
  }
  return parsed.data;
}
