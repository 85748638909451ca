/** Base class for everything `infra/redis-server` throws, so callers can tell our failures apart. */
export class RedisServerError extends Error {
  override name = 'RedisServerError';
}

/** `redis-server` is not installed (or not on PATH). The message says how to fix it. */
export class RedisBinaryNotFoundError extends RedisServerError {
  override name = 'RedisBinaryNotFoundError';
  constructor() {
    super(
      'redis-server was not found on PATH. Install it with `sudo apt-get install redis-server` ' +
        '(npm start / npm test do this for you on Debian when run as root), or point REDIS_URL at an ' +
        'existing Redis, or UPSTASH_REDIS_REST_URL/UPSTASH_REDIS_REST_TOKEN at an Upstash database.',
    );
  }
}

/** The process started but never answered PING, or exited while starting. */
export class RedisStartError extends RedisServerError {
  override name = 'RedisStartError';
  constructor(
    message: string,
    /** The last lines redis-server printed, for diagnosis (port in use, bad config...). */
    readonly logTail: string,
  ) {
    super(logTail ? `${message}\n--- redis-server output ---\n${logTail}` : message);
  }
}
