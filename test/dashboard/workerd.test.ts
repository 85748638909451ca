// The dashboard as a Cloudflare Worker serves it: the real bundle (wrangler's build) in workerd,
// opened in headless Chromium behind basic auth, with its event stream and a live progress bar.
import { randomBytes } from 'node:crypto';
import type { Miniflare } from 'miniflare';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createQueue, type KueStats, type Queue } from '../../core/index.js';
import { bootWorker, buildWorker } from '../../infra/build/workerd-bundle.js';
import {
  claim,
  credentials,
  dropKeys,
  launchBrowser,
  openPage,
  screenshotDir,
  type TestPage,
} from './harness.js';

let mf: Miniflare;
let url: URL;
let queue: Queue;
let browser: Browser;
let opened: TestPage | undefined;

beforeAll(async () => {
  const prefix = `dash-wd-${randomBytes(5).toString('hex')}`;
  queue = createQueue({ url: inject('bridgeUrl'), token: inject('bridgeToken') }, { prefix });
  const booted = await bootWorker(await buildWorker(), {
    UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
    UPSTASH_REDIS_REST_TOKEN: inject('bridgeToken'),
    EDGEKUE_PREFIX: prefix,
    EDGEKUE_TITLE: 'edgekue on workerd',
    EDGEKUE_AUTH_USER: credentials.username,
    EDGEKUE_AUTH_PASSWORD: credentials.password,
  });
  mf = booted.mf;
  url = booted.url;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await opened?.context.close();
  await browser?.close();
  await mf?.dispose();
  if (queue) await dropKeys(queue);
});

it('serves the dashboard from the Worker, live', async () => {
  await queue.createMany([
    { type: 'wd-dash', data: { title: 'waiting' } },
    { type: 'wd-dash', data: { title: 'running' } },
  ]);
  const id = await claim(queue, 'wd-dash');
  opened = await openPage(browser, new URL('/?state=active', url).href);
  const { page, errors } = opened;
  expect(await page.title()).toContain('edgekue on workerd');
  await page.locator('[data-count=inactive]:not(:text("–"))').waitFor();
  const authorization = `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`;
  const stats = (await (
    await fetch(new URL('/stats', url), { headers: { authorization } })
  ).json()) as KueStats;
  expect(stats).toMatchObject({ inactiveCount: 1, activeCount: 1 });
  expect(await page.locator('[data-count=inactive]').textContent()).toBe('1');
  expect(await page.locator('[data-count=active]').textContent()).toBe('1');

  const bar = page.locator(`#jobs > li[data-id="${id}"] [role=progressbar]`);
  await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('0');
  await queue.touch([{ id, token: 't', progress: [55] }]);
  await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 10_000 }).toBe('55');
  await page.screenshot({ path: `${screenshotDir}/workerd.png` });
  expect(errors).toEqual([]);
});
