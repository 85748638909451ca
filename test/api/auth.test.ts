import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorSchema } from '../../functions/api/schema.js';
import { isLoopback } from '../../functions/auth/index.js';
import { routeCases, runRouteTable, type Send } from './cases.js';
import { dropQueue, keyspace, newQueue, type TestApp, testApp } from './support.js';

const token = 'a-token-of-32-characters-exactly';
const user = 'admin';
const password = 'correct horse battery';
const basicHeader = (u: string, p: string) =>
  `Basic ${Buffer.from(`${u}:${p}`, 'utf8').toString('base64')}`;

const queue = newQueue();
afterAll(() => dropQueue(queue));

/** Every route of the table (ids need not exist: auth answers first), plus the dashboard's. */
const everyRoute = [
  ...routeCases({ type: 'email', ids: ['1', '2', '3'] }).map((c) => [c.method, c.path] as const),
  ['GET', '/'],
  ['GET', '/?state=failed'],
  ['GET', '/_dashboard/app.js'],
  ['GET', '/no/such/route'],
] as const;

function sender(t: TestApp): Send {
  return async (method, path, init = {}) =>
    t.app.request(path, { method, headers: init.headers, body: init.body });
}

async function expectAllRefused(t: TestApp, status: 401 | 403, headers: Record<string, string>) {
  const before = await keyspace(queue);
  for (const [method, path] of everyRoute) {
    const res = await t.app.request(path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: method === 'GET' || method === 'DELETE' ? undefined : '{"type":"x"}',
    });
    expect(res.status, `${method} ${path}`).toBe(status);
    expect(errorSchema.parse(await res.json()).error.length).toBeGreaterThan(10);
    if (status === 401) expect(res.headers.get('www-authenticate')).toMatch(/realm="edgekue"/);
  }
  expect(await keyspace(queue)).toEqual(before);
}

