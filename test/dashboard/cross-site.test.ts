// A page of another site, open in the same browser, makes the browser send requests to a queue
// served to this machine without auth (the developer's `npm start`): real Chromium decides what
// it sends (Sec-Fetch-Site, Origin), so this is the attack as it happens, not a replay of headers.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createQueue } from '../../core/index.js';
import { createApp } from '../../functions/app.js';
import { envSchema } from '../../functions/config.js';
import { dropKeys, launchBrowser } from './harness.js';

const queue = createQueue(
  { url: inject('bridgeUrl'), token: inject('bridgeToken') },
  { prefix: `xsite-${randomBytes(5).toString('hex')}` },
);
let browser: Browser;
let app: ReturnType<typeof serve>;
let appUrl: string;
let evil: Server;
let evilUrl: string;

beforeAll(async () => {
  const config = envSchema.parse({
    UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
    UPSTASH_REDIS_REST_TOKEN: inject('bridgeToken'),
  });
  const fetch = createApp({
    queue,
    config,
    remoteAddress: (c) => getConnInfo(c).remote.address,
    log: { warn: () => {}, error: (m, e) => console.error(m, e) },
  }).fetch;
  app = await new Promise((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  evil = createServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>elsewhere</title>');
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  // localhost is another site than 127.0.0.1, where the queue is served
  evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}/`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => evil.close(resolve));
  await new Promise((resolve) => app.close(resolve));
  await dropKeys(queue);
});

describe('another site in the same browser', () => {
  it('cannot retry, restart or create jobs on a queue served to this machine; its own dashboard can', async () => {
    const jobs = await Promise.all([1, 2].map((i) => queue.create('cs', { i }).save()));
    const [first, second] = jobs.map((j) => String(j.id));
    await queue.setState([first!, second!], 'failed');
    const context = await browser.newContext();
    const other = await context.newPage();
    await other.goto(evilUrl);
    await other.evaluate(
      async ({ app, first, second }) => {
        const go = (path: string, init: RequestInit) =>
          fetch(app + path, { mode: 'no-cors', ...init }).catch(() => {});
        await go('/jobs/failed/retry?type=cs', { method: 'POST' });
        await go(`/jobs/${first}/retry`, { method: 'POST' });
        await go('/job', { method: 'POST', body: '{"type":"cs"}' });
        // what an <img src> does
        await new Promise((done) => {
          const img = new Image();
          img.onload = img.onerror = done;
          img.src = `${app}/inactive/${second}`;
        });
      },
      { app: appUrl, first, second },
    );
    const after = await queue.getJobs([first!, second!]);
    expect(after.map((j) => j.state())).toEqual(['failed', 'failed']);
    expect(await queue.inactiveCount('cs')).toBe(0);

    // the dashboard's own request (same origin) goes through
    const page = await context.newPage();
    await page.goto(`${appUrl}/`);
    const status = await page.evaluate(
      async (id) => (await fetch(`jobs/${id}/retry`, { method: 'POST' })).status,
      first!,
    );
    expect(status).toBe(200);
    expect((await queue.getJob(first!)).state()).toBe('inactive');
    await context.close();
  });
});
