import { Redis } from '@upstash/redis';
import { ValidationError } from './errors.js';

/**
 * What edgekue needs of a Redis client: script calls, and optionally a subscription for live
 * events. The unmodified `@upstash/redis` client fits; so does anything shaped like it.
 */
export interface RedisClient {
  evalsha(sha: string, keys: string[], args: unknown[]): Promise<unknown>;
  eval(script: string, keys: string[], args: unknown[]): Promise<unknown>;
  subscribe?(channels: string[]): Subscription;
}

export interface Subscription {
  /** 'subscribe' once the server confirms, 'error' when the subscription fails. */
  // biome-ignore lint/suspicious/noExplicitAny: the client's listener types vary by event name
  on(type: 'message' | 'subscribe' | 'error', listener: (m: any) => void): void;
  unsubscribe(channels?: string[]): Promise<void>;
}

export type Connection =
  | { url: string; token: string; enableAutoPipelining?: boolean }
  | { redis: RedisClient }
  | { createClient: () => RedisClient };

function fromEnvironment(): RedisClient {
  // Guarded: Workers have no process; there the caller passes { url, token } from its env.
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const url = env?.UPSTASH_REDIS_REST_URL;
  const token = env?.UPSTASH_REDIS_REST_TOKEN;
  if (!url || !token) {
    throw new ValidationError(
      'no Redis connection: pass { url, token }, { redis } or { createClient }, or set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN',
      'connection',
    );
  }
  return new Redis({ url, token });
}

export function connect(connection?: Connection): RedisClient {
  if (!connection) return fromEnvironment();
  if ('redis' in connection) return connection.redis;
  if ('createClient' in connection) return connection.createClient();
  if (typeof connection.url !== 'string' || typeof connection.token !== 'string') {
    throw new ValidationError('connection needs a url and a token', 'connection');
  }
  return new Redis({
    url: connection.url,
    token: connection.token,
    enableAutoPipelining: connection.enableAutoPipelining ?? true,
  });
}
