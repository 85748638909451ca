import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { JOB_FIELDS } from '../../core/job-fields.js';
import { idSetBucket, queueKeys } from '../../core/keys.js';
import { scripts } from '../../core/scripts/index.generated.js';
import { ack, claim, newQueue, raw } from './helpers.js';

describe('scripts', () => {
  it('the generated module is in step with core/scripts/*.lua', () => {
    // exits non-zero (and the call throws) when someone edited a .lua without regenerating
    execFileSync('node', ['infra/build/gen-scripts.mjs', '--check'], { stdio: 'pipe' });
  });

  it('SCRIPT LOAD of every script answers the SHA the code will EVALSHA', async () => {
    for (const s of Object.values(scripts)) {
      expect(await raw.scriptLoad(s.source), s.name).toBe(s.sha);
    }
  });

  it('lib/keys.lua builds the same key names as core/keys.ts', async () => {
    const queue = newQueue();
    const input = {
      id: '4242',
      type: 'video conversion',
      state: 'failed',
      word: 'naïve',
      minute: 7,
    };
    const lua = await queue.scripts.run<Record<string, string>>('read-keys', input);
    const k = queueKeys(queue.prefix);
    expect(lua).toEqual({
      ids: k.ids,
      job: k.job('4242'),
      log: k.log('4242'),
      state: k.state('failed'),
      bucket: idSetBucket(k.state('failed'), '4242'),
      typeState: k.typeState('video conversion', 'failed'),
      queue: k.queue('video conversion'),
      delayed: k.delayed,
      leases: k.leases,
      types: k.types,
      unique: k.unique,
      search: k.search('naïve'),
      events: k.events,
      paused: k.paused,
      stats: k.stats,
      throughput: k.throughput(7),
      request: k.request('naïve'),
      fields: JOB_FIELDS,
    });
  });

  it('a job hash keeps short names and times after creation, and reads back as Kue named them', async () => {
    const queue = newQueue({ disableSearch: true });
    const job = await queue.create('email', { to: 'a' }).save();
    const [claimed] = await claim(queue, ['email']);
    await ack(queue, [{ id: claimed!.id, ok: true, result: { sent: 1 } }]);
    const stored = (await raw.hgetall<Record<string, unknown>>(queue.keys.job(job.id!))) ?? {};
    // no Kue name, no id (the key has it), no progress (a complete job's is 100)
    expect(Object.keys(stored).sort()).toEqual(['a', 'b', 'c', 'd', 'du', 'r', 's', 't', 'u', 'w']);
    const created = Number(stored.c);
    expect(Number(stored.u)).toBeGreaterThanOrEqual(Number(stored.b));
    expect(Number(stored.b)).toBeLessThan(60_000);
    const read = await queue.getJob(job.id!);
    expect(read.toJSON()).toMatchObject({
      id: job.id,
      state: 'complete',
      progress: 100,
      result: { sent: 1 },
      created_at: String(created),
      started_at: String(created + Number(stored.b)),
      updated_at: String(created + Number(stored.u)),
      attempts: { made: 1, remaining: 0, max: 1 },
    });
  });

  it('falls back to EVAL after SCRIPT FLUSH (NOSCRIPT) and keeps working', async () => {
    const queue = newQueue();
    await queue.create('a', {}).save();
    await raw.scriptFlush();
    const job = await queue.create('a', { n: 2 }).save();
    expect(job.id).toBe('2');
    expect(await queue.inactiveCount()).toBe(2);
  });
});
