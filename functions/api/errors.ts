import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { EdgekueError, type ErrorCode, withoutCommands } from '../../core/index.js';

/**
 * The one place where errors become HTTP answers. Bodies keep Kue's `{error: message}` shape;
 * status codes say honestly whose fault it was, and nothing a client sends can cause a 500.
 */
export const statusByCode: Record<ErrorCode, ContentfulStatusCode> = {
  VALIDATION: 400,
  INVALID_PRIORITY: 400,
  INVALID_STATE: 400,
  JOB_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  // a worker's lease ran out under it: the request was fine, the job moved on
  LEASE_LOST: 409,
  // Redis or the HTTP Redis in front of it failed: retryable, and not the client's fault
  REDIS: 503,
  // no room left in Redis: retrying will not help until jobs are removed or the limit is raised
  REDIS_FULL: 507,
};

/** What a client is told of a Redis failure (the details, hosts and replies, go to the log). */
const redisAnswers: Partial<Record<ErrorCode, string>> = {
  REDIS: 'Redis is unavailable, retry later',
  REDIS_FULL:
    'Redis is full (its memory, or the data size of the plan): remove finished jobs, or raise the limit',
};

/**
 * Redis refused the token (Upstash and the bridge answer 401 `Unauthorized`): a deployment's
 * mistake that no retry mends, so not the 503 of an unreachable or slow Redis.
 */
export const CREDENTIALS_REFUSED = 'Redis refused the credentials: check UPSTASH_REDIS_REST_TOKEN';

/** The client's text of a 401 (core's message is `<script>: Unauthorized`), wherever it is. */
function refusedCredentials(error: EdgekueError): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (/(^|: )Unauthorized(, command was: .*)?$/s.test(e.message)) return true;
  }
  return false;
}

/** A client error the HTTP layer finds itself (401, 403, 413, 415...), answered as `{error}`. */
export class HttpError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(status: ContentfulStatusCode, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
  }
}

export interface ErrorLog {
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export function errorJson(c: Context, status: ContentfulStatusCode, message: string): Response {
  return c.json({ error: message }, status);
}

/** What a thrown value answers: its status and message, or undefined for an unexpected error. */
export function describeError(
  error: unknown,
): { status: ContentfulStatusCode; message: string } | undefined {
  if (error instanceof EdgekueError) {
    if (error.code === 'REDIS' && refusedCredentials(error))
      return { status: 502, message: CREDENTIALS_REFUSED };
    return { status: statusByCode[error.code], message: error.message };
  }
  if (error instanceof HttpError) return { status: error.status, message: error.message };
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    return { status, message: error.message || statusText(status) };
  }
  return undefined;
}

function statusText(status: number): string {
  if (status === 413) return 'request body too large';
  if (status === 415) return 'unsupported media type';
  return `HTTP ${status}`;
}

export function onError(log: ErrorLog): ErrorHandler {
  return function onError(error, c) {
    const known = describeError(error);
    if (known && known.status < 500) return errorJson(c, known.status, known.message);
    if (known) {
      // the details (hosts, Redis replies) go to the log, not to the client
      log.error(`${c.req.method} ${c.req.path}: ${known.message}`, withoutCommands(error));
      const told =
        known.message === CREDENTIALS_REFUSED
          ? CREDENTIALS_REFUSED
          : error instanceof EdgekueError
            ? redisAnswers[error.code]
            : undefined;
      return errorJson(c, known.status, told ?? 'internal error');
    }
    // unexpected: log everything, answer nothing that would help an attacker
    log.error(`${c.req.method} ${c.req.path}: unexpected error`, withoutCommands(error));
    return errorJson(c, 500, 'internal error');
  };
}

export const notFound: NotFoundHandler = function notFound(c) {
  return errorJson(c, 404, `no route for ${c.req.method} ${c.req.path}`);
};
