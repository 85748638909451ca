// One system's figures from its timed rounds (medians) and its details pass.
import type { Details, Figures, PhaseCounts, Settings, Timed } from './settings.js';
import { percentile, perSecond } from './workload.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function profileOf(c: PhaseCounts, n: number) {
  return {
    byCommand: c.byCommand,
    ...(c.byScript ? { byScript: c.byScript } : {}),
    scriptInternalPerJob: c.scriptInternal / n,
  };
}

export function compose(
  edgekue: boolean,
  rounds: Timed[],
  details: Details,
  s: Pick<Settings, 'n'>,
): Figures {
  const n = s.n;
  const last = rounds[rounds.length - 1];
  if (!last) throw new Error('no timed round');
  const counts = last.counts ?? details.counts;
  if (!counts) throw new Error('no command counts');
  const perRound = rounds.map((r) => ({
    jobsPerSec: perSecond(n, r.createMs + r.processMs),
    createPerSec: perSecond(n, r.createMs),
    processPerSec: perSecond(n, r.processMs),
    bulkPerSec: r.bulkMs === null ? null : perSecond(n, r.bulkMs),
    jobsPerSecBulk: r.bulkMs === null ? null : perSecond(n, r.bulkMs + r.processMs),
  }));
  const med = (get: (r: (typeof perRound)[number]) => number | null): number | null => {
    const values = perRound.map(get).filter((v): v is number => v !== null);
    return values.length > 0 ? median(values) : null;
  };
  const jobsPerSec = med((r) => r.jobsPerSec);
  // Time split: µs per job, the median of the rounds' ms.
  const usPerJob = (ms: (r: Timed) => number) => (median(rounds.map(ms)) * 1000) / n;
  // edgekue: the bridge's CPU, read from the bridge itself in every round.
  const bridgeCpu = rounds.map((r) => r.bridgeCpuMs);
  const hasBridge = edgekue && bridgeCpu.every((b) => b !== undefined);
  const bridgeCreate = hasBridge ? usPerJob((r) => r.bridgeCpuMs!.create) : null;
  const bridgeProcess = hasBridge ? usPerJob((r) => r.bridgeCpuMs!.process) : null;
  const createPerSec = med((r) => r.createPerSec);
  const billed = (counts.create.commands + counts.process.commands) / n;
  return {
    jobsPerSec,
    createPerSec,
    processPerSec: med((r) => r.processPerSec),
    billedCommandsPerJob: billed,
    httpRequestsPerJob:
      counts.create.requests === null || counts.process.requests === null
        ? null
        : (counts.create.requests + counts.process.requests) / n,
    idleCommandsPerMinute: details.idle.perMinute,
    wakeLatencyP50Ms: percentile(details.wakeLatencyMs, 50),
    wakeLatencyP95Ms: percentile(details.wakeLatencyMs, 95),
    memoryBytesPerJob: median(rounds.map((r) => r.memoryBytesPerJob)),
    // edgekue's batch path creates with createMany: its create rate is already the bulk rate.
    createBulkPerSec: edgekue ? null : med((r) => r.bulkPerSec),
    jobsPerSecBulkCreate: edgekue ? null : med((r) => r.jobsPerSecBulk),
    billedCreateCommandsPerJob: counts.create.commands / n,
    billedProcessCommandsPerJob: counts.process.commands / n,
    tickLatencyP50Ms: details.tickLatencyMs ? percentile(details.tickLatencyMs, 50) : null,
    tickLatencyP95Ms: details.tickLatencyMs ? percentile(details.tickLatencyMs, 95) : null,
    idleCommandsPerTick: details.idle.perTick,
    idleCommandsBetweenTicks: details.idle.betweenTicks,
    createMs: median(rounds.map((r) => r.createMs)),
    processMs: median(rounds.map((r) => r.processMs)),
    rounds: perRound.map((r) => ({
      jobsPerSec: r.jobsPerSec,
      createPerSec: r.createPerSec,
      processPerSec: r.processPerSec,
    })),
    profile: {
      create: profileOf(counts.create, n),
      process: profileOf(counts.process, n),
      idle: details.idle.byCommand,
      memoryByKey: last.memoryByKey,
      expiringBytesPerJob: median(rounds.map((r) => r.expiringBytesPerJob)),
      timePerJobUs: {
        create: usPerJob((r) => r.createMs),
        process: usPerJob((r) => r.processMs),
        redisCreate: usPerJob((r) => r.redisCpuMs.create),
        redisProcess: usPerJob((r) => r.redisCpuMs.process),
        clientCreate: usPerJob((r) => r.clientCpuMs.create),
        clientProcess: usPerJob((r) => r.clientCpuMs.process),
        bridgeCreate,
        bridgeProcess,
        // as the report adds the other splits: the phases' medians added
        bridge:
          bridgeCreate === null || bridgeProcess === null ? null : bridgeCreate + bridgeProcess,
      },
      ...(counts.create.requests !== null && counts.process.requests !== null
        ? { httpRequests: { create: counts.create.requests, process: counts.process.requests } }
        : {}),
      extra: details.extra,
      notes: details.notes,
    },
  };
}
