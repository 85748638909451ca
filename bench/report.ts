// Ratios, targets and tables from one run's figures. Every ratio is edgekue ÷ peer from the same
// run: absolute numbers drift on a shared machine, ratios much less.
import { type Figures, isPeer, type PeerName, type SystemName } from './settings.js';

type Systems = Partial<Record<SystemName, Figures>>;
type EdgekueName = 'edgekue-batch' | 'edgekue-single';
const edgekueNames: EdgekueName[] = ['edgekue-batch', 'edgekue-single'];

/** Figures compared edgekue ÷ peer (higher is better for rates, lower for the rest). */
const compared = [
  'jobsPerSec',
  'createPerSec',
  'processPerSec',
  'billedCommandsPerJob',
  'idleCommandsPerMinute',
  'wakeLatencyP50Ms',
  'wakeLatencyP95Ms',
  'memoryBytesPerJob',
] as const;
type Compared = (typeof compared)[number];

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return a / b;
}

/**
 * A peer's end-to-end rate as compared with an edgekue path: the batch path against the peer's
 * best (its bulk API where it has one), the one-job path against one-by-one creation.
 */
function peerRate(name: EdgekueName, peer: Figures): number | null {
  if (name === 'edgekue-single') return peer.jobsPerSec;
  return Math.max(peer.jobsPerSec ?? 0, peer.jobsPerSecBulkCreate ?? 0) || null;
}

function peerCreateRate(name: EdgekueName, peer: Figures): number | null {
  if (name === 'edgekue-single') return peer.createPerSec;
  return Math.max(peer.createPerSec ?? 0, peer.createBulkPerSec ?? 0) || null;
}

export type Ratios = Record<string, Record<string, number | string | null>>;

export function computeRatios(systems: Systems): Ratios {
  const out: Ratios = {};
  const peers = Object.keys(systems).filter((n): n is PeerName => isPeer(n as SystemName));
  for (const name of edgekueNames) {
    const e = systems[name];
    if (!e) continue;
    let fastest: { peer: PeerName; rate: number } | undefined;
    for (const peerName of peers) {
      const p = systems[peerName]!;
      const row: Record<string, number | null> = {};
      for (const key of compared) {
        if (key === 'jobsPerSec') row[key] = ratio(e.jobsPerSec, peerRate(name, p));
        else if (key === 'createPerSec') row[key] = ratio(e.createPerSec, peerCreateRate(name, p));
        else row[key] = ratio(e[key], p[key]);
      }
      out[`${name}/${peerName}`] = row;
      const rate = peerRate(name, p);
      if (rate !== null && (!fastest || rate > fastest.rate)) fastest = { peer: peerName, rate };
    }
    if (fastest) {
      out[`${name}/fastest-peer`] = {
        peer: fastest.peer,
        jobsPerSec: ratio(e.jobsPerSec, fastest.rate),
      };
    }
  }
  return out;
}

export interface Target {
  target: string;
  system: EdgekueName;
  value: number | null;
  limit: number | null;
  met: boolean | null;
}

export function checkTargets(systems: Systems, ratios: Ratios): Target[] {
  const targets: Target[] = [];
  const add = (
    target: string,
    system: EdgekueName,
    value: number | null | undefined,
    limit: number | null | undefined,
    ok: (v: number, l: number) => boolean,
  ) => {
    const v = value ?? null;
    const l = limit ?? null;
    targets.push({
      target,
      system,
      value: v,
      limit: l,
      met: v === null || l === null ? null : ok(v, l),
    });
  };
  const ge = (v: number, l: number) => v >= l;
  const le = (v: number, l: number) => v <= l;
  const lt = (v: number, l: number) => v < l;
  const batch = systems['edgekue-batch'];
  const single = systems['edgekue-single'];
  const fastest = ratios['edgekue-batch/fastest-peer']?.jobsPerSec;
  add('end-to-end jobs/s ÷ fastest peer ≥ 1.5', 'edgekue-batch', fastest as number | null, 1.5, ge);
  add(
    'end-to-end jobs/s ÷ BullMQ ≥ 1.0',
    'edgekue-single',
    ratios['edgekue-single/bullmq']?.jobsPerSec as number | null,
    1.0,
    ge,
  );
  add('billed commands per job ≤ 1.5', 'edgekue-single', single?.billedCommandsPerJob, 1.5, le);
  add('billed commands per job ≤ 0.05', 'edgekue-batch', batch?.billedCommandsPerJob, 0.05, le);
  const peerMemory = Object.entries(systems)
    .filter(([n]) => isPeer(n as SystemName))
    .map(([, f]) => f.memoryBytesPerJob)
    .filter((m): m is number => m !== null);
  const leanest = peerMemory.length > 0 ? Math.min(...peerMemory) : null;
  for (const name of edgekueNames) {
    const f = systems[name];
    if (!f) continue;
    add('idle commands between cron ticks = 0', name, f.idleCommandsBetweenTicks, 0, le);
    add('idle commands per cron tick ≤ 1', name, f.idleCommandsPerTick, 1, le);
    add('wake-up latency p50 < 20 ms', name, f.wakeLatencyP50Ms, 20, lt);
    add('memory per finished job ≤ leanest peer', name, f.memoryBytesPerJob, leanest, le);
  }
  return targets;
}

// ---- tables ----

