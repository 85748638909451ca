// The route table and the malformed requests again, through the real Worker bundle in workerd
// (Miniflare): the same shapes and the same refusals from both entry points.
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Queue } from '../../core/index.js';
import { bootWorker, buildWorker } from '../../infra/build/workerd-bundle.js';
import { badCases, runBadCases } from './bad-cases.js';
import { runRouteTable, type Send } from './cases.js';
import { dropQueue, keyspace, raw } from './support.js';

const token = 'worker-routes-token-0123456789';
const prefix = `wr_${Date.now().toString(36)}`;
const queue = new Queue(raw, { prefix });
let mf: Miniflare | undefined;
let send: Send;

beforeAll(async () => {
  const script = await buildWorker();
  const booted = await bootWorker(script, {
    UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
    UPSTASH_REDIS_REST_TOKEN: inject('bridgeToken'),
    EDGEKUE_PREFIX: prefix,
    EDGEKUE_AUTH_TOKEN: token,
  });
  mf = booted.mf;
  send = (method, path, init = {}) =>
    fetch(new URL(path, booted.url), { method, headers: init.headers, body: init.body });
}, 180_000);

afterAll(async () => {
  await mf?.dispose();
  await dropQueue(queue);
});

const auth = { authorization: `Bearer ${token}` };

describe('the API in workerd', () => {
  it(`answers ${badCases.length} malformed requests with 4xx {error}, Redis unchanged`, async () => {
    const jobs = await queue.createMany([
      { type: 'email', data: { to: 'a@example.com' } },
      { type: 'video', data: { n: 1 }, options: { delay: 60_000 } },
    ]);
    await jobs[0]!.log('hello');
    const before = await keyspace(queue);
    expect(await runBadCases(send, auth)).toEqual([]);
    expect(await keyspace(queue)).toEqual(before);
  });

  it('answers 401 without the token', async () => {
    for (const path of ['/stats', '/job/1', '/jobs/0..9', '/', '/openapi.json']) {
      const res = await send('GET', path);
      expect(res.status, path).toBe(401);
      expect(await res.json()).toHaveProperty('error');
    }
  });

  it('serves every route of the table in its documented shape', async () => {
    expect(await runRouteTable(send, auth)).toBeGreaterThanOrEqual(29);
  });
});
