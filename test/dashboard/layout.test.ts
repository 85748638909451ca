// What the page looks like with awkward data and in both colour schemes: a 180-character type
// name must not widen the page, and text must keep a 4.5:1 contrast. The real app in headless
// Chromium, as in dashboard.test.ts.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, claim, screenshotDir, settle } from './harness.js';

const suite = browserSuite('edgekue layout');
const longType = `reports.${'quarterly-revenue-by-region-'.repeat(7)}`.slice(0, 180);

beforeAll(async () => {
  expect(longType).toHaveLength(180);
  const queue = suite.served.queue;
  const [made] = await queue.createMany([{ type: longType, data: { title: 'Long type' } }]);
  expect(await claim(queue, longType)).toBe(made!.id);
  await settle(queue, made!.id!, { error: 'Error: too long' });
  await queue.createMany([{ type: longType, data: { title: 'Queued too' } }]);
  await queue.pause(longType);
});

/** WCAG's contrast ratio of two computed colours (rgb()/rgba() strings, opaque). */
function contrastOf(page: Page, selector: string) {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: string) => {
        const [r, g, b] = rgb(c).map((v) => {
          const x = v / 255;
          return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      // the first ancestor with a background paints behind the text
      let bgEl: Element | null = el;
      let bg = 'rgba(0, 0, 0, 0)';
      while (bgEl) {
        bg = getComputedStyle(bgEl).backgroundColor;
        if (!/rgba\(.*, 0\)$/.test(bg) && bg !== 'transparent') break;
        bgEl = bgEl.parentElement;
      }
      const a = lum(getComputedStyle(el).color);
      const b = lum(bg);
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });
}

describe('a 180-character type name', () => {
  for (const size of [
    { name: 'wide', width: 1280, height: 860 },
    { name: 'phone', width: 390, height: 844 },
  ]) {
    it(`is clipped, whole in a title, and the page does not scroll sideways (${size.name})`, async () => {
      const { page } = await suite.open(
        `./?state=failed&type=${encodeURIComponent(longType)}`,
        size,
      );
      const card = page.locator('#jobs > li').first();
      await card.waitFor();
      await page.locator('#type-filter option:nth-child(2)').waitFor({ state: 'attached' });
      await page.locator('#bulk:visible').waitFor();
      await page.locator(`.type-row .chip.paused:visible`).waitFor();
      await page.screenshot({
        path: `${screenshotDir}/long-type-${size.name}.png`,
        fullPage: true,
      });
      const layout = await page.evaluate(() => {
        const box = (s: string) => document.querySelector(s)!.getBoundingClientRect();
        return {
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
          select: box('#type-filter').right,
          chip: box('#jobs > li .job-head .type').right,
          head: box('#jobs > li .job-head').right,
          meta: box('#jobs > li .job-meta').left,
          card: box('#jobs > li').right,
        };
      });
      expect(layout.scroll).toBeLessThanOrEqual(layout.client);
      expect(layout.select).toBeLessThanOrEqual(layout.client);
      expect(layout.chip).toBeLessThanOrEqual(layout.head + 0.5);
      expect(layout.chip).toBeLessThanOrEqual(layout.card);
      if (size.name === 'wide') expect(layout.chip).toBeLessThanOrEqual(layout.meta);
      expect(await card.locator('.job-head .type').getAttribute('title')).toBe(longType);
      expect(await page.locator('#type-filter').getAttribute('title')).toBe(`${longType} (paused)`);
    });
  }
});

describe('contrast', () => {
  it('keeps the paused chip and secondary text at 4.5:1 or more in both schemes', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page } = await suite.open(`./?state=failed&type=${encodeURIComponent(longType)}`, {
        colorScheme,
      });
      await page.locator('#jobs > li').first().waitFor();
      await page.locator('.type-row .chip.paused:visible').waitFor();
      const ratios = {
        chip: await contrastOf(page, '.type-row .chip.paused'),
        summary: await contrastOf(page, '#list-summary'),
        time: await contrastOf(page, '#jobs > li .job-meta'),
        tab: await contrastOf(page, '.tab[aria-selected=false]'),
        field: await contrastOf(page, '.field > span'),
        typeCount: await contrastOf(page, '.type-count span'),
      };
      for (const [what, ratio] of Object.entries(ratios)) {
        expect({ colorScheme, what, ok: ratio >= 4.5, ratio }).toMatchObject({ ok: true });
      }
    }
  });
});