const int = (v: number) => Math.round(v).toLocaleString('en-US');
const fixed = (digits: number) => (v: number) => v.toFixed(digits);

function cell(v: number | null | undefined, fmt: (v: number) => string): string {
  return v === null || v === undefined ? '–' : fmt(v);
}

const rows: [string, (f: Figures) => number | null, (v: number) => string][] = [
  ['end to end, jobs/s', (f) => f.jobsPerSec, int],
  ['create, jobs/s', (f) => f.createPerSec, int],
  ['process, jobs/s', (f) => f.processPerSec, int],
  ['create with bulk API, jobs/s', (f) => f.createBulkPerSec, int],
  ['end to end with bulk create, jobs/s', (f) => f.jobsPerSecBulkCreate, int],
  ['billed commands / job', (f) => f.billedCommandsPerJob, fixed(3)],
  ['… of which create', (f) => f.billedCreateCommandsPerJob, fixed(3)],
  ['… of which process', (f) => f.billedProcessCommandsPerJob, fixed(3)],
  ['HTTP requests / job', (f) => f.httpRequestsPerJob, fixed(3)],
  ['Redis commands inside scripts / job', (f) => scriptWork(f), fixed(1)],
  [
    'wall time / job, µs (create + process)',
    (f) => f.profile.timePerJobUs.create + f.profile.timePerJobUs.process,
    int,
  ],
  [
    '… Redis CPU, µs',
    (f) => f.profile.timePerJobUs.redisCreate + f.profile.timePerJobUs.redisProcess,
    int,
  ],
  [
    '… client CPU, µs',
    (f) => f.profile.timePerJobUs.clientCreate + f.profile.timePerJobUs.clientProcess,
    int,
  ],
  ['… HTTP bridge CPU, µs', (f) => f.profile.timePerJobUs.bridge, int],
  ['idle commands / minute', (f) => f.idleCommandsPerMinute, fixed(1)],
  ['… per cron tick / between ticks', () => null, int],
  ['add-to-start latency p50, ms', (f) => f.wakeLatencyP50Ms, fixed(1)],
  ['add-to-start latency p95, ms', (f) => f.wakeLatencyP95Ms, fixed(1)],
  ['cron-tick-only latency p50 / p95, s', () => null, int],
  ['Redis memory / finished job, bytes', (f) => f.memoryBytesPerJob, int],
];

function scriptWork(f: Figures): number | null {
  const a = f.profile.create.scriptInternalPerJob;
  const b = f.profile.process.scriptInternalPerJob;
  return a === null || b === null ? null : a + b;
}

export function figuresTable(systems: Systems): string {
  const names = Object.keys(systems) as SystemName[];
  const lines = [`| | ${names.join(' | ')} |`, `|---|${names.map(() => '---:').join('|')}|`];
  for (const [label, get, fmt] of rows) {
    const cells = names.map((n) => {
      const f = systems[n]!;
      if (label.startsWith('… per cron tick')) {
        return f.idleCommandsPerTick === null
          ? '–'
          : `${cell(f.idleCommandsPerTick, int)} / ${cell(f.idleCommandsBetweenTicks, int)}`;
      }
      if (label.startsWith('cron-tick-only')) {
        return f.tickLatencyP50Ms === null
          ? '–'
          : `${cell(f.tickLatencyP50Ms, (v) => (v / 1000).toFixed(1))} / ${cell(f.tickLatencyP95Ms, (v) => (v / 1000).toFixed(1))}`;
      }
      return cell(get(f), fmt);
    });
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

const ratioLabels: Record<Compared, string> = {
  jobsPerSec: 'end-to-end jobs/s (higher is better)',
  createPerSec: 'create jobs/s (higher is better)',
  processPerSec: 'process jobs/s (higher is better)',
  billedCommandsPerJob: 'billed commands / job (lower is better)',
  idleCommandsPerMinute: 'idle commands / minute (lower is better)',
  wakeLatencyP50Ms: 'add-to-start p50 (lower is better)',
  wakeLatencyP95Ms: 'add-to-start p95 (lower is better)',
  memoryBytesPerJob: 'memory / job (lower is better)',
};

export function ratiosTable(ratios: Ratios): string {
  const pairs = Object.keys(ratios).filter((k) => !k.endsWith('/fastest-peer'));
  if (pairs.length === 0) return '';
  const lines = [
    `| edgekue ÷ peer | ${pairs.map((p) => p.replace('/', ' ÷ ')).join(' | ')} |`,
    `|---|${pairs.map(() => '---:').join('|')}|`,
  ];
  for (const key of compared) {
    const cells = pairs.map((p) => {
      const v = ratios[p]?.[key];
      return typeof v === 'number' ? `${v.toFixed(v < 0.1 && v > 0 ? 4 : 2)}` : '–';
    });
    lines.push(`| ${ratioLabels[key]} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function targetsList(targets: Target[]): string {
  return targets
    .map((t) => {
      const mark = t.met === null ? '?' : t.met ? 'met' : 'MISSED';
      const v = t.value === null ? 'n/a' : Number(t.value.toPrecision(4)).toString();
      const l = t.limit === null ? 'n/a' : Number(t.limit.toPrecision(4)).toString();
      return `- ${mark}: ${t.system} ${t.target} (measured ${v}, limit ${l})`;
    })
    .join('\n');
}
