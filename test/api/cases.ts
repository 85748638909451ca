import { expect } from 'vitest';
import type { z } from 'zod';
import {
  countMessageSchema,
  countSchema,
  createdSchema,
  createResultsSchema,
  jobListSchema,
  jobSchema,
  messageSchema,
  pausedSchema,
  statsSchema,
  stringListSchema,
  throughputSchema,
  typeSummaryListSchema,
} from '../../functions/api/schema.js';

/**
 * The route table: one case per route of the API, shared by the Node test (app.request()) and the
 * Worker smoke test (miniflare), so both entry points are held to the same shapes. The runner
 * makes its own jobs through POST /job, under a type of its own.
 */
export type Send = (
  method: string,
  path: string,
  init?: { body?: string; headers?: Record<string, string> },
) => Promise<Response>;

export interface RouteCase {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  status: number;
  /** The answer's shape (JSON routes). */
  schema?: z.ZodType;
  /** The answer's content type when it is not JSON. */
  contentType?: RegExp;
  check?: (body: unknown) => void;
}

export interface Seed {
  type: string;
  /** Three jobs of `type`, in creation order. */
  ids: [string, string, string];
}

/** Every route, in an order where each case leaves what the next one expects. */
export function routeCases({ type, ids: [a, b, c] }: Seed): RouteCase[] {
  const json = (
    name: string,
    method: string,
    path: string,
    schema: z.ZodType,
    check?: (body: never) => void,
    body?: unknown,
  ): RouteCase => ({
    name,
    method,
    path,
    status: 200,
    schema,
    body,
    check: check as RouteCase['check'],
  });
  return [
    json('stats', 'GET', '/stats', statsSchema),
    json('types', 'GET', '/job/types', stringListSchema, (t: string[]) =>
      expect(t).toContain(type),
    ),
    json('search', 'GET', `/job/search?q=${type}`, stringListSchema, (ids: string[]) =>
      expect(ids).toEqual([a, b, c]),
    ),
    json('range', 'GET', '/jobs/0..999', jobListSchema, (jobs: { id: string }[]) =>
      expect(jobs.map((j) => j.id)).toEqual(expect.arrayContaining([a, b, c])),
    ),
    json('range desc', 'GET', '/jobs/0..0/desc', jobListSchema, (jobs: unknown[]) =>
      expect(jobs).toHaveLength(1),
    ),
    json('state range', 'GET', '/jobs/inactive/0..999', jobListSchema),
    json('state range asc', 'GET', '/jobs/inactive/0..999/asc', jobListSchema),
    json(
      'type range',
      'GET',
      `/jobs/${type}/inactive/0..9`,
      jobListSchema,
      (jobs: { id: string }[]) => expect(jobs.map((j) => j.id)).toEqual([a, b, c]),
    ),
    json(
      'type range desc',
      'GET',
      `/jobs/${type}/inactive/0..1/desc`,
      jobListSchema,
      (jobs: { id: string }[]) => expect(jobs.map((j) => j.id)).toEqual([c, b]),
    ),
    json('type stats', 'GET', `/jobs/${type}/inactive/stats`, countSchema, (n: unknown) =>
      expect(n).toEqual({ count: 3 }),
    ),
    json('job', 'GET', `/job/${a}`, jobSchema, (j: { id: string; type: string; state: string }) =>
      expect([j.id, j.type, j.state]).toEqual([a, type, 'inactive']),
    ),
    json('log', 'GET', `/job/${a}/log`, stringListSchema),
    json('set state', 'PUT', `/job/${a}/state/failed`, messageSchema, (m: unknown) =>
      expect(m).toEqual({ message: 'updated state' }),
    ),
    json('set priority', 'PUT', `/job/${b}/priority/high`, messageSchema, (m: unknown) =>
      expect(m).toEqual({ message: 'updated priority' }),
    ),
    json('restart', 'GET', `/inactive/${a}`, messageSchema, (m: unknown) =>
      expect(m).toEqual({ message: `job ${a} inactive` }),
    ),
    json('retry', 'POST', `/jobs/${a}/retry`, messageSchema, (m: unknown) =>
      expect(m).toEqual({ message: `job ${a} retried` }),
    ),
    json('move to complete', 'PUT', `/job/${c}/state/complete`, messageSchema),
    json(
      'retry all',
      'POST',
      `/jobs/complete/retry?type=${type}`,
      countMessageSchema,
      (m: unknown) => expect(m).toEqual({ message: 'retried 1 complete jobs', count: 1 }),
    ),
    json(
      'throughput',
      'GET',
      '/throughput?minutes=10',
      throughputSchema,
      (tp: { minutes: unknown[] }) => expect(tp.minutes).toHaveLength(10),
    ),
    json('pause', 'POST', `/types/${type}/pause`, pausedSchema, (p: { paused: string[] }) =>
      expect(p.paused).toContain(type),
    ),
    json(
      'type summaries',
      'GET',
      '/types',
      typeSummaryListSchema,
      (list: { type: string; paused: boolean }[]) =>
        expect(list.find((x) => x.type === type)?.paused).toBe(true),
    ),
    json('resume', 'POST', `/types/${type}/resume`, pausedSchema, (p: { paused: string[] }) =>
      expect(p.paused).not.toContain(type),
    ),
    {
      name: 'events',
      method: 'GET',
      path: '/events',
      status: 200,
      contentType: /^text\/event-stream/,
    },
    {
      name: 'openapi',
      method: 'GET',
      path: '/openapi.json',
      status: 200,
      contentType: /^application\/json/,
    },
    { name: 'docs', method: 'GET', path: '/docs', status: 200, contentType: /^text\/html/ },
    json('create', 'POST', '/job', createdSchema, undefined, { type, data: { n: 4 } }),
    json(
      'create many',
      'POST',
      '/job',
      createResultsSchema,
      (r: unknown[]) => expect(r).toHaveLength(2),
      [
        { type, data: { n: 5 } },
        { type, data: { n: 6 } },
      ],
    ),
    json('remove', 'DELETE', `/job/${a}`, messageSchema, (m: unknown) =>
      expect(m).toEqual({ message: `job ${a} removed` }),
    ),
    json('remove all', 'DELETE', `/jobs/inactive?type=${type}`, countMessageSchema, (m: unknown) =>
      expect(m).toEqual({ message: 'removed 5 inactive jobs', count: 5 }),
    ),
  ];
}

