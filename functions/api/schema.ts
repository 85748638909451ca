import { z } from '@hono/zod-openapi';
import {
  backoffSchema,
  jobJsonSchema,
  jobOptionsSchema,
  jobStates,
  jobTypeSchema,
  MAX_DELAY_MS,
  priorities,
  priorityValue,
} from '../../core/index.js';

/**
 * Every shape the HTTP API reads or answers, in one module: routes validate with these, the
 * OpenAPI document is generated from them, tests check responses against them, and the
 * dashboard can import the inferred types.
 */

/** Largest page a range route answers: a huge range must not hold Redis for long. */
export const maxRange = 1_000;
/** Most jobs one POST /job creates. */
export const maxBatch = 1_000;

// ---- answers ----

export const errorSchema = z
  .object({ error: z.string() })
  .openapi('Error', { example: { error: 'job "5" doesn\'t exist' } });
export const messageSchema = z.object({ message: z.string() }).openapi('Message');
export const countMessageSchema = z
  .object({ message: z.string(), count: z.number().int().min(0) })
  .openapi('CountMessage');

export const statsSchema = z
  .object({
    inactiveCount: z.number().int(),
    completeCount: z.number().int(),
    activeCount: z.number().int(),
    failedCount: z.number().int(),
    delayedCount: z.number().int(),
    workTime: z.number(),
  })
  .openapi('Stats');

// a fresh object: core's schemas may be built before @hono/zod-openapi adds .openapi() to zod
export const jobSchema = z.object(jobJsonSchema.shape).openapi('Job');
export const jobListSchema = z.array(jobSchema);
export const stringListSchema = z.array(z.string());
export const countSchema = z.object({ count: z.number().int().min(0) }).openapi('Count');

export const createdSchema = z
  .object({ message: z.string(), id: z.number().int().positive() })
  .openapi('Created', { example: { message: 'job created', id: 5 } });
export const createResultsSchema = z.array(z.union([createdSchema, errorSchema]));

export const throughputSchema = z
  .object({
    now: z.number(),
    minutes: z.array(z.tuple([z.number(), z.number(), z.number()])).openapi({
      description:
        '[minute (minutes since the epoch: multiply by 60,000 for ms), complete, failed] per minute, oldest first',
    }),
  })
  .openapi('Throughput');

const stateCounts = z.object({
  inactive: z.number().int(),
  active: z.number().int(),
  delayed: z.number().int(),
  complete: z.number().int(),
  failed: z.number().int(),
});
export const typeSummarySchema = z
  .object({ type: z.string(), counts: stateCounts, paused: z.boolean() })
  .openapi('TypeSummary');
export const typeSummaryListSchema = z.array(typeSummarySchema);
export const pausedSchema = z.object({ paused: z.array(z.string()) }).openapi('Paused');

/** The `data` of one Server-Sent Event on GET /events; its SSE `id` is the stream id. */
export const eventDataSchema = z
  .object({ id: z.string(), type: z.string(), event: z.string(), args: z.array(z.unknown()) })
  .openapi('QueueEvent');

// ---- inputs ----

export const idSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,14}$/, 'must be a positive integer of at most 15 digits');
export const stateSchema = z.enum(jobStates, {
  error: `must be one of ${jobStates.join(', ')}`,
});
export const typeSchema = jobTypeSchema;
export const orderSchema = z.enum(['asc', 'desc'], { error: 'must be asc or desc' });

const rank = z
  .string()
  .regex(/^[0-9]{1,9}$/, 'must be a whole number from 0 to 999999999 (a rank)')
  .transform(Number);

/** `from..to`: inclusive ranks, at most maxRange of them. */
export const rangeSchema = z
  .object({ from: rank, to: rank })
  .refine((r) => r.to >= r.from, { message: 'must not be below from', path: ['to'] })
  .refine((r) => r.to - r.from < maxRange, {
    message: `a range holds at most ${maxRange} jobs: ask for pages`,
    path: ['to'],
  });

function isPriority(value: string): boolean {
  try {
    priorityValue(value);
    return true;
  } catch {
    return false;
  }
}

export const priorityParamSchema = z
  .string()
  .max(20, 'is too long')
  .refine(isPriority, {
    message: `must be ${Object.keys(priorities).join(', ')} or an integer from -1000000 to 1000000`,
  });

