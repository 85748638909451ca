import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  EdgekueError,
  type Job,
  PayloadTooLarge,
  type Queue,
  ValidationError,
} from '../../../core/index.js';
import type { ApiDeps } from '../deps.js';
import { waitUntilOf } from '../deps.js';
import { endpoint, errors, json } from '../endpoint.js';
import { describeError } from '../errors.js';
import { parse, readJson } from '../input.js';
import {
  type Created,
  createdSchema,
  createResultsSchema,
  errorSchema,
  maxBatch,
  newJobBodySchema,
  newJobSchema,
} from '../schema.js';

/**
 * Kue's POST /job: one job, or an array created in order (one createMany call for the valid
 * ones, each invalid one answered by an `{error}` in its place and the whole answer a 400). An
 * empty body answers 204, as Kue did.
 */
const encoder = new TextEncoder();

function isEmptyObject(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length === 0
  );
}

/** A job builder for one item, or the error that item answers. Nothing is written here. */
function prepare(queue: Queue, item: unknown, base: string): Job {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new ValidationError(`${base || 'body'}: must be a job object`, base || 'body');
  }
  const raw = item as Record<string, unknown>;
  if (raw.type === undefined || raw.type === null || raw.type === '') {
    // Kue's message; in an array, after the item's place as every other item's error
    const message = 'Must provide job type';
    throw new ValidationError(
      base ? `${base}.type: ${message}` : message,
      base ? `${base}.type` : 'type',
    );
  }
  const spec = parse(newJobSchema, item, base);
  const data = spec.data ?? {};
  const bytes = encoder.encode(JSON.stringify(data)).length;
  if (bytes > queue.options.maxDataBytes) {
    throw new PayloadTooLarge(bytes, queue.options.maxDataBytes, base ? `${base}.data` : 'data');
  }
  return queue.create(spec.type, data).setOptions(spec.options ?? {});
}

/** A job that existed already (same `unique` key) was not created again: say so. */
function answer(job: Job): Created {
  return { message: job.existed ? 'job exists' : 'job created', id: Number(job.id) };
}

async function create(c: Context, deps: ApiDeps, jobs: Job[]): Promise<void> {
  if (jobs.length === 0) return;
  await deps.queue.createMany(jobs);
  const created = jobs.filter((j) => j.state() !== undefined);
  if (created.length > 0 && deps.wake) deps.wake(created, waitUntilOf(c, deps.log));
}

export function createRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  endpoint(
    app,
    createRoute({
      method: 'post',
      path: '/job',
      tags: ['kue'],
      summary: 'Creates a job, or an array of jobs in order',
      request: {
        body: { content: { 'application/json': { schema: newJobBodySchema } }, required: false },
      },
      responses: {
        200: json(
          createdSchema.or(createResultsSchema),
          'the new job, or one result per array item',
        ),
        204: { description: 'empty body, {} or []: nothing to create' },
        400: json(
          errorSchema.or(createResultsSchema),
          'invalid job; for an array, one result per item (valid items are created)',
        ),
        ...errors(413, 415, 507),
      },
    }),
    async (c) => {
      const body = await readJson(c);
      if (body === undefined || isEmptyObject(body) || (Array.isArray(body) && body.length === 0)) {
        return c.body(null, 204);
      }
      if (!Array.isArray(body)) {
        const job = prepare(deps.queue, body, '');
        await create(c, deps, [job]);
        return c.json(answer(job));
      }
      if (body.length > maxBatch) {
        throw new ValidationError(`body: at most ${maxBatch} jobs per request`, 'body');
      }
      // (a Job has an `error` field of its own: tell outcomes apart by `job`, not by `error`)
      const prepared = body.map((item, i): { job: Job } | { error: string } => {
        try {
          return { job: prepare(deps.queue, item, `[${i}]`) };
        } catch (error) {
          if (!(error instanceof EdgekueError)) throw error;
          return { error: describeError(error)?.message ?? error.message };
        }
      });
      const jobs = prepared.flatMap((p) => ('job' in p ? [p.job] : []));
      await create(c, deps, jobs);
      const results = prepared.map((p) => ('job' in p ? answer(p.job) : p));
      return c.json(results, jobs.length === body.length ? 200 : 400);
    },
  );
}
