import { afterAll, describe, expect, it } from 'vitest';
import { runRouteTable, type Send } from './cases.js';
import { dropQueue, testApp } from './support.js';

const t = testApp();
afterAll(() => dropQueue(t.queue));

const send: Send = async (method, path, init = {}) =>
  t.app.request(path, { method, headers: init.headers, body: init.body });

describe('the route table through app.request() (Node)', () => {
  it('every route answers its documented shape', async () => {
    expect(await runRouteTable(send)).toBeGreaterThanOrEqual(29);
  });
});
