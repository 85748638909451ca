import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { inject } from 'vitest';
import { createQueue, type Job, type Queue, type QueueOptions } from '../../core/index.js';
import type { ErrorLog } from '../../functions/api/errors.js';
import { type AppOptions, createApp } from '../../functions/app.js';
import { type Config, envSchema } from '../../functions/config.js';
import { keyspaceFingerprintScript } from '../support/keyspace.js';
import { testRedis } from '../support/stack.js';

/** A queue under a fresh prefix on the shared test bridge, spoken to with the unmodified client. */
export function newQueue(options: QueueOptions = {}): Queue {
  return createQueue(
    { url: inject('bridgeUrl'), token: inject('bridgeToken') },
    { prefix: `api-${randomBytes(5).toString('hex')}`, ...options },
  );
}

export function testConfig(env: Record<string, unknown> = {}): Config {
  return envSchema.parse({
    UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
    UPSTASH_REDIS_REST_TOKEN: inject('bridgeToken'),
    ...env,
  });
}

/** Collects what the app logs, so a test can assert on it and the output stays quiet. */
export function memoryLog(): ErrorLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (m) => lines.push(`warn ${m}`),
    error: (m, e) => lines.push(`error ${m} ${e instanceof Error ? e.message : ''}`),
  };
}

export interface TestApp {
  app: Hono;
  queue: Queue;
  log: ReturnType<typeof memoryLog>;
  woken: Job[][];
  /** app.request() with JSON bodies made easy. */
  send(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
}

export const loopback = () => '127.0.0.1';

/** The app over a fresh queue, served to a loopback client with no auth unless env says so. */
export function testApp(
  env: Record<string, unknown> = {},
  opts: Partial<AppOptions> = {},
  queue = newQueue(),
): TestApp {
  const log = memoryLog();
  const woken: Job[][] = [];
  const app = createApp({
    queue,
    config: testConfig(env),
    remoteAddress: loopback,
    dashboard: false,
    log,
    wake: (jobs) => woken.push(jobs),
    ...opts,
  });
  return {
    app,
    queue,
    log,
    woken,
    send: (method, path, body, headers = {}) =>
      Promise.resolve(
        app.request(path, {
          method,
          headers:
            body === undefined ? headers : { 'content-type': 'application/json', ...headers },
          body:
            body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        }),
      ),
  };
}

/** Raw Redis through the bridge, for checks behind the app's back. */
export const raw = testRedis();

/** A fingerprint of every key under a queue's prefix (name, type, DUMP digest): any write shows. */
export async function keyspace(queue: Queue): Promise<string[]> {
  const pattern = `${queue.keys.base.replace(/[[\]*?\\]/g, '\\$&')}*`;
  return (await raw.eval(keyspaceFingerprintScript, [], [pattern])) as string[];
}

/** Deletes every key under a queue's prefix and stops its listeners. */
export async function dropQueue(queue: Queue): Promise<void> {
  await queue.close();
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, { match: `${queue.keys.base}*`, count: 1000 });
    if (keys.length > 0) await raw.del(...keys);
    cursor = String(next);
  } while (cursor !== '0');
}

/** Claims jobs like a worker would, with a fixed token (core scripts directly). */
export async function claim(queue: Queue, type: string, count = 1, token = 'api-token') {
  const r = await queue.scripts.run<{ jobs: string[][] | object }>('claim', {
    count,
    lease_ms: 60_000,
    token,
    worker: 'api-test',
    types: [{ type, concurrency: 0 }],
  });
  const jobs = Array.isArray(r.jobs) ? r.jobs : [];
  return jobs.map((flat) => flat[flat.indexOf('id') + 1]!);
}

export async function ack(queue: Queue, id: string, ok: boolean, token = 'api-token') {
  const r = await queue.scripts.run<{ settled: string[] | object }>('ack', {
    done: [
      {
        id,
        token,
        ok,
        result: ok ? '"done"' : undefined,
        error: ok ? undefined : 'boom',
        delay: -1,
      },
    ],
  });
  return Array.isArray(r.settled) ? r.settled : [];
}
