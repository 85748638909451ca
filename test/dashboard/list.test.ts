// The job list under change: bulk actions while a search shows only some jobs, paging while jobs
// enter and leave above the loaded pages, and recovery after an outage. The real app in headless
// Chromium, as in dashboard.test.ts.
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, claim, openPage, serveApp, settle, type TestPage } from './harness.js';

const suite = browserSuite('edgekue list');

const cardIds = (page: Page) =>
  page
    .locator('#jobs > li')
    .evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.id ?? ''));

/** Ids the API lists for a view now, in its order. */
async function serverIds(path: string): Promise<string[]> {
  const jobs = await suite.served.api<{ id: string }[]>(path);
  return jobs.map((j) => String(j.id));
}

/** A range read of the list after its first page (`/jobs/.../<from>..<to>/<order>`, from > 0). */
const laterPage = (type: string) => (url: URL) =>
  new RegExp(`/jobs/${type}/inactive/([1-9]\\d*)\\.\\.\\d+/`).test(url.pathname);

describe('bulk actions under a search', () => {
  it('are off while a search shows some of the state, saying why, and act once it is cleared', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const [made] = await suite.served.queue.createMany([
        { type: 'sieve', data: { title: i < 2 ? `needle ${i}` : `hay ${i}` } },
      ]);
      const id = made!.id!;
      expect(await claim(suite.served.queue, 'sieve')).toBe(id);
      await settle(suite.served.queue, id, { error: 'Error: nope' });
      ids.push(id);
    }
    const { page } = await suite.open('./?state=failed&type=sieve&q=needle');
    await expect.poll(() => cardIds(page), { timeout: 10_000 }).toEqual([ids[1], ids[0]]);
    const remove = page.locator('#remove-all');
    const retry = page.locator('#retry-all');
    await expect
      .poll(() => page.locator('#bulk-note').textContent())
      .toBe('Clear the search to act on all 4 failed sieve jobs.');
    expect(await remove.isDisabled()).toBe(true);
    expect(await retry.isDisabled()).toBe(true);
    expect(await remove.getAttribute('aria-describedby')).toBe('bulk-note');
    // even a click the page did not expect (a script, a stale state) removes nothing
    await remove.evaluate((b) => {
      (b as HTMLButtonElement).disabled = false;
      (b as HTMLButtonElement).click();
    });
    expect(await page.locator('#confirm').isVisible()).toBe(false);
    expect(await suite.served.queue.failedCount('sieve')).toBe(4);

    // the search cleared: the whole state, as the confirmation says
    await page.locator('#search').fill('');
    await page.locator('#search').press('Enter');
    await page.locator('#bulk-note').waitFor({ state: 'hidden' });
    await expect.poll(() => remove.isEnabled()).toBe(true);
    await remove.click();
    expect(await page.locator('#confirm-text').textContent()).toBe(
      'Remove 4 failed sieve jobs? This cannot be undone.',
    );
    await page.keyboard.press('Escape');
    expect(await suite.served.queue.failedCount('sieve')).toBe(4);
  });
});

describe('paging', () => {
  it('neither skips nor repeats jobs when jobs enter or leave above the loaded pages', async () => {
    const type = 'shift';
    await suite.served.queue.createMany(
      Array.from({ length: 150 }, (_, i) => ({ type, data: { title: `shift ${i}` } })),
    );
    const p = await suite.open(`./?state=inactive&type=${type}`);
    const page = p.page;
    await expect.poll(() => page.locator('#jobs > li').count()).toBe(50);

    // Jobs created just before the server reads the second page: the page counts them, and their
    // events reach the list only after the page is placed (their reads are held a moment).
    let reads = 0;
    const holdJobReads = async (route: Route) => {
      await new Promise((r) => setTimeout(r, 1_500));
      await route.continue();
    };
    await page.route(/\/job\/\d+$/, holdJobReads);
    await page.route(laterPage(type), async (route: Route) => {
      reads++;
      if (reads === 1) {
        await suite.served.queue.createMany(
          Array.from({ length: 3 }, (_, i) => ({ type, data: { title: `new ${i}` } })),
        );
        await route.continue();
        return;
      }
      if (reads === 2) {
        // the server reads this page, then a job at the top is removed and its card goes
        const response = await route.fetch();
        const [top] = await cardIds(page);
        await suite.served.queue.remove([top!]);
        await page.locator(`#jobs > li[data-id="${top}"]`).waitFor({ state: 'detached' });
        await route.fulfill({ response });
        return;
      }
      await route.continue();
    });
    await expect
      .poll(
        async () => {
          await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
          return page.locator('#list-end').textContent();
        },
        { timeout: 20_000 },
      )
      .toBe('End of list.');
    expect(reads).toBeGreaterThanOrEqual(2);
    const expected = await serverIds(`jobs/${type}/inactive/0..999/desc`);
    expect(expected).toHaveLength(152);
    await expect.poll(() => cardIds(page), { timeout: 10_000 }).toEqual(expected);
    await page.unroute(/\/job\/\d+$/, holdJobReads);
  }, 60_000);
});

describe('after an outage', () => {
  it('reloads the list and clears the banner once the stream is back', async () => {
    // streams here end every 2 s and the page reconnects: a reconnection the test can refuse
    const quick = await serveApp('edgekue outage', {}, { maxLifetimeMs: 2_000 });
    let p: TestPage | undefined;
    try {
      const [made] = await quick.queue.createMany([
        { type: 'back', data: { title: 'Still here' } },
      ]);
      p = await openPage(suite.browser, new URL('./?state=active', quick.url).href);
      const page = p.page;
      await expect.poll(() => page.locator('#list-end').textContent()).toBe('No jobs here.');
      // the server goes away: every call of the API and the stream is refused
      const down = (route: Route) => route.abort('connectionrefused');
      const api = (url: URL) => !url.pathname.startsWith('/_dashboard/') && url.pathname !== '/';
      await page.route(api, down);
      await page.locator('#live:not([data-status=live])').waitFor({ timeout: 15_000 });
      await page.locator('#tab-inactive').click();
      await page.getByRole('button', { name: 'Retry loading' }).waitFor({ timeout: 10_000 });
      await page.locator('#banner:visible').waitFor();
      expect(await page.locator('#banner-text').textContent()).toContain('Cannot reach the server');

      // back: the list loads and the banner goes, without a click
      await page.unroute(api, down);
      await page.locator('#live[data-status=live]').waitFor({ timeout: 15_000 });
      await page.locator(`#jobs > li[data-id="${made!.id}"]`).waitFor({ timeout: 5_000 });
      expect(await page.getByRole('button', { name: 'Retry loading' }).count()).toBe(0);
      await expect
        .poll(() => page.locator('#list-summary').textContent())
        .toBe('Showing 1 of 1 queued job');
      await page.locator('#banner').waitFor({ state: 'hidden', timeout: 2_000 });
    } finally {
      await p?.context.close();
      await quick.close();
    }
    // the refused calls are reported by the browser; those are expected
    expect(p?.errors.filter((e) => !e.includes('ERR_CONNECTION_REFUSED'))).toEqual([]);
  }, 60_000);
});
