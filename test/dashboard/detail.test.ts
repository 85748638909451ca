// An open detail of a running job while it runs: read again as progress and log lines come, and
// updated in place. The real app in headless Chromium, as in dashboard.test.ts.
import { describe, expect, it } from 'vitest';
import { browserSuite, claim } from './harness.js';

const suite = browserSuite('edgekue detail');

describe('an open detail of a running job', () => {
  it('keeps its log scroll, focus and an unapplied pick as the job is read again', async () => {
    const queue = suite.served.queue;
    const [made] = await queue.createMany([{ type: 'long', data: { title: 'Long run' } }]);
    const id = made!.id!;
    expect(await claim(queue, 'long')).toBe(id);
    const lines = Array.from({ length: 80 }, (_, i) => `step ${i}`);
    await queue.touch([{ id, token: 't', logs: lines }]);

    const { page } = await suite.open('./?state=active&type=long');
    const card = page.locator(`#jobs > li[data-id="${id}"]`);
    await card.locator('.job-head').click();
    const log = card.locator('.detail .log');
    await expect.poll(() => log.locator('li').count(), { timeout: 10_000 }).toBe(80);
    // the user scrolls the log, and picks a priority without applying it, the select focused
    await log.evaluate((el) => {
      el.scrollTop = 200;
      (el.querySelector('li') as HTMLElement & { kept?: boolean }).kept = true;
    });
    const priority = card.locator('select[data-action=priority]');
    await priority.selectOption('high');
    await priority.focus();
    const set = card.locator('button[data-action=apply][data-field=priority]');
    expect(await set.isVisible()).toBe(true);

    // the job reports progress and writes lines: the detail is read again, more than once
    for (let i = 1; i <= 3; i++) {
      await queue.touch([{ id, token: 't', progress: [i * 20], logs: [`more ${i}`] }]);
      await expect
        .poll(() => log.locator('li').last().textContent(), { timeout: 15_000 })
        .toBe(`more ${i}`);
    }
    await expect
      .poll(() => card.locator('.detail [role=progressbar]').getAttribute('aria-valuenow'))
      .toBe('60');
    expect(await log.evaluate((el) => el.scrollTop)).toBe(200);
    expect(
      await log.evaluate((el) => (el.querySelector('li') as HTMLElement & { kept?: boolean }).kept),
    ).toBe(true);
    expect(await priority.inputValue()).toBe('high');
    expect(await set.isVisible()).toBe(true);
    expect(
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.action),
    ).toBe('priority');
    // nothing was sent: the job keeps its priority until Set
    expect((await queue.getJob(id)).priority()).toBe(0);
  }, 60_000);
});
