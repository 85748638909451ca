// Turns request bodies and paths into Redis commands. Upstash accepts a command as a JSON array
// (`["SET","k","v","EX",100]`) whose items are strings, numbers or booleans; anything else
// (null, an object, a nested array) is a client bug we reject with a message naming the item.
import { z } from 'zod';
import { BadRequestError } from './errors.js';

/** What Redis receives: a lower-cased command name and its arguments as strings or raw bytes. */
export interface RedisCommand {
  readonly name: string;
  readonly args: readonly (string | Buffer)[];
}

const ScalarArg = z.union([z.string(), z.number(), z.boolean()]);
const CommandArray = z.array(ScalarArg).min(1);
const CommandList = z.array(CommandArray).min(1);

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (value === undefined) return 'missing';
  return `a ${typeof value}`;
}

/** Builds a message that says which command and which argument is wrong, and how. */
function explain(input: unknown, error: z.ZodError, inList: boolean): string {
  const issue = error.issues[0];
  const path = (issue?.path ?? []).filter((p): p is number => typeof p === 'number');
  const where: string[] = [];
  let value: unknown = input;
  for (const index of path) value = Array.isArray(value) ? value[index] : undefined;

  if (inList && path.length === 0) {
    return Array.isArray(input)
      ? 'ERR the request body must be a non-empty JSON array of commands'
      : `ERR the request body must be a JSON array of commands, got ${describeValue(input)}`;
  }
  if (inList) where.push(`command ${(path[0] ?? 0) + 1}`);
  const argIndex = inList ? path[1] : path[0];
  if (argIndex === undefined) {
    const command = inList ? value : input;
    where.push(
      Array.isArray(command)
        ? 'is empty'
        : `must be a JSON array of a command name and its arguments, got ${describeValue(command)}`,
    );
    return `ERR ${inList ? where.join(' ') : `the command ${where.join(' ')}`}`;
  }
  const what = argIndex === 0 ? 'the command name' : `argument ${argIndex}`;
  return `ERR ${[...where, what].join(', ')} is ${describeValue(value)}: only strings, numbers and booleans are allowed`;
}

function toCommand(items: readonly (string | number | boolean)[]): RedisCommand {
  const [name, ...rest] = items;
  return { name: String(name).toLowerCase(), args: rest.map((a) => String(a)) };
}

/** `POST /` body: one command. */
export function parseCommand(json: unknown): RedisCommand {
  const parsed = CommandArray.safeParse(json);
  if (!parsed.success) throw new BadRequestError(explain(json, parsed.error, false));
  return toCommand(parsed.data);
}

/**
 * `POST /pipeline` and `POST /multi-exec` body: a non-empty array of at most `maxCommands`
 * commands (counted before anything else is looked at: an oversized list is not even validated).
 */
export function parseCommandList(json: unknown, maxCommands: number): RedisCommand[] {
  if (Array.isArray(json) && json.length > maxCommands) {
    throw new BadRequestError(
      `ERR too many commands in one request: ${json.length}, more than the limit of ${maxCommands}`,
    );
  }
  const parsed = CommandList.safeParse(json);
  if (!parsed.success) throw new BadRequestError(explain(json, parsed.error, true));
  return parsed.data.map(toCommand);
}

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new BadRequestError('ERR the request body is empty');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new BadRequestError(`ERR the request body is not valid JSON: ${reason}`);
  }
}

/**
 * Upstash's URL form: `/set/foo/bar?EX=100` is `SET foo bar EX 100`, and a non-empty body (of a
 * POST/PUT) is the value appended after the path segments and before the query parameters,
 * kept as raw bytes so binary values survive.
 */
export function parsePathCommand(
  pathname: string,
  query: URLSearchParams,
  body: Buffer | undefined,
): RedisCommand {
  const segments = pathname.split('/').filter((s) => s.length > 0);
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    throw new BadRequestError('ERR the URL path contains malformed percent-encoding');
  }
  const [name, ...args] = decoded;
  if (name === undefined) throw new BadRequestError('ERR empty command');
  const all: (string | Buffer)[] = args;
  if (body && body.length > 0) all.push(body);
  for (const [key, value] of query) {
    if (key === '_token') continue;
    all.push(key);
    if (value !== '') all.push(value);
  }
  return { name: name.toLowerCase(), args: all };
}
