import { z } from 'zod';

/** The systems measured, in the order they run. */
export const systemNames = [
  'edgekue-batch',
  'edgekue-single',
  'kue',
  'bullmq',
  'bee-queue',
] as const;
export const systemNameSchema = z.enum(systemNames);
export type SystemName = z.infer<typeof systemNameSchema>;
export type PeerName = Exclude<SystemName, 'edgekue-batch' | 'edgekue-single'>;
export const peerNames: readonly PeerName[] = ['kue', 'bullmq', 'bee-queue'];

export const isPeer = (name: SystemName): name is PeerName =>
  (peerNames as readonly string[]).includes(name);

/**
 * A cron schedule for edgekue's tick: a tick every `periodMs`, polling every `intervalMs` within
 * its budget. `timeScale` > 1 compresses the real schedule by that factor (quick mode, and the
 * tick-latency samples, which would take many minutes at the real cadence); figures measured on
 * a compressed schedule are scaled back to real time.
 */
export const tickScheduleSchema = z.object({
  periodMs: z.number().positive(),
  intervalMs: z.number().positive(),
  budgetMs: z.number().positive(),
  graceMs: z.number().min(0),
  timeScale: z.number().min(1),
});
export type TickSchedule = z.infer<typeof tickScheduleSchema>;

export const settingsSchema = z.object({
  n: z.number().int().min(10).max(10_000_000),
  concurrency: z.number().int().min(1).max(1_000),
  quick: z.boolean(),
  only: z.array(systemNameSchema).min(1),
  /** Where the JSON goes. */
  out: z.string().min(1),
  /** Timed passes per system; systems alternate between rounds and the median is kept. */
  rounds: z.number().int().min(1).max(20),
  /** Jobs per createMany / addBulk / saveAll call, and edgekue's batch claim size. */
  batchSize: z.number().int().min(1).max(1_000),
  /**
   * edgekue's batch path: batches its invocation runs side by side (runWake's `lanes`), each
   * leasing up to batchSize jobs per call; handler bodies stay limited to `concurrency` at once.
   */
  lanes: z.number().int().min(1).max(16),
  /**
   * A network round trip added between every system's clients and its Redis (ms; 0: none),
   * half each way (bench/latency-proxy.ts). The bench's own connection stays direct.
   */
  rttMs: z.number().min(0).max(1_000),
  /** How long a peer's idle worker is watched (the count is scaled to a minute). */
  idleMs: z.number().int().min(200),
  /** The idle tick schedule (one full period is watched). */
  idleTick: tickScheduleSchema,
  /** Sequential add-to-start samples per system. */
  latencySamples: z.number().int().min(1),
  /** Samples of edgekue's cron-only latency, on `tickLatency`'s (compressed) schedule. */
  tickLatencySamples: z.number().int().min(1),
  tickLatency: tickScheduleSchema,
  /** Rewrite the results table in bench/README.md. */
  writeReadme: z.boolean(),
});
export type Settings = z.infer<typeof settingsSchema>;

/** What the orchestrator hands one system's child process. */
export const childParamsSchema = settingsSchema.extend({
  system: systemNameSchema,
  /** The bench's own connections (flushes, counts, MONITOR, the bridge's counters): direct. */
  redisUrl: z.string(),
  bridgeUrl: z.string(),
  bridgeToken: z.string(),
  /** Where the systems' clients connect: the same, or a latency proxy in front (--rtt). */
  clientRedisUrl: z.string(),
  clientBridgeUrl: z.string(),
  resultFile: z.string(),
  /** timed: one create + process pass; details: commands, idle, latency; both: one then the other. */
  phase: z.enum(['timed', 'details', 'both']),
});
export type ChildParams = z.infer<typeof childParamsSchema>;

/** Commands a phase billed, and the work Redis did inside scripts for them. */
export const phaseCountsSchema = z.object({
  commands: z.number(),
  /** HTTP requests (edgekue); null for the peers, which speak RESP over TCP. */
  requests: z.number().nullable(),
  byCommand: z.record(z.string(), z.number()),
  /** edgekue: script calls by script name. */
  byScript: z.record(z.string(), z.number()).optional(),
  /** Commands run inside Lua scripts. */
  scriptInternal: z.number(),
});
export type PhaseCounts = z.infer<typeof phaseCountsSchema>;

/** One timed pass. edgekue's billed counts come from the bridge, so they are measured here too. */
export const timedSchema = z.object({
  createMs: z.number(),
  processMs: z.number(),
  /** Peers with a bulk API: creating the same jobs with it. */
  bulkMs: z.number().nullable(),
  memoryBytesPerJob: z.number(),
  /** MEMORY USAGE per job by key pattern, after processing. */
  memoryByKey: z.record(z.string(), z.number()),
  /** Bytes per job in keys that expire by themselves, dropped before memory is read. */
  expiringBytesPerJob: z.number(),
  /** CPU time of Redis' main thread during create and process, in ms. */
  redisCpuMs: z.object({ create: z.number(), process: z.number() }),
  /** CPU time of the client process (producers and workers) during create and process, in ms. */
  clientCpuMs: z.object({ create: z.number(), process: z.number() }),
  /** edgekue: CPU time of the HTTP bridge's process during create and process, in ms. */
  bridgeCpuMs: z.object({ create: z.number(), process: z.number() }).optional(),
  counts: z.object({ create: phaseCountsSchema, process: phaseCountsSchema }).optional(),
});
export type Timed = z.infer<typeof timedSchema>;

