// The local stack for the dashboard's browser tests: the real app (createApp, with its auth) over
// a queue on the shared test bridge, served by @hono/node-server, and a headless Debian Chromium.
// zod-openapi must extend zod before core's schemas exist (the API's schemas derive from them).
import '@hono/zod-openapi';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { createQueue, list, type Queue } from '../../core/index.js';
import type { EventStreamOptions } from '../../functions/api/deps.js';
import { createApp } from '../../functions/app.js';
import { envSchema } from '../../functions/config.js';
import { dashboard } from '../../functions/dashboard/index.js';
import { testRedis } from '../support/stack.js';

export const screenshotDir = 'test-results/dashboard';
export const credentials = { username: 'admin', password: 'dashboard-test-password' };

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Served {
  url: string;
  queue: Queue;
  /** The JSON API as the browser sees it (with the same credentials). */
  api<T>(path: string, init?: RequestInit): Promise<T>;
  close(): Promise<void>;
}

/**
 * The real app behind basic auth, on a free loopback port, over a queue with a fresh prefix.
 * `events` tunes its GET /events (a short maxLifetimeMs makes the page reconnect soon).
 */
export async function serveApp(
  title: string,
  env: Record<string, string> = {},
  events: Partial<EventStreamOptions> = {},
): Promise<Served> {
  const queue = createQueue(
    { url: inject('bridgeUrl'), token: inject('bridgeToken') },
    { prefix: `dash-${randomBytes(5).toString('hex')}` },
  );
  const config = envSchema.parse({
    UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
    UPSTASH_REDIS_REST_TOKEN: inject('bridgeToken'),
    EDGEKUE_TITLE: title,
    EDGEKUE_AUTH_USER: credentials.username,
    EDGEKUE_AUTH_PASSWORD: credentials.password,
    ...env,
  });
  const app = createApp({
    queue,
    config,
    dashboard: dashboard({ title }),
    events: { pollMs: 100, heartbeatMs: 5_000, ...events },
    log: { warn: () => {}, error: (m, e) => console.error(m, e) },
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const authorization = `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`;
  return {
    url,
    queue,
    async api<T>(path: string, init: RequestInit = {}) {
      const res = await fetch(new URL(path, url), {
        ...init,
        headers: { authorization, ...init.headers },
      });
      if (!res.ok)
        throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async close() {
      await dropKeys(queue);
      const http = server as unknown as {
        closeAllConnections?: () => void;
        close(cb: () => void): void;
      };
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections?.();
      });
    },
  };
}

/** Deletes every key under the queue's prefix. */
export async function dropKeys(queue: Queue): Promise<void> {
  const redis = testRedis();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, { match: `${queue.keys.base}*`, count: 1000 });
    if (keys.length > 0) await redis.del(...keys);
    cursor = String(next);
  } while (cursor !== '0');
}

export function launchBrowser(): Promise<Browser> {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
}

export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions, as they happened. */
  errors: string[];
}

export interface OpenOptions {
  width?: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
  /** 'reduce' turns the page's transitions off, for screenshots of a settled page. */
  reducedMotion?: 'reduce' | 'no-preference';
  /** Runs before the page's first load: routes and init scripts that must see it. */
  prepare?: (context: BrowserContext) => Promise<unknown>;
  /** Whether to wait for the live stream (default) or only for the page's load. */
  waitLive?: boolean;
}

export async function openPage(
  browser: Browser,
  url: string,
  opts: OpenOptions = {},
): Promise<TestPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 860 },
    colorScheme: opts.colorScheme ?? 'light',
    reducedMotion: opts.reducedMotion ?? 'no-preference',
    httpCredentials: credentials,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await opts.prepare?.(context);
  await page.goto(url);
  if (opts.waitLive ?? true) await page.locator('#live[data-status=live]').waitFor();
  return { page, context, errors };
}

/** Leases one job of `type` to a pretend worker, as a real worker's claim does. */
export async function claim(queue: Queue, type: string, token = 't'): Promise<string> {
  const r = await queue.scripts.run<{ jobs: string[][] | object }>('claim', {
    count: 1,
    lease_ms: 60_000,
    token,
    worker: 'w',
    types: [{ type, concurrency: 0 }],
  });
  const flat = list(r.jobs as string[][])[0] ?? [];
  let id: string | undefined;
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === 'id') id = flat[i + 1];
  if (!id) throw new Error(`no ${type} job to claim`);
  return id;
}

/** Settles a claimed job as a worker would: complete with a result, or fail with an error. */
export async function settle(
  queue: Queue,
  id: string,
  outcome: { result: unknown } | { error: string },
  token = 't',
): Promise<void> {
  const done =
    'error' in outcome
      ? { id, token, ok: false, error: outcome.error }
      : { id, token, ok: true, result: JSON.stringify(outcome.result) };
  await queue.scripts.run('ack', { done: [done] });
}

/** A test file's app and browser, and the pages its current test opened. */
export interface BrowserSuite {
  readonly served: Served;
  readonly browser: Browser;
  /** Closed after each test, which fails on any console error or uncaught exception they saw. */
  readonly pages: TestPage[];
  /** Opens a path of the served app in a page of the current test. */
  open(path: string, opts?: OpenOptions): Promise<TestPage>;
}

/** Serves the app and launches Chromium for a test file (its hooks), closing both after it. */
export function browserSuite(title: string): BrowserSuite {
  let served: Served | undefined;
  let browser: Browser | undefined;
  const pages: TestPage[] = [];
  const suite: BrowserSuite = {
    get served() {
      if (!served) throw new Error('browserSuite: the app is not served yet');
      return served;
    },
    get browser() {
      if (!browser) throw new Error('browserSuite: the browser is not launched yet');
      return browser;
    },
    pages,
    async open(path, opts) {
      const p = await openPage(suite.browser, new URL(path, suite.served.url).href, opts);
      pages.push(p);
      return p;
    },
  };
  beforeAll(async () => {
    served = await serveApp(title);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });
  afterEach(async () => {
    const done = pages.splice(0);
    for (const p of done) await p.context.close();
    for (const p of done) expect(p.errors).toEqual([]);
  });
  return suite;
}
