// The dashboard as a keyboard user and a phone user meet it: focus rings, labelled times, target
// sizes (WCAG 2.2: 24×24 CSS px), Tab order against the visual order, and the phone layout. The
// real app in headless Chromium, as in dashboard.test.ts.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, claim, screenshotDir, settle } from './harness.js';

const suite = browserSuite('edgekue a11y');
const wide = { width: 1280, height: 860 };
const phone = { width: 390, height: 844 };
let failedId = '';

beforeAll(async () => {
  // a few types, and a job in every state but active
  for (const type of ['email', 'video.transcode', 'invoice.pdf', 'report']) {
    await suite.served.queue.createMany(
      Array.from({ length: 3 }, (_, i) => ({ type, data: { title: `${type} ${i}` } })),
    );
  }
  const [failing] = await suite.served.queue.createMany([
    { type: 'label', data: { title: 'Charge card', order: { id: 7, lines: [1, 2] } } },
  ]);
  failedId = failing!.id!;
  expect(await claim(suite.served.queue, 'label')).toBe(failedId);
  await settle(suite.served.queue, failedId, { error: 'Error: card declined' });
  await suite.served.queue.createMany([
    { type: 'label', data: { title: 'Remind later' }, options: { delay: 3_600_000 } },
  ]);
});

async function open(path: string, size = wide): Promise<Page> {
  const p = await suite.open(path, size);
  await p.page.locator('#jobs > li').first().waitFor();
  await p.page.locator('.type-row[data-type=report]').waitFor({ state: 'attached' });
  return p.page;
}

/** The focused tab's outline box, and the box its scrolling tab bar clips to (its padding box). */
function focusedTabRing(page: Page) {
  return page.evaluate(() => {
    const tab = document.activeElement as HTMLElement;
    const bar = tab.closest('[role=tablist]') as HTMLElement;
    const style = getComputedStyle(tab);
    const out = Number.parseFloat(style.outlineOffset) + Number.parseFloat(style.outlineWidth);
    const t = tab.getBoundingClientRect();
    const b = bar.getBoundingClientRect();
    const left = b.left + bar.clientLeft;
    const top = b.top + bar.clientTop;
    return {
      role: tab.getAttribute('role'),
      visible: tab.matches(':focus-visible') && style.outlineStyle !== 'none',
      ring: { left: t.left - out, top: t.top - out, right: t.right + out, bottom: t.bottom + out },
      clip: { left, top, right: left + bar.clientWidth, bottom: top + bar.clientHeight },
    };
  });
}

/** Elements a pointer or a finger can act on, as rendered: their size, and what they are. */
function targets(page: Page) {
  return page.evaluate(() =>
    Array.from(
      document.querySelectorAll<HTMLElement>(
        'button, select, input, summary, a[href], [role=tab], [tabindex]:not([tabindex="-1"])',
      ),
    )
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => {
        const r = el.getBoundingClientRect();
        const what = [el.tagName.toLowerCase(), ...Array.from(el.classList)].join('.');
        const name = `${what} "${(el.textContent ?? '').trim().slice(0, 24)}"`;
        return { name, width: r.width, height: r.height };
      }),
  );
}

/** Presses Tab until a job card has focus, noting the part of the page each stop is in. */
async function tabStops(page: Page): Promise<string[]> {
  const parts: string[] = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const part = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return 'none';
      if (el.closest('.controls')) return 'controls';
      if (el.closest('.side')) return 'side';
      if (el.closest('#jobs')) return 'jobs';
      return 'other';
    });
    parts.push(part);
    if (part === 'jobs') break;
  }
  return parts;
}

/** Where the page's parts are on screen. */
function boxes(page: Page) {
  return page.evaluate(() => {
    const box = (sel: string) =>
      (document.querySelector(sel) as HTMLElement).getBoundingClientRect();
    return {
      controls: box('.controls').toJSON() as DOMRect,
      side: box('.side').toJSON() as DOMRect,
      list: box('#jobs-panel').toJSON() as DOMRect,
      firstJob: box('#jobs > li').toJSON() as DOMRect,
      pageWidth: document.documentElement.scrollWidth,
    };
  });
}

