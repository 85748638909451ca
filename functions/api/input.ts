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

/** The first issue as a ValidationError: `options.priority: Invalid input`. */
export function invalid(error: z.ZodError, base = ''): ValidationError {
  const issue = error.issues[0];
  const field = fieldOf(issue?.path ?? [], base) || 'input';
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
  let level: { value: unknown; path: string }[] = [{ value: body, path: 'body' }];
  for (let depth = 0; level.length > 0; depth++) {
    const next: { value: unknown; path: string }[] = [];
    for (const { value, path } of level) {
      // JSON.parse turns 1e400 into Infinity, which JSON cannot store
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new ValidationError(`${path}: number out of range`, path);
      }
      if (value === null || typeof value !== 'object') continue;
      if (depth >= maxDepth) {
        throw new ValidationError(`${path}: nested deeper than ${maxDepth} levels`, path);
      }
      if (Array.isArray(value)) {
        value.forEach((v, i) => {
          next.push({ value: v, path: `${path}[${i}]` });
        });
        continue;
      }
      for (const [key, v] of Object.entries(value)) {
        const at = `${path}.${key}`;
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
