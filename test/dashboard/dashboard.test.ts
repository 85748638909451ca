// The dashboard end to end: the real app (createApp, basic auth) over the shared test bridge,
// driven in headless Debian Chromium. Every test opens its own page and fails on any console
// error or uncaught exception in it. Screenshots go to test-results/dashboard/.
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { KueStats } from '../../core/index.js';
import { HandlerRegistry, runBatch } from '../../worker-handlers/index.js';
import {
  browserSuite,
  claim,
  openPage,
  screenshotDir,
  serveApp,
  settle,
  type TestPage,
} from './harness.js';

const suite = browserSuite('edgekue test');

async function open(path: string): Promise<Page> {
  return (await suite.open(path)).page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${screenshotDir}/${name}.png`, fullPage: true });

const cardIds = (page: Page) =>
  page
    .locator('#jobs > li')
    .evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.id ?? ''));

const card = (page: Page, id: string) => page.locator(`#jobs > li[data-id="${id}"]`);

async function create(type: string, data: unknown, options = {}): Promise<string> {
  const job = suite.served.queue.create(type, data);
  if (Object.keys(options).length) {
    const [made] = await suite.served.queue.createMany([{ type, data, options }]);
    return made!.id!;
  }
  await job.save();
  return job.id!;
}

async function stateOf(id: string): Promise<string | undefined> {
  return (await suite.served.queue.getJob(id)).state();
}

describe('dashboard', () => {
  it('counts on the tabs match /stats', async () => {
    for (let i = 0; i < 4; i++) await create('count', { title: `queued ${i}` });
    await create('count', { title: 'later' }, { delay: 3_600_000 });
    await create('count', { title: 'later too' }, { delay: 3_600_000 });
    const active = await claim(suite.served.queue, 'count');
    await settle(suite.served.queue, await claim(suite.served.queue, 'count'), {
      result: { ok: true },
    });
    await settle(suite.served.queue, await claim(suite.served.queue, 'count'), {
      error: 'Error: nope',
    });
    expect(await stateOf(active)).toBe('active');

    const page = await open('./');
    await page.locator('[data-count=inactive]:not(:text("–"))').waitFor();
    const stats = await suite.served.api<KueStats>('stats');
    const shown = await page
      .locator('[data-count]')
      .evaluateAll((els) =>
        Object.fromEntries(
          els.map((el) => [
            (el as HTMLElement).dataset.count,
            Number((el.textContent ?? '').replace(/\D/g, '')),
          ]),
        ),
      );
    expect(shown).toEqual({
      inactive: stats.inactiveCount,
      active: stats.activeCount,
      delayed: stats.delayedCount,
      failed: stats.failedCount,
      complete: stats.completeCount,
    });
    expect(stats).toMatchObject({ inactiveCount: 1, activeCount: 1, delayedCount: 2 });
    expect(await page.title()).toContain('edgekue test');
    await shot(page, 'counts');
  });

  it('loads pages of a 300-job state in order as the user scrolls', async () => {
    const made = await suite.served.queue.createMany(
      Array.from({ length: 300 }, (_, i) => ({ type: 'scroll', data: { title: `scroll ${i}` } })),
    );
    const ids = made.map((j) => j.id!);
    const page = await open('./?state=inactive&type=scroll&order=asc');
    await page.locator('#jobs > li').first().waitFor();
    // the first screen holds one page of 50; the rest arrive only by scrolling
    expect(await page.locator('#jobs > li').count()).toBe(50);
    for (const target of [100, 150, 200]) {
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await expect
        .poll(() => page.locator('#jobs > li').count(), { timeout: 10_000 })
        .toBeGreaterThanOrEqual(target);
    }
    const shown = await cardIds(page);
    expect(shown.length).toBeGreaterThanOrEqual(200);
    expect(shown).toEqual(ids.slice(0, shown.length));
    await expect.poll(() => page.locator('#list-summary').textContent()).toContain('of 300');
    await shot(page, 'scroll');
  });

  it('scrolls through pages the server cut short at its byte budget (large jobs)', async () => {
    // ~2 KB jobs and pages of ~20 KB: each request of 50 answers about 10, naming the rest
    const small = await serveApp('edgekue pages', { EDGEKUE_PAGE_BYTES: '20000' });
    let closing: TestPage | undefined;
    try {
      const made = await small.queue.createMany(
        Array.from({ length: 60 }, (_, i) => ({
          type: 'wide',
          data: { title: `wide ${i}`, body: 'x'.repeat(2_000) },
        })),
      );
      const p = await openPage(
        suite.browser,
        new URL('./?state=inactive&order=asc', small.url).href,
      );
      // closed before its server (afterEach would close it after: its live stream cut short)
      closing = p;
      await p.page.locator('#jobs > li').first().waitFor();
      await expect
        .poll(
          async () => {
            await p.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
            return p.page.locator('#jobs > li').count();
          },
          { timeout: 15_000 },
        )
        .toBe(60);
      expect(await cardIds(p.page)).toEqual(made.map((j) => j.id!));
    } finally {
      await closing?.context.close();
      await small.close();
    }
    expect(closing?.errors).toEqual([]);
  });

  it('moves a progress bar while progress is reported, without a reload', async () => {
    const id = await create('render', { title: 'Render the annual report' });
    expect(await claim(suite.served.queue, 'render')).toBe(id);
    const page = await open('./?state=active&type=render');
    const bar = card(page, id).locator('[role=progressbar]');
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('0');
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    await suite.served.queue.touch([{ id, token: 't', progress: [40] }]);
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 10_000 }).toBe('40');
    await suite.served.queue.touch([{ id, token: 't', progress: [80] }]);
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 10_000 }).toBe('80');
    expect(await card(page, id).locator('.pct').textContent()).toBe('80%');
    expect(await page.evaluate(() => 'notReloaded' in window)).toBe(true);
    await shot(page, 'progress');
  });

  it('searches through the API, beyond the loaded pages, and keeps the query in the URL', async () => {
    const oldest = await create('haystack', { title: 'quokka report', owner: 'ana' });
    await suite.served.queue.createMany(
      Array.from({ length: 60 }, (_, i) => ({ type: 'haystack', data: { title: `filler ${i}` } })),
    );
    const newest = await create('haystack', { title: 'quokka summary', owner: 'li' });
    const page = await open('./?state=inactive&type=haystack');
    await card(page, newest).waitFor();
    expect(await card(page, oldest).count()).toBe(0);
    await page.locator('#search').fill('quokka');
    await page.locator('#search').press('Enter');
    await expect.poll(() => cardIds(page), { timeout: 10_000 }).toEqual([newest, oldest]);
    expect(new URL(page.url()).searchParams.get('q')).toBe('quokka');
    await shot(page, 'search');

    // the URL alone reproduces the view
    const shared = await open(page.url());
    await expect.poll(() => cardIds(shared), { timeout: 10_000 }).toEqual([newest, oldest]);
    expect(await shared.locator('#search').inputValue()).toBe('quokka');

    // the server keeps the view's state: no job of another state is read to be left out
    const failed = await open('./?state=failed&type=haystack');
    const reads: string[] = [];
    failed.on('request', (r) => {
      if (/\/job\/\d+$/.test(new URL(r.url()).pathname)) reads.push(r.url());
    });
    await failed.locator('#search').fill('filler');
    await failed.locator('#search').press('Enter');
    await failed.getByText('No matching failed jobs.').waitFor({ timeout: 10_000 });
    // 60 inactive fillers match the word but not the view: each was read to be left out before
    expect(reads).toEqual([]);
  });

  it('rewrites a URL with values the view ignored to the view it shows, in place', async () => {
    // how many history entries the tab had as each page loaded (before the app's script ran)
    const p = await suite.open(`./?state=bogus&order=sideways&type=not-yet&q=${'x'.repeat(501)}`, {
      prepare: (context) =>
        context.addInitScript(() => {
          (window as unknown as { entriesAtLoad: number }).entriesAtLoad = history.length;
        }),
    });
    const page = p.page;
    const entries = () =>
      page.evaluate(() => ({
        now: history.length,
        atLoad: (window as unknown as { entriesAtLoad: number }).entriesAtLoad,
      }));
    // a type with no jobs yet is well formed: it is the filter shown, and its jobs would show live
    await expect.poll(() => new URL(page.url()).search).toBe('?type=not-yet');
    expect(await page.locator('#type-filter').inputValue()).toBe('not-yet');
    expect(await page.locator('#tab-active').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('#order').inputValue()).toBe('desc');
    expect(await page.locator('#search').inputValue()).toBe('');
    await expect.poll(() => page.locator('#list-end').textContent()).toBe('No jobs here.');
    const first = await entries();
    expect(first.now).toBe(first.atLoad);

    // a type name the API would refuse (a control character) is dropped; a padded query is trimmed
    await page.goto(
      new URL('./?state=failed&type=a%01b&order=asc&q=%20needle%20', suite.served.url).href,
    );
    await expect.poll(() => new URL(page.url()).search).toBe('?state=failed&order=asc&q=needle');
    expect(await page.locator('#type-filter').inputValue()).toBe('');
    expect((await page.locator('#search').inputValue()).trim()).toBe('needle');
    const second = await entries();
    expect(second.now).toBe(second.atLoad);
  });

  it('restarts a failed job: it leaves Failed and shows in Queued', async () => {
    const id = await create('flaky', { title: 'Charge card' });
    await claim(suite.served.queue, 'flaky');
    await settle(suite.served.queue, id, {
      error: 'Error: card declined\n    at charge (pay.ts:9:3)',
    });
    expect(await stateOf(id)).toBe('failed');

    const page = await open('./?state=failed&type=flaky');
    await expect
      .poll(() => card(page, id).locator('.error-line').textContent())
      .toBe('Error: card declined');
    await card(page, id).locator('.job-head').click();
    await expect
      .poll(() => card(page, id).locator('.stack').textContent())
      .toContain('at charge (pay.ts:9:3)');
    await shot(page, 'failed-detail');
    await card(page, id).getByRole('button', { name: 'Restart', exact: true }).click();
    await card(page, id).waitFor({ state: 'detached' });
    expect(await stateOf(id)).toBe('inactive');

    await page.keyboard.press('1');
    await card(page, id).waitFor();
    expect(new URL(page.url()).searchParams.get('state')).toBe('inactive');
    expect(await page.locator('#tab-inactive').getAttribute('aria-selected')).toBe('true');
  });

  it('shows job data as text, never as markup, and removes a job', async () => {
    const evil = '<img src=x onerror="window.pwned=1"><b>bold</b>';
    const id = await create('doomed', {
      title: evil,
      nested: { html: '<script>window.pwned=2</script>' },
    });
    const page = await open('./?state=inactive&type=doomed');
    await card(page, id).locator('.job-head').click();
    await card(page, id).locator('.tree-box').first().waitFor();
    expect(await card(page, id).locator('.title').textContent()).toBe(evil);
    expect(await card(page, id).locator('img, b, script').count()).toBe(0);
    expect(await page.evaluate(() => 'pwned' in window)).toBe(false);
    // Remove asks first: Cancel keeps the job
    await card(page, id).getByRole('button', { name: 'Remove', exact: true }).click();
    await page.locator('#confirm').waitFor();
    expect(await page.locator('#confirm-text').textContent()).toBe(
      `Remove job #${id}? This cannot be undone.`,
    );
    await page.keyboard.press('Escape');
    await page.locator('#confirm').waitFor({ state: 'hidden' });
    expect((await suite.served.queue.getJob(id)).id).toBe(id);
    await card(page, id).getByRole('button', { name: 'Remove', exact: true }).click();
    await page.locator('#confirm-ok').click();
    await card(page, id).waitFor({ state: 'detached' });
    await expect(suite.served.queue.getJob(id)).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
  });

  it('says in the detail how often a job was given back after its invocation ended', async () => {
    const id = await create('cut', { title: 'Long render' });
    const stopsOnSignal = new HandlerRegistry().process('cut', async (_job, ctx) => {
      await new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
      });
    });
    const r = await runBatch(suite.served.queue, stopsOnSignal, { budgetMs: 700, graceMs: 300 });
    expect(r.shutdown).toBe(1);
    const page = await open('./?state=inactive&type=cut');
    await card(page, id).locator('.job-head').click();
    const given = card(page, id).locator('dt', { hasText: 'Given back' });
    await given.waitFor();
    expect(await given.locator('xpath=following-sibling::dd[1]').textContent()).toBe(
      '1 time, cut by the end of an invocation',
    );
    expect(await card(page, id).locator('.log li').allTextContents()).toEqual([
      'cut short by the end of its invocation: given back without counting an attempt (1 of 3)',
    ]);
    expect(await card(page, id).locator('dt', { hasText: 'Attempts' }).count()).toBe(1);
    // a job never cut says nothing of it
    const plain = await create('cut-not', { title: 'Quick' });
    const other = await open('./?state=inactive&type=cut-not');
    await card(other, plain).locator('.job-head').click();
    await card(other, plain).locator('.log, .muted').first().waitFor();
    expect(await card(other, plain).locator('dt', { hasText: 'Given back' }).count()).toBe(0);
  });

  it('changes a priority, and the change sticks', async () => {
    const id = await create('prio', { title: 'Urgent thing' });
    const page = await open('./?state=inactive&type=prio');
    await card(page, id).locator('.job-head').click();
    await card(page, id).locator('select[data-action=priority]').selectOption('critical');
    await card(page, id).locator('button[data-action=apply][data-field=priority]').click();
    await expect
      .poll(async () => (await suite.served.queue.getJob(id)).priority(), { timeout: 10_000 })
      .toBe(-15);

    await page.reload();
    await card(page, id).locator('.job-head').click();
    const select = card(page, id).locator('select[data-action=priority]');
    await select.waitFor();
    expect(await select.inputValue()).toBe('critical');
    expect(await card(page, id).locator('.chip.prio').textContent()).toBe('critical');
  });

  it('moves a job only when asked: arrow keys on the state select send nothing, Move does', async () => {
    const id = await create('pick', { title: 'Look before moving' });
    const page = await open('./?state=inactive&type=pick');
    await card(page, id).locator('.job-head').click();
    const select = card(page, id).locator('select[data-action=state]');
    await select.waitFor();
    // a job is made active by a worker's claim only: not a target here
    expect(
      await select.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value'))),
    ).toEqual(['inactive', 'delayed', 'failed', 'complete']);
    const move = card(page, id).locator('button[data-action=apply][data-field=state]');
    expect(await move.isHidden()).toBe(true);
    await select.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => move.isVisible()).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect((await suite.served.queue.getJob(id)).state()).toBe('inactive');
    // Escape from the select closes the detail without moving anything
    await page.keyboard.press('Escape');
    await card(page, id).locator('.detail').waitFor({ state: 'detached' });
    expect((await suite.served.queue.getJob(id)).state()).toBe('inactive');

    await card(page, id).locator('.job-head').click();
    await card(page, id).locator('select[data-action=state]').selectOption('failed');
    await card(page, id).locator('button[data-action=apply][data-field=state]').click();
    await expect
      .poll(async () => (await suite.served.queue.getJob(id)).state(), { timeout: 10_000 })
      .toBe('failed');
  });

  it('filters by type, shows new jobs live, and follows the keyboard', async () => {
    const first = await create('live', { title: 'Here before the page' });
    const page = await open('./?state=inactive');
    await page.locator('#type-filter option[value=live]').waitFor({ state: 'attached' });
    await page.locator('#type-filter').selectOption('live');
    await expect.poll(() => cardIds(page)).toEqual([first]);
    expect(new URL(page.url()).searchParams.get('type')).toBe('live');
    const id = await create('live', { title: 'Arrived while watching' });
    await expect.poll(() => cardIds(page), { timeout: 10_000 }).toEqual([id, first]);
    await expect.poll(() => page.locator('#list-summary').textContent()).toContain('2 of 2');

    // from the page, not from inside the type select (keys typed there pick an option)
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('j');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`job-${id}`);
    await page.keyboard.press('Enter');
    await card(page, id).locator('.detail').waitFor();
    await page.keyboard.press('Escape');
    await card(page, id).locator('.detail').waitFor({ state: 'detached' });
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search');
    await page.keyboard.press('Escape');
    await page.keyboard.press('4');
    expect(new URL(page.url()).searchParams.get('state')).toBe('failed');
    expect(await page.locator('#tab-failed').getAttribute('aria-selected')).toBe('true');
  });

  it('retries all failed jobs of a type after a confirmation, and pauses a type', async () => {
    for (let i = 0; i < 2; i++) {
      const id = await create('batch', { title: `batch ${i}` });
      await claim(suite.served.queue, 'batch');
      await settle(suite.served.queue, id, { error: 'Error: upstream down' });
    }
    const page = await open('./?state=failed&type=batch');
    await expect.poll(() => cardIds(page)).toHaveLength(2);
    await expect.poll(() => page.locator('#type-filter').inputValue()).toBe('batch');
    await page.locator('#retry-all').click();
    await page.locator('#confirm').waitFor();
    expect(await page.locator('#confirm-text').textContent()).toBe(
      'Queue 2 failed batch jobs again?',
    );
    await page.locator('#confirm-ok').click();
    await expect.poll(() => suite.served.queue.failedCount('batch'), { timeout: 10_000 }).toBe(0);
    expect(await suite.served.queue.inactiveCount('batch')).toBe(2);
    await expect.poll(() => cardIds(page)).toEqual([]);

    const row = page.locator('.type-row[data-type=batch]');
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.locator('.chip.paused:visible').waitFor();
    const types = await suite.served.api<{ type: string; paused: boolean }[]>('types');
    expect(types.find((t) => t.type === 'batch')?.paused).toBe(true);
    await row.getByRole('button', { name: 'Resume' }).click();
    await row.locator('.chip.paused').waitFor({ state: 'hidden' });
  });

  it('says beside the list that the viewed type is paused, live, and resumes it from there', async () => {
    const id = await create('hold', { title: 'Waits while paused' });
    const page = await open('./?state=inactive&type=hold');
    await card(page, id).waitFor();
    const note = page.locator('#paused-note');
    const noteText = page.locator('#paused-text');
    const option = page.locator('#type-filter option[value=hold]');
    const resume = page.locator('#paused-resume');
    expect(await note.isHidden()).toBe(true);
    expect(await option.textContent()).toBe('hold');

    // paused elsewhere (another tab, a script): the pause event reaches the list and the select
    await suite.served.queue.pause('hold');
    await expect
      .poll(() => noteText.textContent(), { timeout: 10_000 })
      .toBe('hold is paused: its queued jobs wait until it is resumed.');
    expect(await option.textContent()).toBe('hold (paused)');
    expect(await resume.isVisible()).toBe(true);
    expect(await resume.getAttribute('aria-label')).toBe('Resume hold');
    await shot(page, 'paused-note');

    // Resume calls the API the types panel's button calls
    await resume.click();
    await expect
      .poll(
        async () =>
          (await suite.served.api<{ type: string; paused: boolean }[]>('types')).find(
            (t) => t.type === 'hold',
          )?.paused,
      )
      .toBe(false);
    await note.waitFor({ state: 'hidden' });
    expect(await option.textContent()).toBe('hold');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('type-filter');

    // all types: the note names the paused ones, with no Resume of its own
    await suite.served.queue.pause('hold');
    await note.waitFor({ timeout: 10_000 });
    await page.locator('#type-filter').selectOption('');
    await expect.poll(() => noteText.textContent()).toMatch(/^\d+ types? paused: .*\bhold\b/);
    expect(await resume.isHidden()).toBe(true);
    await suite.served.queue.resume('hold');
    await note.waitFor({ state: 'hidden', timeout: 10_000 });
  });

  it('shows a pause while the event stream is down, from the counts it polls', async () => {
    const id = await create('drift', { title: 'Paused behind an outage' });
    const p = await suite.open('./?state=inactive&type=drift', {
      // no stream from the start: nothing but the poll can bring the pause
      prepare: (context) =>
        context.route('**/events*', (route) => route.abort('connectionrefused')),
      waitLive: false,
    });
    const page = p.page;
    await page
      .locator('#live:is([data-status=reconnecting], [data-status=offline])')
      .waitFor({ timeout: 15_000 });
    await card(page, id).waitFor();
    await suite.served.queue.pause('drift');
    await expect
      .poll(() => page.locator('#paused-text').textContent(), { timeout: 15_000 })
      .toBe('drift is paused: its queued jobs wait until it is resumed.');
    expect(await page.locator('#type-filter option[value=drift]').textContent()).toBe(
      'drift (paused)',
    );
    await suite.served.queue.resume('drift');
    await page.locator('#paused-note').waitFor({ state: 'hidden', timeout: 15_000 });
    // the refused connections are reported by the browser; those are expected
    p.errors = p.errors.filter((e) => !e.includes('ERR_CONNECTION_REFUSED'));
  }, 40_000);

  it('shows API errors in a banner', async () => {
    const page = await open('./?state=inactive&type=ghost');
    await expect.poll(() => page.locator('#list-end').textContent()).toBe('No jobs here.');
    // a job removed behind the page's back: its restart answers 404 with {error}
    const id = await create('ghost', { title: 'Vanishing' });
    await card(page, id).waitFor({ timeout: 10_000 });
    await page.route('**/inactive/*', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ error: `job ${id} not found` }),
      }),
    );
    await card(page, id).locator('.job-head').click();
    await card(page, id).getByRole('button', { name: 'Restart', exact: true }).click();
    await page.locator('#banner:visible').waitFor();
    expect(await page.locator('#banner-text').textContent()).toBe(`job ${id} not found`);
    // the browser reports the 404 itself; that one is expected
    const last = suite.pages[suite.pages.length - 1]!;
    last.errors = last.errors.filter((e) => !e.includes('404'));
  });

  it('drops a job that finished while its page was on the way, not showing it active for ever', async () => {
    await create('race', { title: 'Done in transit' });
    const id = await claim(suite.served.queue, 'race');
    const page = await open('./?state=inactive&type=nothing-here');
    let held = false;
    let fulfilled = false;
    await page.route('**/jobs/race/active/**', async (route) => {
      // the server reads the page now, the job completes before the page is placed
      const response = await route.fetch();
      if (!held) {
        held = true;
        await settle(suite.served.queue, id, { result: 'done' });
        await new Promise((r) => setTimeout(r, 800));
      }
      await route.fulfill({ response });
      fulfilled = true;
    });
    await page.goto(new URL('./?state=active&type=race', suite.served.url).href);
    await expect.poll(() => fulfilled, { timeout: 10_000 }).toBe(true);
    // the page is placed with the job as the server read it, then read again
    await page.locator('#jobs:not([aria-busy])').waitFor({ state: 'attached' });
    await expect.poll(() => card(page, id).count(), { timeout: 10_000 }).toBe(0);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await card(page, id).count()).toBe(0);
  });

  it('keeps an open detail when its job changes state, until the user closes it', async () => {
    const older = await create('watch', { title: 'Still running' });
    const id = await create('watch', { title: 'Fails while read' });
    // claims take the oldest first
    expect(await claim(suite.served.queue, 'watch')).toBe(older);
    expect(await claim(suite.served.queue, 'watch')).toBe(id);
    const page = await open('./?state=active&type=watch');
    await expect.poll(() => cardIds(page)).toEqual([id, older]);
    const focused = () => page.evaluate(() => document.activeElement?.id);
    await page.keyboard.press('j');
    expect(await focused()).toBe(`job-${id}`);
    await page.keyboard.press('Enter');
    const state = card(page, id).locator('.detail select[data-action=state]');
    await expect.poll(() => state.inputValue({ timeout: 1_000 })).toBe('active');

    // the job fails while its detail is open: the detail stays, read again, showing it failed
    await settle(suite.served.queue, id, { error: 'Error: gave up\n    at work (job.ts:1:1)' });
    await expect
      .poll(() => state.inputValue({ timeout: 1_000 }), { timeout: 10_000 })
      .toBe('failed');
    await expect
      .poll(() => card(page, id).locator('.detail .stack').textContent({ timeout: 1_000 }))
      .toContain('at work (job.ts:1:1)');
    expect(await card(page, id).locator('.job-moved').textContent()).toContain('Now Failed');
    // the list no longer counts it (the server's list has one active job)
    await expect.poll(() => page.locator('#list-summary').textContent()).toContain('1 of 1');
    await shot(page, 'held-detail');

    // j/k still walk the cards, the held one included; Escape closes it and it leaves the list,
    // focus going to the card that is left
    await page.keyboard.press('j');
    expect(await focused()).toBe(`job-${older}`);
    await page.keyboard.press('k');
    expect(await focused()).toBe(`job-${id}`);
    await page.keyboard.press('Escape');
    await card(page, id).waitFor({ state: 'detached' });
    expect(await cardIds(page)).toEqual([older]);
    expect(await focused()).toBe(`job-${older}`);
  });

  it('re-reads the list while the event stream is down, in place, and stops once it is back', async () => {
    // streams here end every 2 s and the page reconnects: a reconnection the test can refuse
    const quick = await serveApp('edgekue polling', {}, { maxLifetimeMs: 2_000 });
    let p: TestPage | undefined;
    try {
      const made = await quick.queue.createMany(
        Array.from({ length: 60 }, (_, i) => ({ type: 'poll', data: { title: `poll ${i}` } })),
      );
      const ids = made.map((j) => j.id!);
      p = await openPage(suite.browser, new URL('./?state=inactive&order=asc', quick.url).href);
      const page = p.page;
      const at = (id: string) => page.locator(`#jobs > li[data-id="${id}"]`);
      await at(ids[0]!).waitFor();
      // the user reads a job part-way down the list, its detail open
      const reading = ids[20]!;
      await at(reading).locator('.job-head').click();
      await at(reading).locator('.detail select[data-action=state]').waitFor();
      await at(reading).evaluate((el) => el.scrollIntoView());
      const topOf = () => at(reading).evaluate((el) => el.getBoundingClientRect().top);
      const top = await topOf();

      // list reads ask from the list's start; page loads ask from where the last page ended
      const listReads: string[] = [];
      const countReads: string[] = [];
      page.on('request', (r) => {
        const path = new URL(r.url()).pathname;
        if (/\/jobs\/.*\/0\.\.\d+\//.test(path)) listReads.push(path);
        if (path.endsWith('/stats')) countReads.push(path);
      });
      await page.route('**/events*', (route) => route.abort('connectionrefused'));
      await page.locator('#live[data-status=reconnecting]').waitFor({ timeout: 15_000 });

      // two jobs above the one being read start running: no event says so
      expect(await claim(quick.queue, 'poll')).toBe(ids[0]);
      expect(await claim(quick.queue, 'poll')).toBe(ids[1]);
      await at(ids[0]!).waitFor({ state: 'detached', timeout: 15_000 });
      await at(ids[1]!).waitFor({ state: 'detached' });
      expect(await at(reading).locator('.detail').isVisible()).toBe(true);
      expect(Math.abs((await topOf()) - top)).toBeLessThan(2);
      // one list read per poll, at the counts' pace
      expect(listReads.length).toBeGreaterThan(0);
      expect(listReads.length).toBeLessThanOrEqual(countReads.length + 1);

      await page.unroute('**/events*');
      await page.locator('#live[data-status=live]').waitFor({ timeout: 15_000 });
      const readsWhenBack = listReads.length;
      // longer than a poll's period: no list read once the stream is back
      await new Promise((r) => setTimeout(r, 6_000));
      expect(listReads.length).toBe(readsWhenBack);
      expect(await at(reading).locator('.detail').isVisible()).toBe(true);
    } finally {
      await p?.context.close();
      await quick.close();
    }
    // the refused reconnections are reported by the browser; those are expected
    expect(p?.errors.filter((e) => !e.includes('ERR_CONNECTION_REFUSED'))).toEqual([]);
  }, 60_000);

  it('clears an outage from the banner once a call goes through again', async () => {
    await create('outage', { title: 'Behind an outage' });
    const page = await open('./?state=inactive&type=outage');
    await page.locator('.job').first().waitFor();
    const outage = (route: Route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'Redis unreachable, retry' }),
      });
    await page.route('**/jobs/outage/inactive/**', outage);
    await page.locator('#order').selectOption('asc');
    await page.locator('#banner:visible').waitFor();
    expect(await page.locator('#banner-text').textContent()).toBe('Redis unreachable, retry');
    await page.unroute('**/jobs/outage/inactive/**', outage);
    await page.getByRole('button', { name: 'Retry loading' }).click();
    await page.locator('#banner').waitFor({ state: 'hidden' });
    const last = suite.pages[suite.pages.length - 1]!;
    last.errors = last.errors.filter((e) => !e.includes('503'));
  });
});
