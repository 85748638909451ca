/** Typed errors with a stable `code`; the HTTP layer maps codes to status codes in one place. */
export type ErrorCode =
  | 'VALIDATION'
  | 'JOB_NOT_FOUND'
  | 'INVALID_PRIORITY'
  | 'INVALID_STATE'
  | 'PAYLOAD_TOO_LARGE'
  | 'LEASE_LOST'
  | 'REDIS'
  | 'REDIS_FULL';

export class EdgekueError extends Error {
  readonly code: ErrorCode;
  /** The input field at fault, when there is one (e.g. `options.priority`). */
  readonly field: string | undefined;
  constructor(code: ErrorCode, message: string, field?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.field = field;
  }
}

/**
 * A value as the caller gave it, for a message's "got ...": a string in JSON quotes (`"3"`, so
 * that it does not read as the number 3), a number as it prints (`NaN` too), an object as JSON,
 * cut at 100 characters.
 */
export function given(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'string' && (value === null || typeof value !== 'object')) {
    return String(value);
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

export class ValidationError extends EdgekueError {
  constructor(message: string, field?: string) {
    super('VALIDATION', message, field);
  }
}

export class JobNotFound extends EdgekueError {
  readonly id: string;
  constructor(id: string | number) {
    super('JOB_NOT_FOUND', `job "${id}" doesn't exist`, 'id');
    this.id = String(id);
  }
}

export class InvalidPriority extends EdgekueError {
  constructor(value: unknown) {
    super(
      'INVALID_PRIORITY',
      `invalid priority ${JSON.stringify(value)}: use low, normal, medium, high, critical or an integer`,
      'priority',
    );
  }
}

export class InvalidState extends EdgekueError {
  constructor(value: unknown) {
    super(
      'INVALID_STATE',
      `invalid state ${JSON.stringify(value)}: use inactive, delayed, active, complete or failed`,
      'state',
    );
  }
}

export class PayloadTooLarge extends EdgekueError {
  constructor(bytes: number, limit: number, field = 'data') {
    super('PAYLOAD_TOO_LARGE', `${field} is ${bytes} bytes, over the limit of ${limit}`, field);
  }
}

/** The worker no longer holds the job's lease: it expired and the job was recovered or re-claimed. */
export class LeaseLost extends EdgekueError {
  readonly id: string;
  constructor(id: string | number, reason = 'lease lost') {
    super('LEASE_LOST', `job ${id}: ${reason}`, 'id');
    this.id = String(id);
  }
}

/** Redis (or the HTTP Redis in front of it) failed; the operation may be retried. */
export class RedisFailure extends EdgekueError {
  constructor(message: string, cause?: unknown) {
    super('REDIS', message, undefined, { cause });
  }
}

/**
 * Redis refused a write for want of room: its maxmemory (`OOM command not allowed`) or, on
 * Upstash, the plan's data size (`ERR DB capacity quota exceeded`). Retrying does not help until
 * jobs are removed or the limit is raised; reads still work.
 */
export class RedisFull extends EdgekueError {
  constructor(message: string, cause?: unknown) {
    super('REDIS_FULL', message, undefined, { cause });
  }
}

/** Redis' and Upstash's answers to a write when there is no room left. */
const FULL = /\bOOM command not allowed|DB capacity quota exceeded/i;

/** @upstash/redis ends an error's message with `, command was: <the whole request>`: job data. */
const COMMAND_ECHO = /, command was: .*$/gm;
// Redis' own, for a command it does not know (a REST URL with a path: /v2/pipeline is `v2 pipeline
// <the whole request>`)
const ARGS_ECHO = /, with args beginning with: .*$/gm;

/** The text without the Redis client's echo of the command (job data, which may hold secrets). */
export function withoutCommandEcho(text: string): string {
  return text.replace(COMMAND_ECHO, '').replace(ARGS_ECHO, '');
}

/**
 * The error without the Redis client's echo of the command, in its message, stack and causes, so
 * that logging it does not log job data. An error without one is given back as it is.
 */
export function withoutCommands(error: unknown, depth = 0): unknown {
  if (typeof error === 'string') return withoutCommandEcho(error);
  if (!(error instanceof Error) || depth > 8) return error;
  const cause = withoutCommands(error.cause, depth + 1);
  const message = withoutCommandEcho(error.message);
  const stack = error.stack === undefined ? undefined : withoutCommandEcho(error.stack);
  if (message === error.message && stack === error.stack && cause === error.cause) return error;
  const copy = new Error(message, cause === undefined ? undefined : { cause });
  copy.name = error.name;
  if (stack !== undefined) copy.stack = stack;
  return copy;
}

/** A failed Redis call as a typed error: RedisFull when there is no room, else RedisFailure. */
export function redisError(message: string, cause?: unknown): RedisFailure | RedisFull {
  const text = withoutCommandEcho(message);
  const clean = withoutCommands(cause);
  return FULL.test(text) ? new RedisFull(text, clean) : new RedisFailure(text, clean);
}
