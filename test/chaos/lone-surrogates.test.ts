// Regression (found by the abuse run): Redis' cjson refuses an escaped lone UTF-16 surrogate,
// and JSON.stringify writes one as such an escape. A job type holding one made POST /job answer
// 503; a log line or a handler's error text holding one failed the whole touch or ack call, so
// every job of the batch lost its lease extensions or its settlement. Types are now refused at
// validation, and other text travels with U+FFFD in place of the lone surrogate.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ValidationError } from '../../core/index.js';
import { createApp } from '../../functions/app.js';
import { envSchema } from '../../functions/config.js';
import { HandlerRegistry, runBatch } from '../../worker-handlers/index.js';
import { chaosQueue } from './lib/queue.js';
import { chaosPrefix } from './lib/stack.js';

const queue = chaosQueue({
  url: inject('bridgeUrl'),
  token: inject('bridgeToken'),
  prefix: chaosPrefix('surrogates'),
});
afterAll(() => queue.close());

describe('lone surrogates', () => {
  it('are refused in a job type (400 from the API, not 503)', async () => {
    await expect(queue.create('odd \ud800', {}).save()).rejects.toBeInstanceOf(ValidationError);
    const app = createApp({
      queue,
      config: envSchema.parse({
        UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
        UPSTASH_REDIS_REST_TOKEN: inject('bridgeToken'),
        EDGEKUE_AUTH_TOKEN: 'a-token-of-sixteen-or-more',
      }),
      dashboard: false,
      log: { warn: () => {}, error: () => {} },
    });
    const res = await app.request('/job', {
      method: 'POST',
      headers: {
        authorization: 'Bearer a-token-of-sixteen-or-more',
        'content-type': 'application/json',
      },
      body: '{"type":"odd \\ud800","data":{"s":"\\udfff"}}',
    });
    expect(res.status).toBe(400);
  });

  it('are kept as data, exactly', async () => {
    const job = await queue.create('surrogate-data', { s: 'a\ud800b' }).save();
    expect((await queue.getJob(job.id!)).data).toEqual({ s: 'a\ud800b' });
  });

  it('in a log line, reach the log as U+FFFD', async () => {
    const job = await queue.create('surrogate-log', {}).save();
    await job.log('half \udc00 a pair');
    expect(await queue.logs(job.id!)).toEqual(['half \ufffd a pair']);
  });

  it("in a handler's log and error, settle the batch's jobs anyway", async () => {
    const ok = await queue.create('surrogate-run', { ok: true }).save();
    const bad = await queue.create('surrogate-run', { ok: false }).save();
    const registry = new HandlerRegistry().process('surrogate-run', async (job) => {
      job.log('running \ud83d');
      if (!(job.data as { ok: boolean }).ok) throw new Error('broke \udead here');
      return 'done';
    });
    const r = await runBatch(queue, registry, { budgetMs: 10_000 });
    expect([r.completed, r.failed, r.lost]).toEqual([1, 1, 0]);
    expect((await queue.getJob(ok.id!)).state()).toBe('complete');
    const failed = await queue.getJob(bad.id!);
    expect([failed.state(), failed.error]).toEqual(['failed', 'broke \ufffd here']);
    expect(await queue.logs(bad.id!)).toContain('running \ufffd');
  });
});
