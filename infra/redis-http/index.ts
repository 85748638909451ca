// Public API of the Upstash-compatible Redis HTTP bridge.

export {
  BadRequestError,
  BridgeHttpError,
  CommandRefusedError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RedisReplyError,
  RedisTimeoutError,
  RedisUnavailableError,
  TransactionAbortedError,
  UnauthorizedError,
} from './errors.js';
export { type BridgeOptions, BridgeOptionsSchema, DEFAULT_BODY_LIMIT_BYTES } from './options.js';
export { type BridgeHandle, startBridge } from './server.js';
export type { BridgeEndpoint, BridgeStats } from './stats.js';
