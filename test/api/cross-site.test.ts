import { afterAll, describe, expect, it } from 'vitest';
import { errorSchema } from '../../functions/api/schema.js';
import { routeCases } from './cases.js';
import { dropQueue, keyspace, type TestApp, testApp } from './support.js';

/** What a browser sends with a request another site's page makes it send. */
const fromEvil = { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' };

const t = testApp();
const trusted = testApp({ EDGEKUE_CORS_ORIGINS: 'https://ops.example.com' });
afterAll(async () => {
  await dropQueue(t.queue);
  await dropQueue(trusted.queue);
});

async function failedJob(app: TestApp): Promise<string> {
  const { id } = await app.queue.create('mail', {}).save();
  if (id === undefined) throw new Error('not saved');
  await app.queue.setState([id], 'failed');
  return id;
}

const send = (app: TestApp, method: string, path: string, headers: Record<string, string>) =>
  app.app.request(path, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' || method === 'DELETE' ? undefined : '{}',
  });

describe('requests another site makes a browser send', () => {
  it('are refused with 403 on every route that changes state, and change nothing', async () => {
    await failedJob(t);
    const cases = routeCases({ type: 'mail', ids: ['1', '2', '3'] });
    const changing = cases.filter((c) => c.method !== 'GET' || c.path.startsWith('/inactive/'));
    expect(changing.length).toBeGreaterThan(8);
    const before = await keyspace(t.queue);
    for (const c of changing) {
      for (const headers of <Record<string, string>[]>[
        { ...fromEvil, 'content-type': 'text/plain' },
        { 'sec-fetch-site': 'same-site', origin: 'http://other.localhost' },
        // a browser too old for Sec-Fetch-Site still sends Origin
        { origin: 'http://evil.example' },
        { origin: 'null' },
      ]) {
        const res = await send(t, c.method, c.path, headers);
        expect(res.status, `${c.method} ${c.path} ${JSON.stringify(headers)}`).toBe(403);
        expect(errorSchema.parse(await res.json()).error).toMatch(/EDGEKUE_CORS_ORIGINS/);
      }
    }
    expect(await keyspace(t.queue)).toEqual(before);
  });

  it('still read: GET routes other than Kue’s /inactive/:id answer (CORS decides who may read)', async () => {
    for (const path of ['/stats', '/job/types', '/jobs/0..10', '/events?since=0-0&type=x']) {
      const res = await send(t, 'GET', path, fromEvil);
      expect(res.status, path).toBe(200);
      await res.body?.cancel();
    }
  });

  it('pass from this site, from no site (curl, a server) and from an origin EDGEKUE_CORS_ORIGINS lists', async () => {
    const id = await failedJob(t);
    const retry = (app: TestApp, headers: Record<string, string>) =>
      send(app, 'POST', '/jobs/failed/retry?type=mail', headers);
    expect((await retry(t, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await t.queue.getJob(id))?.state()).toBe('inactive');

    await t.queue.setState([id], 'failed');
    expect((await retry(t, { 'sec-fetch-site': 'none' })).status).toBe(200);
    await t.queue.setState([id], 'failed');
    expect((await retry(t, {})).status).toBe(200);
    await t.queue.setState([id], 'failed');
    // an old browser on this very host (the Host the request came to)
    expect((await retry(t, { origin: 'http://localhost', host: 'localhost' })).status).toBe(200);

    const other = await failedJob(trusted);
    const listed = { origin: 'https://ops.example.com', 'sec-fetch-site': 'cross-site' };
    expect((await retry(trusted, listed)).status).toBe(200);
    expect((await trusted.queue.getJob(other))?.state()).toBe('inactive');
    const res = await send(trusted, 'GET', `/inactive/${other}`, fromEvil);
    expect(res.status).toBe(403);
  });
});
