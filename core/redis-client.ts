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

/**
 * `url` as given when it is an HTTP(S) URL, else a ValidationError on `field`: a `redis://` URL
 * reached @upstash/redis, whose error names neither the field nor the bridge (and asks for https
 * where the bridge's http is fine). Names the scheme it got, never the URL (it may hold a password).
 */
/**
 * Whether @upstash/redis takes `url` (its own test): what passes here never fails there with an
 * error that echoes the URL. The platforms' configuration checks its variable with it too.
 */
export function isRestUrl(url: string): boolean {
  return /^https?:\/\/[^\s#$./?].\S*$/.test(url.replace(/\/$/, ''));
}

function restUrl(url: string, field: string): string {
  if (isRestUrl(url)) return url;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url.trim())?.[1]?.toLowerCase();
  const what =
    scheme === undefined
      ? 'an address without http:// or https://'
      : scheme === 'http' || scheme === 'https'
        ? `a ${scheme}:// URL written differently (spaces, capitals or no host)`
        : `a ${scheme}:// URL: edgekue speaks HTTP Redis (Upstash's REST protocol), not Redis' TCP protocol`;
  throw new ValidationError(
    `${field} must be the http(s) REST URL of an Upstash database or of edgekue's HTTP bridge in ` +
      `front of your Redis (the edgekue-redis-http bin; npm run redis-http in a checkout), got ${what}`,
    field,
  );
}

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
  return new Redis({ url: restUrl(url, 'UPSTASH_REDIS_REST_URL'), token });
}

/** The keys of a Connection: the rest of Kue's createQueue({ ... }) object is queue options. */
const CONNECTION_KEYS = new Set(['url', 'token', 'enableAutoPipelining', 'redis', 'createClient']);

/**
 * Kue's createQueue({ prefix, redis, ... }) object taken apart: the connection (undefined when it
 * holds none of a connection's keys: the environment's then) and the rest, queue options.
 */
export function splitConnection(value: unknown): {
  connection: Connection | undefined;
  options: Record<string, unknown>;
} {
  if (value === undefined || value === null) return { connection: undefined, options: {} };
  if (typeof value !== 'object') {
    throw new ValidationError(
      'the connection must be an object: { url, token }, { redis } or { createClient }',
      'connection',
    );
  }
  if (isClient(value)) {
    throw new ValidationError(
      'pass a Redis client as { redis: client }, not as the connection itself',
      'connection',
    );
  }
  const connection: Record<string, unknown> = {};
  const options: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    (CONNECTION_KEYS.has(key) ? connection : options)[key] = v;
  }
  const any = Object.keys(connection).length > 0;
  return { connection: any ? (connection as unknown as Connection) : undefined, options };
}

function isClient(value: unknown): value is RedisClient {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { evalsha?: unknown }).evalsha === 'function'
  );
}

/**
 * The client as given, or a ValidationError at once: Kue's `redis: { host, port, ... }` (node_redis
 * options for Redis' TCP protocol) would otherwise fail only at the first call, as if Redis were
 * down. Names only the keys it got, never their values (`auth` is a password).
 */
function client(value: unknown, field: 'redis' | 'createClient'): RedisClient {
  if (isClient(value)) return value;
  const what =
    value !== null && typeof value === 'object'
      ? `an object with keys ${Object.keys(value).slice(0, 8).join(', ') || 'none'}`
      : value === null || value === undefined
        ? String(value)
        : `a ${typeof value}`;
  const source = field === 'redis' ? 'redis' : 'createClient()';
  throw new ValidationError(
    `${source} must be a Redis client with evalsha (got ${what}): edgekue speaks HTTP Redis ` +
      `(Upstash's REST protocol), not Redis' TCP protocol, so Kue's redis options (host, port, ` +
      `socket, auth, db, createClientFactory) cannot reach it. Pass { url, token } of an Upstash ` +
      `REST endpoint, or of edgekue's HTTP bridge in front of your Redis (the edgekue-redis-http ` +
      `bin; npm run redis-http in a checkout), or { redis: new Redis({ url, token }) } with an ` +
      `@upstash/redis client`,
    field,
  );
}

export function connect(connection?: Connection): RedisClient {
  if (!connection) return fromEnvironment();
  if ('redis' in connection) return client(connection.redis, 'redis');
  if ('createClient' in connection) return client(connection.createClient(), 'createClient');
  // '' too: @upstash/redis would take it, warn on the console and fail each call as Unauthorized
  if (typeof connection.url !== 'string' || typeof connection.token !== 'string') {
    throw new ValidationError('connection needs a url and a token', 'connection');
  }
  if (connection.token.trim() === '') {
    throw new ValidationError("token: the connection's token is empty", 'token');
  }
  return new Redis({
    url: restUrl(connection.url, 'url'),
    token: connection.token,
    enableAutoPipelining: connection.enableAutoPipelining ?? true,
  });
}