/**
 * Event ids as the event stream hands them out (`<number>-<seq>`, or `<number>`), or `$` (only
 * what comes next). Parts of up to 15 digits: the scripts' Lua numbers are doubles, exact below
 * 2^53, and a longer part would reach Redis mangled.
 */
export const streamIdSchema = z
  .string()
  .regex(
    /^(\$|[0-9]{1,15}(-[0-9]{1,15})?)$/,
    'must be an event id such as 6319-0 (a number, and a sequence after "-", up to 15 digits each), or $',
  );

export const idParams = z.object({ id: idSchema });
export const stateParams = z.object({ state: stateSchema });
export const typeParams = z.object({ type: typeSchema });
export const typeStateParams = z.object({ type: typeSchema, state: stateSchema });
export const idStateParams = z.object({ id: idSchema, state: stateSchema });
export const idPriorityParams = z.object({ id: idSchema, priority: priorityParamSchema });
export const orderParams = z.object({ order: orderSchema });

export const searchQuery = z.object({
  q: z.string().max(2_000, 'is too long (at most 2,000 characters)').optional(),
  /** Beyond Kue: only the matching jobs in this state, of this type. */
  state: stateSchema.optional(),
  type: typeSchema.optional(),
});
export const typeQuery = z.object({ type: typeSchema.optional() });
export const throughputQuery = z.object({
  minutes: z
    .string()
    .regex(/^[0-9]{1,9}$/, 'must be a whole number of minutes, from 1 to 1440')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(1440, 'must be at most 1440'))
    .optional(),
});
export const eventsQuery = z.object({
  since: streamIdSchema.optional(),
  type: typeSchema.optional(),
});
export const eventsHeaders = z.object({ 'last-event-id': streamIdSchema.optional() });

export const pauseBodySchema = z
  .object({
    ms: z
      .number()
      .int()
      .min(0)
      .max(365 * 24 * 3600_000)
      .optional()
      .openapi({ description: 'pause for this long; absent or 0: until resumed' }),
  })
  .strict()
  .openapi('Pause');

/** Kue's clients may send numbers as strings (Kue parseInt-ed attempts): accept digits too. */
function intLike(min: number, max: number) {
  return z.preprocess(
    (v) => (typeof v === 'string' && /^[0-9]{1,16}$/.test(v) ? Number(v) : v),
    z.number().int().min(min).max(max),
  );
}

const priorityMessage = `must be ${Object.keys(priorities).join(', ')} or an integer from -1000000 to 1000000`;

/** Kue's `options` of POST /job, as core validates them (numeric strings allowed). */
export const newJobOptionsSchema = jobOptionsSchema
  .extend({
    attempts: intLike(1, 1_000_000).optional(),
    delay: intLike(0, MAX_DELAY_MS).optional(),
    ttl: intLike(1, MAX_DELAY_MS).optional(),
    priority: z
      .union([z.number(), z.string().max(20)], { error: priorityMessage })
      .refine((v) => isPriority(String(v)), { message: priorityMessage })
      .optional(),
    backoff: backoffSchema.optional(),
    // Kue took one key or a list
    searchKeys: z
      .union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).max(32)])
      .optional(),
  })
  .strict()
  .openapi('JobOptions');

export const newJobSchema = z
  .object({
    type: typeSchema,
    data: z.unknown().optional().openapi({ description: 'any JSON value; {} when absent' }),
    // null as absent: clients that serialize an unset field as null (Kue took any falsy options)
    options: newJobOptionsSchema.nullish(),
  })
  .strict()
  .openapi('NewJob', {
    example: { type: 'email', data: { to: 'tj@example.com' }, options: { priority: 'high' } },
  });
export const newJobBodySchema = z.union([newJobSchema, z.array(newJobSchema).max(maxBatch)]);

export type Stats = z.infer<typeof statsSchema>;
export type Created = z.infer<typeof createdSchema>;
export type TypeSummary = z.infer<typeof typeSummarySchema>;
export type Throughput = z.infer<typeof throughputSchema>;
export type EventData = z.infer<typeof eventDataSchema>;
export type NewJobInput = z.infer<typeof newJobSchema>;
export type ApiError = z.infer<typeof errorSchema>;
