import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { z } from 'zod';
import { parse } from './input.js';
import { errorSchema } from './schema.js';

/**
 * Routes are declared once with createRoute(): the declaration feeds the OpenAPI document and
 * validates params, query and headers here with the same zod schemas, so the document cannot
 * drift from what the server accepts. Bodies are read by the handlers (see input.ts): POST /job
 * must judge each item of an array on its own.
 */
type Part<R extends RouteConfig, K extends 'params' | 'query' | 'headers'> = R['request'] extends {
  [P in K]: infer S;
}
  ? S extends z.ZodType
    ? z.output<S>
    : Record<string, never>
  : Record<string, never>;

export interface Input<R extends RouteConfig> {
  params: Part<R, 'params'>;
  query: Part<R, 'query'>;
  headers: Part<R, 'headers'>;
}

export type Handler<R extends RouteConfig> = (
  c: Context,
  input: Input<R>,
) => Response | Promise<Response>;

/** Adds a route to the OpenAPI document only (for a path Hono routes differently). */
export function document(app: OpenAPIHono, route: RouteConfig): void {
  app.openAPIRegistry.registerPath(route);
}

/** `/job/{id}` → `/job/:id` */
export function honoPath(path: string): string {
  return path.replaceAll(/\{([^}]+)\}/g, ':$1');
}

function headersOf(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

/** Documents a route and serves it; `path` overrides the Hono path (e.g. a regex param). */
export function endpoint<R extends RouteConfig>(
  app: OpenAPIHono,
  route: R,
  handler: Handler<R>,
  path?: string,
): void {
  document(app, route);
  const req = route.request;
  app.on(route.method.toUpperCase(), path ?? honoPath(route.path), async (c) => {
    const input = {
      params: req?.params ? parse(req.params as z.ZodType, c.req.param()) : {},
      query: req?.query ? parse(req.query as z.ZodType, c.req.query()) : {},
      headers: req?.headers ? parse(req.headers as z.ZodType, headersOf(c)) : {},
    } as Input<R>;
    return handler(c, input);
  });
}

// ---- response declarations ----

export function json<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

const errorDescriptions = {
  400: 'invalid input: the message names the field',
  401: 'credentials missing or wrong',
  403: 'no auth configured and the request is not from this machine',
  404: 'no such job',
  413: 'body or job data over the limit',
  415: 'body is not JSON',
  502: 'Redis refused the credentials: check UPSTASH_REDIS_REST_TOKEN (not worth a retry)',
  503: 'Redis is unreachable: retry',
  507: 'Redis is full (its memory or the plan data size): remove finished jobs or raise the limit',
} as const;

/** The error answers a route can give, each `{error}`; 401, 403, 502 and 503 apply to every route. */
export function errors(...codes: (keyof typeof errorDescriptions)[]) {
  const all = [...new Set([...codes, 401, 403, 502, 503] as const)];
  return Object.fromEntries(all.map((code) => [code, json(errorSchema, errorDescriptions[code])]));
}
