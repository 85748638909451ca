// Typed failures of the bridge. Each one knows the HTTP status it answers with; the message
// becomes the `{"error": ...}` body, which @upstash/redis turns into an UpstashError.

export class BridgeHttpError extends Error {
  override name = 'BridgeHttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Malformed request: bad JSON, wrong shape, an argument that is not a string/number/boolean. */
export class BadRequestError extends BridgeHttpError {
  override name = 'BadRequestError';
  constructor(message: string) {
    super(400, message);
  }
}

/** A command the bridge will not run (connection state, or dangerous without the opt-in). */
export class CommandRefusedError extends BadRequestError {
  override name = 'CommandRefusedError';
}

/** The whole MULTI/EXEC was discarded (EXECABORT): nothing in it ran. */
export class TransactionAbortedError extends BadRequestError {
  override name = 'TransactionAbortedError';
}

/** Redis answered a single command with an error (`WRONGTYPE ...`, `NOSCRIPT ...`): passed through verbatim. */
export class RedisReplyError extends BadRequestError {
  override name = 'RedisReplyError';
}

export class UnauthorizedError extends BridgeHttpError {
  override name = 'UnauthorizedError';
  constructor() {
    super(401, 'Unauthorized');
  }
}

export class NotFoundError extends BridgeHttpError {
  override name = 'NotFoundError';
  constructor(path: string) {
    super(404, `ERR no such endpoint: ${path}`);
  }
}

export class MethodNotAllowedError extends BridgeHttpError {
  override name = 'MethodNotAllowedError';
  constructor(
    method: string,
    readonly allow: readonly string[],
  ) {
    super(405, `ERR method ${method} is not allowed here (allowed: ${allow.join(', ')})`);
  }
}

export class PayloadTooLargeError extends BridgeHttpError {
  override name = 'PayloadTooLargeError';
  constructor(limitBytes: number) {
    super(413, `ERR request body is larger than the limit of ${limitBytes} bytes`);
  }
}

/** Redis is down or unreachable: the request failed fast instead of waiting for it. */
export class RedisUnavailableError extends BridgeHttpError {
  override name = 'RedisUnavailableError';
  constructor(detail: string) {
    super(503, `ERR Redis is unavailable: ${detail}`);
  }
}

/** Redis did not answer within the command timeout (hung or overloaded server). */
export class RedisTimeoutError extends BridgeHttpError {
  override name = 'RedisTimeoutError';
  constructor(timeoutMs: number) {
    super(504, `ERR Redis did not answer within ${timeoutMs} ms`);
  }
}

/**
 * The client went away before its request was read (aborted upload, connection reset): nobody
 * is left to answer, and it is the client's doing, not a bridge failure to log or count.
 */
export class ClientGoneError extends Error {
  override name = 'ClientGoneError';
  constructor() {
    super('the client went away before its request was read');
  }
}