/** Seeds three jobs of a fresh type through POST /job. */
export async function seed(send: Send, headers: Record<string, string> = {}): Promise<Seed> {
  const type = `table${Math.random().toString(36).slice(2, 10)}`;
  const res = await send('POST', '/job', {
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify([1, 2, 3].map((n) => ({ type, data: { n, word: type } }))),
  });
  expect(res.status).toBe(200);
  const ids = createResultsSchema
    .parse(await res.json())
    .map((r) => String(createdSchema.parse(r).id)) as Seed['ids'];
  return { type, ids };
}

/** Sends one case and checks its status, content type and shape. */
export async function runCase(send: Send, c: RouteCase, headers: Record<string, string> = {}) {
  const res = await send(c.method, c.path, {
    headers: c.body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
  });
  const type = res.headers.get('content-type') ?? '';
  if (c.contentType) {
    await res.body?.cancel();
    expect(res.status, c.name).toBe(c.status);
    expect(type, c.name).toMatch(c.contentType);
    return;
  }
  const body: unknown = await res.json();
  expect(res.status, `${c.name}: ${JSON.stringify(body)}`).toBe(c.status);
  expect(type, c.name).toMatch(/^application\/json/);
  const parsed = c.schema ? c.schema.parse(body) : body;
  c.check?.(parsed);
}

export async function runRouteTable(send: Send, headers: Record<string, string> = {}) {
  const s = await seed(send, headers);
  const cases = routeCases(s);
  for (const c of cases) await runCase(send, c, headers);
  return cases.length;
}
