// `npm run bench`: one redis-server and the HTTP Redis bridge, then the same workload on each
// system in turn (each in a child process), then ratios, the table and bench/results/latest.json.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis as IORedis } from 'ioredis';
import { startBridge } from '../infra/redis-http/index.js';
import { startRedisServer } from '../infra/redis-server/index.js';
import { parseArgs } from './args.js';
import { compose } from './compose.js';
import { startLatencyProxy } from './latency-proxy.js';
import { checkTargets, computeRatios, figuresTable, ratiosTable, targetsList } from './report.js';
import {
  type BenchResult,
  type ChildParams,
  type ChildResult,
  childResultSchema,
  type Details,
  type Figures,
  isPeer,
  type Settings,
  type SystemName,
  type Timed,
} from './settings.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, '..');

async function machine(redisUrl: string): Promise<string> {
  const redis = new IORedis(redisUrl);
  const info = await redis.info('server');
  await redis.quit();
  const version = /^redis_version:(\S+)/m.exec(info)?.[1] ?? '?';
  const cpu = cpus();
  return [
    `${cpu[0]?.model.trim() ?? 'cpu'} × ${cpu.length}`,
    `${Math.round(totalmem() / 2 ** 30)} GiB`,
    `${platform()} ${release()}`,
    `Node ${process.version}`,
    `Redis ${version}`,
  ].join(', ');
}

/** Runs one phase of one system in a child process; resolves with what it measured. */
function runChild(params: ChildParams): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(benchDir, 'system-main.ts'), JSON.stringify(params)],
      { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      if (code !== 0) {
        reject(new Error(`${params.system} exited with ${code ?? signal}`));
        return;
      }
      try {
        resolve(childResultSchema.parse(JSON.parse(readFileSync(params.resultFile, 'utf8'))));
      } catch (error) {
        reject(error);
      } finally {
        rmSync(params.resultFile, { force: true });
      }
    });
  });
}

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

function updateReadme(text: string): void {
  const path = join(benchDir, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) {
    process.stderr.write(`bench/README.md has no ${START} … ${END} section; not updated\n`);
    return;
  }
  writeFileSync(path, `${readme.slice(0, a + START.length)}\n${text}\n${readme.slice(b)}`);
}

function report(result: BenchResult, settings: Settings): string {
  const systems = result.systems as Partial<Record<SystemName, Figures>>;
  return [
    `${result.date} · ${result.machine}`,
    `N = ${result.n} jobs, concurrency ${result.concurrency}, batches of ${result.batchSize}, edgekue batch lanes ${result.lanes}, median of ${result.rounds} timed round(s)${result.rttMs > 0 ? `, ${result.rttMs} ms network round trip added between every system and Redis` : ''}${settings.quick ? ' (quick mode)' : ''}`,
    '',
    figuresTable(systems),
    '',
    ratiosTable(result.ratios as ReturnType<typeof computeRatios>),
    '',
    'Targets:',
    '',
    targetsList(result.targets as ReturnType<typeof checkTargets>),
  ].join('\n');
}

/**
 * Where the systems' clients connect: Redis and the bridge themselves, or (rttMs > 0) latency
 * proxies in front of them, so every system pays the same round trip per exchange with Redis.
 */
async function networkBetween(
  redisUrl: string,
  bridgeUrl: string,
  rttMs: number,
): Promise<{ redisUrl: string; bridgeUrl: string; close(): Promise<void> }> {
  if (rttMs <= 0) return { redisUrl, bridgeUrl, close: async () => {} };
  const proxied = async (url: string) => {
    const u = new URL(url);
    const proxy = await startLatencyProxy({ host: u.hostname, port: Number(u.port) }, rttMs / 2);
    u.hostname = proxy.host;
    u.port = String(proxy.port);
    return { url: u.toString().replace(/\/$/, ''), proxy };
  };
  const r = await proxied(redisUrl);
  const b = await proxied(bridgeUrl);
  return {
    redisUrl: r.url,
    bridgeUrl: b.url,
    close: async () => {
      await r.proxy.close();
      await b.proxy.close();
    },
  };
}

async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const redis = await startRedisServer();
  const token = randomBytes(16).toString('hex');
  const systems: Partial<Record<SystemName, Figures>> = {};
  let host = '';
  try {
    const bridge = await startBridge({ redisUrl: redis.url, token, port: 0 });
    const proxies = await networkBetween(redis.url, bridge.url, settings.rttMs);
    try {
      host = await machine(redis.url);
      process.stderr.write(
        `bench: N=${settings.n} concurrency=${settings.concurrency}${settings.quick ? ' (quick)' : ''}; redis ${redis.url}, bridge ${bridge.url}${settings.rttMs > 0 ? `; ${settings.rttMs} ms round trip added in front of both` : ''}\n`,
      );
      const base = {
        ...settings,
        redisUrl: redis.url,
        bridgeUrl: bridge.url,
        bridgeToken: token,
        clientRedisUrl: proxies.redisUrl,
        clientBridgeUrl: proxies.bridgeUrl,
      };
      const child = (system: SystemName, phase: ChildParams['phase']) =>
        runChild({
          ...base,
          system,
          phase,
          resultFile: join(tmpdir(), `edgekue-bench-${process.pid}-${system}-${phase}.json`),
        });
      const timed = new Map<SystemName, Timed[]>();
      const details = new Map<SystemName, Details>();
      const record = (system: SystemName, r: ChildResult) => {
        if (r.timed) timed.set(system, [...(timed.get(system) ?? []), r.timed]);
        if (r.details) details.set(system, r.details);
      };
      const took = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
      if (settings.rounds === 1) {
        for (const system of settings.only) {
          const started = Date.now();
          record(system, await child(system, 'both'));
          process.stderr.write(`[${system}] done in ${took(started)}\n`);
        }
      } else {
        // Timed rounds alternate systems (rotating who goes first), so a burst of load from
        // elsewhere on the machine lands on several systems rather than on one.
        for (let round = 0; round < settings.rounds; round++) {
          const order = settings.only.map(
            (_, i) => settings.only[(i + round) % settings.only.length]!,
          );
          for (const system of order) {
            const started = Date.now();
            const r = await child(system, 'timed');
            record(system, r);
            process.stderr.write(
              `[${system}] timed round ${round + 1}/${settings.rounds} in ${took(started)}\n`,
            );
          }
        }
        for (const system of settings.only) {
          const started = Date.now();
          record(system, await child(system, 'details'));
          process.stderr.write(`[${system}] details in ${took(started)}\n`);
        }
      }
      for (const system of settings.only) {
        if (!timed.get(system)?.length || !details.get(system)) {
          throw new Error(`${system}: a phase gave no result`);
        }
      }
      for (const system of settings.only) {
        systems[system] = compose(
          !isPeer(system),
          timed.get(system)!,
          details.get(system)!,
          settings,
        );
      }
    } finally {
      await proxies.close();
      await bridge.close();
    }
  } finally {
    await redis.stop();
  }
  const ratios = computeRatios(systems);
  const result: BenchResult = {
    date: new Date().toISOString(),
    machine: host,
    n: settings.n,
    concurrency: settings.concurrency,
    quick: settings.quick,
    batchSize: settings.batchSize,
    lanes: settings.lanes,
    rttMs: settings.rttMs,
    rounds: settings.rounds,
    systems,
    ratios,
    targets: checkTargets(systems, ratios),
  };
  const text = report(result, settings);
  process.stdout.write(`\n${text}\n`);
  const out = isAbsolute(settings.out) ? settings.out : join(root, settings.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`bench: wrote ${out}\n`);
  if (settings.writeReadme) updateReadme(text);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
