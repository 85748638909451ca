import { Redis } from '@upstash/redis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createQueue } from '../../core/index.js';
import { errorSchema } from '../../functions/api/schema.js';
import { dropQueue, newQueue, testApp } from './support.js';

const queue = newQueue();
afterAll(() => dropQueue(queue));

describe('server-side failures', () => {
  it('an unreachable Redis answers 503 {error} without its details, and logs them', async () => {
    // a port nothing listens on (the discard port), spoken to with a real client
    const redis = new Redis({ url: 'http://127.0.0.1:9', token: 'x', retry: { retries: 0 } });
    const down = createQueue({ redis }, { prefix: 'down' });
    const t = testApp({}, {}, down);
    for (const [method, path, body] of [
      ['GET', '/stats', undefined],
      ['GET', '/job/5', undefined],
      ['POST', '/job', { type: 'email' }],
    ] as const) {
      const res = await t.send(method, path, body);
      expect(res.status, path).toBe(503);
      expect(errorSchema.parse(await res.json())).toEqual({
        error: 'Redis is unavailable, retry later',
      });
    }
    expect(t.log.lines.filter((l) => l.startsWith('error'))).toHaveLength(3);
    expect(t.woken).toEqual([]);
  });

  it("logs a refused Redis call without the client's echo of the command (job data, secrets)", async () => {
    // the bridge refuses the token: @upstash/redis ends its error with the whole request
    const redis = new Redis({ url: inject('bridgeUrl'), token: 'wrong-token', retry: false });
    const refused = createQueue({ redis }, { prefix: 'refused' });
    const logged: unknown[] = [];
    const t = testApp({}, { log: { warn: () => {}, error: (m, e) => logged.push(m, e) } }, refused);
    const res = await t.send('POST', '/job', { type: 'email', data: { apiKey: 'sk-SECRET-123' } });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(logged.length).toBeGreaterThan(0);
    const text = logged
      .map((e) => {
        const parts: string[] = [];
        for (let x: unknown = e; x !== undefined; x = (x as Error).cause) {
          parts.push(x instanceof Error ? `${x.message}\n${x.stack}` : String(x));
          if (!(x instanceof Error)) break;
        }
        return parts.join('\n');
      })
      .join('\n');
    expect(text).toMatch(/unauthori[sz]ed|401|token/i);
    expect(text).not.toContain('sk-SECRET-123');
    expect(text).not.toContain('command was');
  });

  it("logs a call to a REST URL with a path without Redis' echo of the request", async () => {
    // /v2/pipeline reaches Redis as the unknown command `v2`, which Redis echoes with its args
    const redis = new Redis({
      url: `${inject('bridgeUrl')}/v2`,
      token: inject('bridgeToken'),
      retry: false,
    });
    const pathed = createQueue({ redis }, { prefix: 'pathed' });
    const logged: unknown[] = [];
    const t = testApp({}, { log: { warn: () => {}, error: (m, e) => logged.push(m, e) } }, pathed);
    const res = await t.send('POST', '/job', { type: 'email', data: { apiKey: 'sk-SECRET-456' } });
    expect(res.status).toBeGreaterThanOrEqual(500);
    const text = logged
      .map((e) => (e instanceof Error ? `${e.message}\n${e.stack}\n${String(e.cause)}` : String(e)))
      .join('\n');
    expect(text).toContain("unknown command 'v2'");
    expect(text).not.toContain('sk-SECRET-456');
    expect(text).not.toContain('with args beginning with');
  });

  it('an unexpected error answers 500 {error: internal error} with no stack, and is logged', async () => {
    const t = testApp({}, {}, queue);
    queue.stats = async () => {
      throw new TypeError('secret detail at /srv/app.js:1');
    };
    const res = await t.send('GET', '/stats');
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('{"error":"internal error"}');
    expect(t.log.lines).toEqual([
      'error GET /stats: unexpected error secret detail at /srv/app.js:1',
    ]);
  });

  it('a failing wake-up is logged and does not fail the create', async () => {
    const t = testApp(
      {},
      { wake: (_jobs, ctx) => ctx.waitUntil(Promise.reject(new Error('nope'))) },
      queue,
    );
    const res = await t.send('POST', '/job', { type: 'wakes' });
    expect(res.status).toBe(200);
    await new Promise((r) => setImmediate(r));
    expect(t.log.lines).toEqual(['error background task failed nope']);
  });
});
