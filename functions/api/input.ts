import type { Context } from 'hono';
import type { z } from 'zod';
import { ValidationError } from '../../core/index.js';
import { HttpError } from './errors.js';

/** Reading what a client sent: every value passes a zod schema, and errors name the field. */

export function fieldOf(path: readonly PropertyKey[], base = ''): string {
  let field = base;
  for (const part of path) {
    if (typeof part === 'number') field += `[${part}]`;
    else field += field ? `.${String(part)}` : String(part);
  }
  return field;
}

interface Issue {
  readonly code?: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly maximum?: unknown;
  readonly keys?: readonly string[];
  readonly errors?: readonly (readonly Issue[])[];
}

const samePath = (a: readonly PropertyKey[], b: readonly PropertyKey[]) =>
  a.length === b.length && a.every((p, i) => p === b[i]);

/**
 * The issue that says most. zod checks a whole number against 2^53 before the schema's own
 * bound: the schema's bound is the one to name. A union's "Invalid input" says nothing: when one
 * branch got past the value's type (an object with a bad field, a list with a bad item), its
 * issue is the one, with its path below the union's.
 */
function telling(issues: readonly Issue[]): Issue | undefined {
  const first = issues[0];
  if (!first) return undefined;
  if (first.code === 'too_big' && Number(first.maximum) >= Number.MAX_SAFE_INTEGER) {
    const bound = issues.find(
      (i) => i !== first && i.code === 'too_big' && samePath(i.path, first.path),
    );
    if (bound) return bound;
  }
  if (first.code === 'invalid_union' && first.errors) {
    const past = first.errors.find(
      (branch) => branch[0] && !(branch[0].code === 'invalid_type' && branch[0].path.length === 0),
    );
    const inner = past && telling(past);
    if (inner) return { ...inner, path: [...first.path, ...inner.path] };
  }
  return first;
}

/** The telling issue as a ValidationError naming the field: `options.priority: must be ...`. */
export function invalid(error: z.ZodError, base = ''): ValidationError {
  const issue = telling(error.issues as readonly Issue[]);
  const path = issue?.path ?? [];
  if (issue?.code === 'unrecognized_keys' && issue.keys?.[0] !== undefined) {
    const field = fieldOf([...path, issue.keys[0]], base);
    return new ValidationError(`${field}: is not a known field`, field);
  }
  const field = fieldOf(path, base) || 'body';
  return new ValidationError(`${field}: ${issue?.message ?? 'invalid'}`, field);
}

export function parse<S extends z.ZodType>(schema: S, value: unknown, base = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(result.error, base);
  return result.data;
}

/** Keys that would reach Object.prototype if a body were ever merged into an object. */
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper bodies are refused: recursive JSON code further on would overflow the stack. */
const maxDepth = 64;

/**
 * Rejects a body holding a prototype key at any depth, a number JSON cannot hold, or nesting
 * too deep. Breadth-first and
 * iterative, so a hostile body cannot overflow the stack here either.
 */
export function checkBody(body: unknown): void {
  let level: { value: unknown; path: string }[] = [{ value: body, path: '' }];
  for (let depth = 0; level.length > 0; depth++) {
    const next: { value: unknown; path: string }[] = [];
    for (const { value, path } of level) {
      // JSON.parse turns 1e400 into Infinity, which JSON cannot store
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new ValidationError(`${path || 'body'}: number out of range`, path || 'body');
      }
      if (value === null || typeof value !== 'object') continue;
      if (depth >= maxDepth) {
        throw new ValidationError(
          `${path || 'body'}: nested deeper than ${maxDepth} levels`,
          path || 'body',
        );
      }
      if (Array.isArray(value)) {
        value.forEach((v, i) => {
          next.push({ value: v, path: `${path}[${i}]` });
        });
        continue;
      }
      for (const [key, v] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        if (forbiddenKeys.has(key)) {
          throw new ValidationError(`${at}: the key is not allowed in a request body`, at);
        }
        next.push({ value: v, path: at });
      }
    }
    level = next;
  }
}

const jsonType = /^application\/([a-z0-9.+-]+\+)?json(\s*;.*)?$/i;

/**
 * A request's JSON body, or undefined when it is empty. JSON.parse keeps `__proto__` as a plain
 * own key (it never pollutes), but such a key must not survive to code that merges objects.
 */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type');
  if (type && !jsonType.test(type.trim())) {
    throw new HttpError(415, `content-type must be application/json, got ${type.slice(0, 100)}`);
  }
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'parse error';
    throw new ValidationError(`body is not valid JSON: ${reason.slice(0, 200)}`, 'body');
  }
  checkBody(body);
  return body;
}