describe('dashboard accessibility', () => {
  for (const [name, size] of [
    ['wide', wide],
    ['phone', phone],
  ] as const) {
    it(`shows the whole focus ring of every state tab (${name})`, async () => {
      const page = await open('./?state=inactive', size);
      await page.keyboard.press('1');
      for (let i = 0; i < 5; i++) {
        if (i > 0) await page.keyboard.press('ArrowRight');
        const { role, visible, ring, clip } = await focusedTabRing(page);
        expect(role).toBe('tab');
        expect(visible).toBe(true);
        expect(ring.left).toBeGreaterThanOrEqual(clip.left - 0.5);
        expect(ring.top).toBeGreaterThanOrEqual(clip.top - 0.5);
        expect(ring.right).toBeLessThanOrEqual(clip.right + 0.5);
        expect(ring.bottom).toBeLessThanOrEqual(clip.bottom + 0.5);
      }
    });

    it(`makes every target at least 24×24 CSS px (${name})`, async () => {
      const page = await open(`./?state=failed&type=label`, size);
      const head = page.locator(`#jobs > li[data-id="${failedId}"] .job-head`);
      await head.click();
      await page.locator('.detail .tree summary').first().waitFor();
      await page.locator('.type-count').first().waitFor();
      // the banner's close button too (the banner shows only after an error)
      await page.evaluate(() => {
        (document.getElementById('banner') as HTMLElement).hidden = false;
      });
      const all = await targets(page);
      // buttons, selects, tabs, type entries and summaries were all rendered, so all were measured
      const kinds = [
        '.tab',
        '.type-name',
        '.type-count',
        '.btn.small',
        '.icon',
        'select',
        'summary',
      ];
      for (const kind of kinds) expect(all.map((t) => t.name).join('\n')).toContain(kind);
      const small = all.filter((t) => t.width < 24 || t.height < 24);
      expect(small).toEqual([]);
      await page.screenshot({ path: `${screenshotDir}/targets-${name}.png`, fullPage: true });
    });
  }

  it('labels the times on delayed and failed cards', async () => {
    const page = await open('./?state=delayed&type=label');
    const time = page.locator('#jobs > li .job-meta time');
    await expect.poll(() => time.first().textContent()).toMatch(/^delayed (just now|\d+s ago)$/);
    await page.keyboard.press('4');
    await page.locator(`#jobs > li[data-id="${failedId}"]`).waitFor();
    expect(await time.first().textContent()).toMatch(/^failed (just now|\d+[sm] ago)$/);
    // every card's time says what it is, in every tab
    for (const key of ['1', '2', '3', '4', '5']) {
      await page.keyboard.press(key);
      await page.locator('#jobs:not([aria-busy])').waitFor({ state: 'attached' });
      for (const text of await time.allTextContents()) {
        expect(text).toMatch(/^(queued|started|delayed|failed|completed) /);
      }
    }
  });

  it('tabs from the filters to the types before the jobs, as they are laid out (wide)', async () => {
    const page = await open('./?state=inactive');
    const at = await boxes(page);
    // the side panels beside the filters, the list right under them
    expect(at.side.left).toBeGreaterThan(at.controls.right);
    expect(at.side.top).toBeLessThan(at.controls.bottom);
    expect(at.list.top - at.controls.bottom).toBeLessThan(8);
    await page.keyboard.press('1');
    const stops = await tabStops(page);
    expect(stops.at(-1)).toBe('jobs');
    expect(stops).toContain('side');
    // controls, then side, then jobs: never back
    const order = ['controls', 'side', 'jobs'];
    const ranks = stops.map((part) => order.indexOf(part));
    expect(ranks).not.toContain(-1);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('keeps the first job in view on a phone with the types open, in Tab order', async () => {
    const page = await open('./?state=inactive', phone);
    // open the types panel if the page folded it
    await page.evaluate(() => {
      (document.getElementById('types-card') as HTMLDetailsElement).open = true;
    });
    await page.locator('.type-row[data-type=report]').waitFor();
    const at = await boxes(page);
    expect(at.pageWidth).toBeLessThanOrEqual(phone.width);
    // top to bottom: the filters, the side panels, the jobs; the first job fully on screen
    expect(at.controls.bottom).toBeLessThanOrEqual(at.side.top);
    expect(at.side.bottom).toBeLessThanOrEqual(at.list.top);
    expect(at.firstJob.bottom).toBeLessThanOrEqual(phone.height);
    await page.screenshot({ path: `${screenshotDir}/phone-types.png` });
    await page.keyboard.press('1');
    const order = ['controls', 'side', 'jobs'];
    const ranks = (await tabStops(page)).map((part) => order.indexOf(part));
    expect(ranks.at(-1)).toBe(2);
    expect(ranks).toContain(1);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });
});
