import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorSchema, jobListSchema, maxRange } from '../../functions/api/schema.js';
import { claim, dropQueue, type TestApp, testApp } from './support.js';

let t: TestApp;
let ids: string[];

async function page(path: string): Promise<string[]> {
  const r = await t.send('GET', path);
  const body = await r.json();
  expect(r.status, JSON.stringify(body)).toBe(200);
  return jobListSchema.parse(body).map((j) => j.id);
}

beforeAll(async () => {
  t = testApp();
  const jobs = await t.queue.createMany(
    Array.from({ length: 12 }, (_, i) => ({ type: i % 2 ? 'odd' : 'even', data: { i } })),
  );
  ids = jobs.map((j) => j.id!);
  // two evens become active
  await claim(t.queue, 'even', 2);
});
afterAll(() => dropQueue(t.queue));

describe('range routes', () => {
  it('from..to are inclusive ranks in id order, asc by default', async () => {
    expect(await page('/jobs/0..0')).toEqual(ids.slice(0, 1));
    expect(await page('/jobs/0..4')).toEqual(ids.slice(0, 5));
    expect(await page('/jobs/3..5/asc')).toEqual(ids.slice(3, 6));
    expect(await page('/jobs/0..11')).toEqual(ids);
  });

  it('desc counts ranks from the newest', async () => {
    expect(await page('/jobs/0..2/desc')).toEqual([...ids].reverse().slice(0, 3));
    expect(await page('/jobs/10..11/desc')).toEqual([ids[1], ids[0]]);
  });

  it('a range past the end answers what exists, or []', async () => {
    expect(await page('/jobs/10..500')).toEqual(ids.slice(10));
    expect(await page('/jobs/100..200')).toEqual([]);
  });

  it('by state and by type and state', async () => {
    const evens = ids.filter((_, i) => i % 2 === 0);
    const odds = ids.filter((_, i) => i % 2 === 1);
    expect(await page('/jobs/active/0..9')).toEqual(evens.slice(0, 2));
    expect(await page('/jobs/inactive/0..99')).toEqual([...evens.slice(2), ...odds].sort(byNumber));
    expect(await page('/jobs/odd/inactive/0..1/desc')).toEqual(odds.reverse().slice(0, 2));
    expect(await page('/jobs/even/inactive/0..0')).toEqual([evens[2]]);
    expect(await page('/jobs/even/complete/0..9')).toEqual([]);
  });

  it(`a range of more than ${maxRange} jobs, a reversed or a negative one answers 400`, async () => {
    for (const [path, message] of [
      [`/jobs/0..${maxRange}`, /^to: a range holds at most 1000 jobs/],
      [`/jobs/inactive/5..${maxRange + 5}`, /^to: a range holds at most/],
      ['/jobs/5..4', /^to: must not be below from/],
      ['/jobs/-1..4', /^from: must be a whole number/],
      ['/jobs/0..-1', /^to: must be a whole number/],
      ['/jobs/0..3/sideways', /^order: must be asc or desc/],
      ['/jobs/done/0..3', /^state: must be one of/],
    ] as const) {
      const r = await t.send('GET', path);
      expect(r.status, path).toBe(400);
      expect(errorSchema.parse(await r.json()).error).toMatch(message);
    }
    expect(await page(`/jobs/0..${maxRange - 1}`)).toEqual(ids);
  });
});

describe('pages of large jobs', () => {
  // jobs of ~30 KB with a page budget of 100 KB: a page of 10 holds about 4 of them
  const budget = 100_000;
  let big: TestApp;
  let bigIds: string[];
  beforeAll(async () => {
    big = testApp({ EDGEKUE_PAGE_BYTES: String(budget) });
    const jobs = await big.queue.createMany(
      Array.from({ length: 10 }, (_, i) => ({ type: 'big', data: `${i}`.repeat(30_000) })),
    );
    bigIds = jobs.map((j) => j.id!);
  });
  afterAll(() => dropQueue(big.queue));

  /** Follows Edgekue-Next-Range from `first` to the end: every page's ids and its size. */
  async function follow(first: string) {
    const pages: { ids: string[]; bytes: number }[] = [];
    for (let path: string | null = first; path; ) {
      const r = await big.send('GET', path);
      const text = await r.text();
      expect(r.status, text).toBe(200);
      pages.push({
        ids: jobListSchema.parse(JSON.parse(text)).map((j) => j.id),
        bytes: text.length,
      });
      const next = r.headers.get('Edgekue-Next-Range');
      path = next ? path.replace(/\d+\.\.\d+/, next) : null;
      expect(pages.length).toBeLessThan(20);
    }
    return pages;
  }

  it('a page stops at the byte budget and names the rest, which comes whole and in order', async () => {
    for (const [path, order] of [
      ['/jobs/0..9', bigIds],
      ['/jobs/inactive/0..9/desc', [...bigIds].reverse()],
      ['/jobs/big/inactive/2..9', bigIds.slice(2)],
    ] as const) {
      const pages = await follow(path);
      expect(pages.length, path).toBeGreaterThan(1);
      expect(
        pages.flatMap((p) => p.ids),
        path,
      ).toEqual(order);
      // a page goes past the budget by one job at most
      for (const p of pages) expect(p.bytes, path).toBeLessThan(budget + 40_000);
    }
  });

  it('a page within the budget has no Edgekue-Next-Range', async () => {
    const r = await big.send('GET', '/jobs/0..1');
    expect(r.headers.get('Edgekue-Next-Range')).toBeNull();
    expect(jobListSchema.parse(await r.json())).toHaveLength(2);
    // the default budget (8 MiB) holds all ten
    const whole = await t.send('GET', '/jobs/0..999');
    expect(whole.headers.get('Edgekue-Next-Range')).toBeNull();
  });
});

function byNumber(a: string | undefined, b: string | undefined): number {
  return Number(a) - Number(b);
}
