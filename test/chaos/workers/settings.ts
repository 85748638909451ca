import { z } from 'zod';

/** What a chaos worker process is told (as JSON in CHAOS_WORKER). */
export const workerSettingsSchema = z.object({
  url: z.string(),
  token: z.string(),
  prefix: z.string(),
  eventsMax: z.number().int().positive(),
  /** Where the side effect is recorded (directly, not through the bridge). */
  redisUrl: z.string(),
  /** Hash of handler runs per job id; '' records nothing. */
  runsKey: z.string(),
  types: z.array(z.string()).min(1),
  leaseMs: z.number().int().positive(),
  maxJobs: z.number().int().positive(),
  /** Batches each invocation runs side by side under a backlog (worker-handlers' `lanes`). */
  lanes: z.number().int().positive().default(1),
  budgetMs: z.number().int().positive(),
  intervalMs: z.number().int().positive(),
  workMs: z.tuple([z.number().int().min(0), z.number().int().min(0)]),
  /** Epoch ms: the process ends by then whatever happens. */
  deadline: z.number(),
  label: z.string(),
  /** Report memory (after a GC with --expose-gc) this often; 0: only when asked. */
  memEveryMs: z.number().int().min(0).default(0),
});

export type WorkerSettings = z.input<typeof workerSettingsSchema>;
