import { z } from 'zod';
import { loneSurrogate } from './json-text.js';
import { priorities } from './priority.js';

/** The schemas edgekue validates at its edges; every type the API and the core share flows from here. */

export const jobStates = ['inactive', 'delayed', 'active', 'complete', 'failed'] as const;
export const jobStateSchema = z.enum(jobStates);

const printable = /^[^\u0000-\u001f\u007f]+$/;

export const jobTypeSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(printable, 'must not contain control characters')
  .refine((t) => !loneSurrogate.test(t), 'must be well-formed Unicode (it holds a lone surrogate)');

const priorityNames = Object.keys(priorities) as [
  keyof typeof priorities,
  ...(keyof typeof priorities)[],
];
export const prioritySchema = z.union([
  z.enum(priorityNames),
  z.number().int().min(-1_000_000).max(1_000_000),
]);

/** Kue's backoff forms that can travel as JSON (a function backoff is registered in code). */
export const backoffSchema = z.union([
  z.boolean(),
  z
    .object({
      type: z.enum(['fixed', 'exponential']).default('fixed'),
      delay: z
        .number()
        .int()
        .min(0)
        .max(365 * 24 * 3600_000)
        .optional(),
      maxDelay: z.number().int().min(0).optional(),
    })
    .strict(),
]);

/** The longest delay or ttl a job takes: 10 years. */
export const MAX_DELAY_MS = 10 * 365 * 24 * 3600_000;

export const jobOptionsSchema = z
  .object({
    priority: prioritySchema.optional(),
    attempts: z.number().int().min(1).max(1_000_000).optional(),
    delay: z.number().int().min(0).max(MAX_DELAY_MS).optional(),
    backoff: backoffSchema.optional(),
    ttl: z.number().int().min(1).max(MAX_DELAY_MS).optional(),
    removeOnComplete: z.boolean().optional(),
    searchKeys: z.array(z.string().min(1).max(200)).max(32).optional(),
    events: z.boolean().optional(),
    unique: z.string().min(1).max(512).optional(),
  })
  .strict();
export type JobOptions = z.infer<typeof jobOptionsSchema>;
export type Backoff = z.infer<typeof backoffSchema>;

/** The longest a retention age may be: a hundred years, in ms. */
const MAX_AGE_MS = 100 * 365 * 86_400_000;

export const queueOptionsSchema = z
  .object({
    prefix: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.:-]+$/, 'prefix may hold letters, digits, _ . : and - only')
      .optional(),
    disableSearch: z.boolean().optional(),
    jobEvents: z.boolean().optional(),
    eventsMax: z.number().int().min(10).max(10_000_000).optional(),
    maxDataBytes: z
      .number()
      .int()
      .min(64)
      .max(10 * 1024 * 1024)
      .optional(),
    maxLogLines: z.number().int().min(1).max(1_000_000).optional(),
    maxInterruptions: z.number().int().min(0).max(1_000).optional(),
    maxSearchResults: z.number().int().min(1).max(1_000_000).optional(),
    keepComplete: z.number().int().min(0).max(1_000_000_000).optional(),
    keepFailed: z.number().int().min(0).max(1_000_000_000).optional(),
    keepCompleteMs: z.number().int().min(0).max(MAX_AGE_MS).optional(),
    keepFailedMs: z.number().int().min(0).max(MAX_AGE_MS).optional(),
  })
  .strict();
export type QueueOptions = z.infer<typeof queueOptionsSchema>;

/** A job in Kue's toJSON() shape: what the JSON API answers and the dashboard reads. */
export const jobJsonSchema = z.object({
  id: z.string(),
  type: z.string(),
  data: z.unknown(),
  result: z.unknown().optional(),
  priority: z.number(),
  progress: z.number(),
  progress_data: z.unknown().optional(),
  state: jobStateSchema,
  error: z.string().optional(),
  created_at: z.string(),
  promote_at: z.string().optional(),
  updated_at: z.string(),
  failed_at: z.string().optional(),
  started_at: z.string().optional(),
  duration: z.string().optional(),
  delay: z.number().optional(),
  workerId: z.string().optional(),
  ttl: z.number().optional(),
  attempts: z.object({ made: z.number(), remaining: z.number(), max: z.number() }),
  /** Runs given back uncounted after the end of their invocation cut them (not Kue's). */
  interruptions: z.number().optional(),
});
export type JobJson = z.infer<typeof jobJsonSchema>;

/** One queue event, as the stream stores it and the channel publishes it. */
export const queueEventSchema = z.object({
  sid: z.string(),
  id: z.string(),
  type: z.string(),
  event: z.string(),
  args: z.array(z.unknown()),
});
export type QueueEvent = z.infer<typeof queueEventSchema>;