export const detailsSchema = z.object({
  /** Peers: counted under MONITOR in a pass of their own. */
  counts: z.object({ create: phaseCountsSchema, process: phaseCountsSchema }).optional(),
  idle: z.object({
    perMinute: z.number(),
    perTick: z.number().nullable(),
    betweenTicks: z.number().nullable(),
    byCommand: z.record(z.string(), z.number()),
  }),
  wakeLatencyMs: z.array(z.number()),
  tickLatencyMs: z.array(z.number()).nullable(),
  extra: z.record(z.string(), z.number().nullable()),
  notes: z.array(z.string()),
});
export type Details = z.infer<typeof detailsSchema>;

export const childResultSchema = z.object({
  timed: timedSchema.optional(),
  details: detailsSchema.optional(),
});
export type ChildResult = z.infer<typeof childResultSchema>;

const rate = z.number().nullable();

/** A command profile: where the billed commands of one phase went. */
export const commandProfileSchema = z.object({
  /** Billed commands by name (a script call is one `evalsha`). */
  byCommand: z.record(z.string(), z.number()),
  /** Commands Redis ran inside Lua for these, per job (work Redis does, not billed). */
  scriptInternalPerJob: z.number().nullable(),
  /** edgekue: script calls by script name. */
  byScript: z.record(z.string(), z.number()).optional(),
});

/** One system's figures. A figure that does not apply is null. */
export const figuresSchema = z.object({
  jobsPerSec: rate,
  createPerSec: rate,
  processPerSec: rate,
  billedCommandsPerJob: rate,
  httpRequestsPerJob: rate,
  idleCommandsPerMinute: rate,
  wakeLatencyP50Ms: rate,
  wakeLatencyP95Ms: rate,
  memoryBytesPerJob: rate,
  // ---- details beyond the headline figures ----
  /** Peers: jobs created with their bulk API (addBulk, saveAll) in batches; null without one. */
  createBulkPerSec: rate,
  /** End to end with the bulk create instead of one-by-one creation. */
  jobsPerSecBulkCreate: rate,
  billedCreateCommandsPerJob: rate,
  billedProcessCommandsPerJob: rate,
  /** edgekue: enqueue-to-start with no wake-up, the cron tick alone (real cadence). */
  tickLatencyP50Ms: rate,
  tickLatencyP95Ms: rate,
  /** edgekue: script calls made by one idle tick, and between ticks. */
  idleCommandsPerTick: rate,
  idleCommandsBetweenTicks: rate,
  createMs: z.number(),
  processMs: z.number(),
  /** Every timed round, for the spread (figures above are medians). */
  rounds: z.array(
    z.object({ jobsPerSec: z.number(), createPerSec: z.number(), processPerSec: z.number() }),
  ),
  profile: z.object({
    create: commandProfileSchema,
    process: commandProfileSchema,
    idle: z.record(z.string(), z.number()),
    /** Bytes per finished job by key pattern (MEMORY USAGE). */
    memoryByKey: z.record(z.string(), z.number()),
    /** Bytes per job in keys with a TTL at the end of a round, dropped before memory is read. */
    expiringBytesPerJob: z.number(),
    /** Time per job (µs, medians): wall time of each phase, and Redis' main-thread CPU in it. */
    timePerJobUs: z.object({
      create: z.number(),
      process: z.number(),
      redisCreate: z.number(),
      redisProcess: z.number(),
      clientCreate: z.number(),
      clientProcess: z.number(),
      /** edgekue: the HTTP bridge's CPU in each phase, and the two added. */
      bridgeCreate: z.number().nullable(),
      bridgeProcess: z.number().nullable(),
      bridge: z.number().nullable(),
    }),
    /** edgekue: HTTP requests by phase. */
    httpRequests: z.object({ create: z.number(), process: z.number() }).optional(),
    /** Other measured details, e.g. edgekue's search index cost per job. */
    extra: z.record(z.string(), z.number().nullable()),
    notes: z.array(z.string()),
  }),
});
export type Figures = z.infer<typeof figuresSchema>;

export const resultSchema = z.object({
  date: z.string(),
  machine: z.string(),
  n: z.number(),
  concurrency: z.number(),
  quick: z.boolean(),
  batchSize: z.number(),
  lanes: z.number(),
  /** Network round trip added between the systems and Redis, ms (0: none). */
  rttMs: z.number(),
  rounds: z.number(),
  systems: z.record(z.string(), figuresSchema),
  ratios: z.record(z.string(), z.unknown()),
  targets: z.array(z.unknown()),
});
export type BenchResult = z.infer<typeof resultSchema>;
