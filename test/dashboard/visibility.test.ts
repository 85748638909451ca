// A tab left hidden stops asking the server (on Upstash every request is billed), and catches up
// when shown again. The real app in headless Chromium, its clock driven by the test.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from './harness.js';

const suite = browserSuite('edgekue visibility');

/** Headless Chromium never hides a page: the test says it is hidden, or shown, as a tab switch does. */
function setHidden(page: Page, hidden: boolean) {
  return page.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (h ? 'hidden' : 'visible'),
    });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

describe('a hidden tab', () => {
  it('closes its stream and stops its reads after a minute, and catches up when shown', async () => {
    const queue = suite.served.queue;
    const [first] = await queue.createMany([{ type: 'nap', data: { title: 'Before' } }]);
    const { page } = await suite.open('./?state=inactive&type=nap', {
      prepare: (context) => context.clock.install(),
    });
    const card = (id: string) => page.locator(`#jobs > li[data-id="${id}"]`);
    await card(first!.id!).waitFor();

    await setHidden(page, true);
    // hidden briefly (a glance at another tab): still live
    await page.clock.fastForward(20_000);
    expect(await page.locator('#live').getAttribute('data-status')).toBe('live');
    await page.clock.fastForward(45_000);
    await page.locator('#live[data-status=asleep]').waitFor({ timeout: 5_000 });

    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    // minutes pass: no counts, chart, stream or list read
    for (let i = 0; i < 4; i++) await page.clock.fastForward(60_000);
    const [second] = await queue.createMany([{ type: 'nap', data: { title: 'While hidden' } }]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(asked).toEqual([]);
    expect(await card(second!.id!).count()).toBe(0);

    // shown again: live, and the list, counts and chart are read
    await setHidden(page, false);
    await page.locator('#live[data-status=live]').waitFor({ timeout: 10_000 });
    await card(second!.id!).waitFor({ timeout: 10_000 });
    expect(asked).toEqual(expect.arrayContaining(['/stats', '/types', '/throughput', '/events']));
    await expect.poll(() => page.locator('#list-summary').textContent()).toContain('2 of 2');
  }, 60_000);
});
