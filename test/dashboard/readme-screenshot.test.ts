// The README's screenshot, taken from the real app over a plausible queue. It always lands in
// test-results/dashboard/readme.png; with UPDATE_DOCS_SCREENSHOT=1 it also replaces
// docs/dashboard.png (committed, so ordinary test runs leave the tree clean).
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, openPage, type Served, screenshotDir, serveApp } from './harness.js';
import { seedRealistic } from './realistic.js';

let served: Served;
let browser: Browser;

beforeAll(async () => {
  served = await serveApp('edgekue');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

it('renders a realistic queue for the README', async () => {
  await seedRealistic(served.queue);
  const { page, context, errors } = await openPage(browser, served.url, {
    width: 1280,
    height: 800,
  });
  await page.locator('#jobs > li [role=progressbar]').first().waitFor();
  await expect.poll(() => page.locator('#jobs > li').count()).toBe(6);
  await page.locator('.type-row').nth(3).waitFor();
  await page.locator('#chart svg').waitFor();
  const path = `${screenshotDir}/readme.png`;
  await page.screenshot({ path });
  await context.close();
  expect(errors).toEqual([]);
  expect(statSync(path).size).toBeLessThan(300 * 1024);
  if (process.env.UPDATE_DOCS_SCREENSHOT === '1') {
    mkdirSync('docs', { recursive: true });
    copyFileSync(path, 'docs/dashboard.png');
  }
});