describe('with a bearer token configured', () => {
  let t: TestApp;
  beforeAll(() => {
    t = testApp(
      { EDGEKUE_AUTH_TOKEN: token },
      { dashboard: undefined, remoteAddress: () => '203.0.113.9' },
      queue,
    );
  });

  it('every route answers 401 without credentials, or with wrong ones', async () => {
    await expectAllRefused(t, 401, {});
    await expectAllRefused(t, 401, { authorization: `Bearer ${token}x` });
    await expectAllRefused(t, 401, { authorization: `Bearer ${token.slice(0, -1)}` });
    await expectAllRefused(t, 401, { authorization: token });
    await expectAllRefused(t, 401, { authorization: basicHeader('admin', token) });
  });

  it('asks for a bearer token', async () => {
    const res = await t.app.request('/stats');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="edgekue"');
  });

  it('serves every route with the token, from any address', async () => {
    expect(await runRouteTable(sender(t), { authorization: `Bearer ${token}` })).toBeGreaterThan(
      20,
    );
    const page = await t.app.request('/', { headers: { authorization: `bearer ${token}` } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('with basic auth configured', () => {
  let t: TestApp;
  beforeAll(() => {
    t = testApp(
      { EDGEKUE_AUTH_USER: user, EDGEKUE_AUTH_PASSWORD: password },
      { remoteAddress: () => '203.0.113.9' },
      queue,
    );
  });

  it('every route answers 401 without credentials, or with wrong ones', async () => {
    await expectAllRefused(t, 401, {});
    await expectAllRefused(t, 401, { authorization: basicHeader(user, `${password}!`) });
    await expectAllRefused(t, 401, { authorization: basicHeader('root', password) });
    await expectAllRefused(t, 401, { authorization: 'Basic !!!not-base64' });
    await expectAllRefused(t, 401, { authorization: `Bearer ${password}` });
  });

  it('asks the browser for a password', async () => {
    const res = await t.app.request('/');
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="edgekue", charset="UTF-8"');
  });

  it('serves every route with the user and password', async () => {
    const headers = { authorization: basicHeader(user, password) };
    expect(await runRouteTable(sender(t), headers)).toBeGreaterThan(20);
  });
});

describe('with both configured', () => {
  it('either credential is accepted', async () => {
    const t = testApp(
      { EDGEKUE_AUTH_TOKEN: token, EDGEKUE_AUTH_USER: user, EDGEKUE_AUTH_PASSWORD: password },
      { remoteAddress: () => '203.0.113.9' },
      queue,
    );
    expect((await t.app.request('/stats')).status).toBe(401);
    const bearer = await t.app.request('/stats', { headers: { authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(200);
    const basic = await t.app.request('/stats', {
      headers: { authorization: basicHeader(user, password) },
    });
    expect(basic.status).toBe(200);
  });
});

describe('with no credentials configured', () => {
  it('refuses every route to a remote client with 403, explaining how to configure auth, and logs it once', async () => {
    const t = testApp({}, { remoteAddress: () => '203.0.113.9', dashboard: undefined }, queue);
    await expectAllRefused(t, 403, {});
    const res = await t.app.request('/stats');
    expect(errorSchema.parse(await res.json()).error).toMatch(
      /EDGEKUE_AUTH_TOKEN.*EDGEKUE_AUTH_USER and EDGEKUE_AUTH_PASSWORD/,
    );
    expect(t.log.lines.filter((l) => l.startsWith('warn'))).toHaveLength(1);
  });

  it('refuses a client whose address is unknown', async () => {
    const t = testApp({}, { remoteAddress: undefined }, queue);
    expect((await t.app.request('/stats')).status).toBe(403);
  });

  it('serves loopback clients', async () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '[::1]']) {
      const t = testApp({}, { remoteAddress: () => address }, queue);
      expect((await t.app.request('/stats')).status, address).toBe(200);
    }
    const t = testApp({}, {}, queue);
    expect(await runRouteTable(sender(t))).toBeGreaterThan(20);
  });

  it('refuses a loopback connection that forwards a remote client (a local proxy)', async () => {
    const t = testApp({}, { remoteAddress: () => '127.0.0.1' }, queue);
    for (const headers of <Record<string, string>[]>[
      { 'x-forwarded-for': '203.0.113.9' },
      { 'x-forwarded-for': '127.0.0.1, 203.0.113.9' },
      { 'x-real-ip': '203.0.113.9' },
      { forwarded: 'for=203.0.113.9;proto=https' },
      { 'cf-connecting-ip': '2001:db8::1' },
    ]) {
      expect((await t.app.request('/stats', { headers })).status, JSON.stringify(headers)).toBe(
        403,
      );
    }
    const local = await t.app.request('/stats', { headers: { 'x-forwarded-for': '127.0.0.1' } });
    expect(local.status).toBe(200);
  });
});

describe('POST /work', () => {
  it('is mounted outside the API auth and gets the raw request', async () => {
    const seen: string[] = [];
    const t = testApp(
      { EDGEKUE_AUTH_TOKEN: token },
      {
        remoteAddress: () => '203.0.113.9',
        work: async (req, ctx) => {
          seen.push(`${req.method} ${new URL(req.url).pathname} ${await req.text()}`);
          ctx.waitUntil(Promise.resolve());
          return new Response('worked', { status: 202 });
        },
      },
      queue,
    );
    const res = await t.app.request('/work', { method: 'POST', body: 'wake' });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('worked');
    expect(seen).toEqual(['POST /work wake']);
    expect((await t.app.request('/work')).status).toBe(401);
  });
});

describe('CORS', () => {
  it('is off unless origins are listed', async () => {
    const t = testApp({}, {}, queue);
    const res = await t.app.request('/stats', { headers: { origin: 'https://app.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers listed origins, preflight included, and no others', async () => {
    const t = testApp(
      {
        EDGEKUE_CORS_ORIGINS: 'https://app.example, https://ops.example',
        EDGEKUE_AUTH_TOKEN: token,
      },
      { remoteAddress: () => '203.0.113.9' },
      queue,
    );
    const preflight = await t.app.request('/job', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://ops.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://ops.example');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const other = await t.app.request('/stats', {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` },
    });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('isLoopback', () => {
  it('knows loopback addresses from others', () => {
    for (const a of [
      '127.0.0.1',
      '127.255.255.254',
      '::1',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
    ]) {
      expect(isLoopback(a), a).toBe(true);
    }
    for (const a of [
      undefined,
      '',
      '10.0.0.1',
      '128.0.0.1',
      '127.0.0.256',
      '127.0.0',
      '::2',
      'localhost',
      '1127.0.0.1',
    ]) {
      expect(isLoopback(a), String(a)).toBe(false);
    }
  });
});
