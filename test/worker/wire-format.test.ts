// What the create, claim and ack calls put on the wire: every byte crosses HTTP (billed as
// bandwidth on Upstash) and is parsed at both ends, so each call sends what the other side
// cannot tell by itself, and the jobs that come back are whole again on the worker side.
import { describe, expect, it } from 'vitest';
import {
  type EnqueueRun,
  expandEnqueueAnswer,
  JOB_FIELDS,
  Queue,
  type RedisClient,
} from '../../core/index.js';
import { scripts } from '../../core/scripts/index.generated.js';
import { ack, type ClaimRequest, claim } from '../../worker-handlers/script-calls.js';
import { testRedis } from '../support/stack.js';
import { dropAfterAll, rawJob, workerPrefix } from './helpers.js';

const scriptName = new Map<string, string>(Object.values(scripts).map((s) => [s.sha, s.name]));

/** The real client, keeping the arguments and answers of every script call. */
function recordingClient() {
  const redis = testRedis({ enableAutoPipelining: true });
  const calls: { name: string; args: string[]; answer: unknown }[] = [];
  const client: RedisClient = {
    async evalsha(sha, keys, args) {
      const answer = await redis.evalsha(sha, keys, args);
      calls.push({ name: scriptName.get(sha) ?? sha, args: args.map(String), answer });
      return answer;
    },
    // the first call of a script on a fresh Redis (NOSCRIPT): the same arguments
    async eval(script, keys, args) {
      const answer = await redis.eval(script, keys, args);
      const name = Object.values(scripts).find((s) => s.source === script)?.name ?? 'eval';
      calls.push({ name, args: args.map(String), answer });
      return answer;
    },
  };
  return { client, calls };
}

const kept = dropAfterAll();
function newQueue(label: string) {
  const { client, calls } = recordingClient();
  // search off: an entry then carries its options only
  const queue = kept(new Queue(client, { prefix: workerPrefix(label), disableSearch: true }));
  return { queue, calls };
}

const request = (over: Partial<ClaimRequest> = {}): ClaimRequest => ({
  count: 10,
  lease_ms: 60_000,
  token: 'lease-a',
  worker: 'worker-a',
  types: [{ type: 'mail', concurrency: 0 }],
  ...over,
});

/** A claimed job's hash fields as the worker's Job holds them. */
function view(job: {
  id?: string;
  state(): string | undefined;
  lease?: { token: string; until: number };
  workerId?: string;
  updated_at?: string;
  started_at?: string;
}) {
  return {
    id: job.id,
    state: job.state(),
    token: job.lease?.token,
    until: job.lease?.until,
    workerId: job.workerId,
    updated_at: job.updated_at,
    started_at: job.started_at,
  };
}

describe('wire formats of create, claim and ack', () => {
  it('createMany sends each data beside the input JSON, defaults left out, and gets runs back', async () => {
    const { queue, calls } = newQueue('wire-create');
    const data = [{ quote: 'say "hi"', back: 'c:\\dir', emoji: '✓ 🚀' }, { n: 2 }, { n: 3 }];
    const jobs = await queue.createMany([
      ...data.map((d) => ({ type: 'mail', data: d })),
      { type: 'mail', data: { n: 4 }, options: { priority: 'high', attempts: 3 } },
    ]);
    const call = calls.find((c) => c.name === 'enqueue')!;
    const input = JSON.parse(call.args[2]!) as { jobs: (string | Record<string, unknown>)[] };
    // data travel as ARGV[4...], once escaped, and are stored exactly
    expect(input.jobs.every((j) => typeof j === 'string' || j.data === undefined)).toBe(true);
    expect(call.args.slice(3).map((t) => JSON.parse(t))).toEqual([...data, { n: 4 }]);
    // a job at every default is its type alone; options that differ are sent
    expect(input.jobs.slice(0, 3)).toEqual(['mail', 'mail', 'mail']);
    expect(input.jobs[3]).toMatchObject({ priority: -10, max_attempts: 3 });
    // four consecutive new jobs in one state: one run
    expect((call.answer as EnqueueRun[]).length).toBe(1);
    for (const [i, job] of jobs.entries()) {
      const stored = await queue.getJob(job.id!);
      expect(stored.data).toEqual(i < 3 ? data[i] : { n: 4 });
      expect(stored.state()).toBe('inactive');
      expect(stored.created_at).toBe(job.created_at);
    }
    expect((await queue.getJob(jobs[0]!.id!)).attempts().max).toBe(1);
    expect((await queue.getJob(jobs[3]!.id!)).attempts().max).toBe(3);
    // a job with events off is stored so, and sends no enqueue event
    const quiet = await queue.create('mail', { quiet: true }).events(false).save();
    expect((await rawJob(queue, quiet.id!)).events).toBe('0');
    const { events } = await queue.eventStream.read('0', 100);
    expect(events.filter((e) => e.event === 'enqueue').map((e) => e.id)).toEqual(
      jobs.map((j) => j.id),
    );
  });

  it('expands runs to one row per job, matches included', () => {
    expect(
      expandEnqueueAnswer([
        [5, 2, 1, 1000, 'inactive'],
        [3, 1, 0],
        [7, 1, 1, 1000, 'delayed'],
      ]),
    ).toEqual([
      [5, 1, 1000, 'inactive'],
      [6, 1, 1000, 'inactive'],
      [3, 0],
      [7, 1, 1000, 'delayed'],
    ]);
  });

  it('a claim answers without what the caller knows, and the worker fills it in as stored', async () => {
    const { queue, calls } = newQueue('wire-claim');
    await queue.createMany([
      { type: 'mail', data: { n: 1 } },
      { type: 'mail', data: { n: 2 }, options: { ttl: 5_000 } },
    ]);
    const claimed = await claim(queue, request());
    expect(claimed.jobs).toHaveLength(2);
    const answer = calls.at(-1)!.answer as { jobs: string[][] };
    const fieldsOf = (flat: string[]) => flat.filter((_, i) => i % 2 === 0);
    const plain = fieldsOf(answer.jobs[0]!);
    const ttl = fieldsOf(answer.jobs[1]!);
    for (const left of [JOB_FIELDS.state, JOB_FIELDS.lease, JOB_FIELDS.workerId]) {
      expect(plain).not.toContain(left);
      expect(ttl).not.toContain(left);
    }
    expect(plain).not.toContain(JOB_FIELDS.updated_at);
    expect(plain).not.toContain(JOB_FIELDS.lease_until);
    // a ttl shorter than the lease ends it sooner: that lease_until is in the answer
    expect(ttl).toContain(JOB_FIELDS.lease_until);
    for (const job of claimed.jobs) {
      const stored = await queue.getJob(job.id!);
      expect(view(job)).toEqual(view(stored));
      expect(job.lease?.token).toBe('lease-a');
      expect(job.state()).toBe('active');
      expect(job.data).toEqual(stored.data);
    }
    const [plainJob, ttlJob] = claimed.jobs;
    expect(plainJob!.lease!.until).toBe(claimed.now + 60_000);
    expect(ttlJob!.lease!.until).toBe(claimed.now + 5_000);
  });

  it('an ack sends each lease token once and a completed job as [id, token index]', async () => {
    const { queue, calls } = newQueue('wire-ack');
    await queue.createMany(Array.from({ length: 4 }, (_, i) => ({ type: 'mail', data: { i } })));
    const a = await claim(queue, request({ count: 2, token: 'lease-a' }));
    const b = await claim(queue, request({ count: 2, token: 'lease-b' }));
    const [a1, a2] = a.jobs.map((j) => j.id!);
    const [b1, b2] = b.jobs.map((j) => j.id!);
    const r = await ack(
      queue,
      [
        { id: a1!, token: 'lease-a', ok: true },
        { id: b1!, token: 'lease-b', ok: true },
        { id: a2!, token: 'lease-a', ok: true, result: '{"sent":true}' },
        { id: b2!, token: 'not-the-lease', ok: true },
      ],
      undefined,
    );
    const input = JSON.parse(calls.at(-1)!.args[2]!);
    expect(input.tokens).toEqual(['lease-a', 'lease-b', 'not-the-lease']);
    expect(input.done).toEqual([
      [a1, 0],
      [b1, 1],
      { id: a2, ok: true, result: '{"sent":true}', k: 0 },
      [b2, 2],
    ]);
    // each entry settled under its own token; the stale one changed nothing
    expect(r.settled).toEqual(['complete', 'complete', 'complete', 'lost']);
    expect((await queue.getJob(a2!)).result).toEqual({ sent: true });
    expect((await queue.getJob(b2!)).state()).toBe('active');
    // a failure carries its error and delay, and its token index
    const f = await ack(
      queue,
      [{ id: b2!, token: 'lease-b', ok: false, error: 'boom', delay: -1 }],
      undefined,
    );
    expect(f.settled).toEqual(['failed']);
    expect((await queue.getJob(b2!)).error).toContain('boom');
  });

  it('ack.lua still takes entries that name their token', async () => {
    const { queue } = newQueue('wire-ack-named');
    await queue.createMany([{ type: 'mail' }]);
    const [job] = (await claim(queue, request({ count: 1 }))).jobs;
    // a token index with no token behind it settles nothing
    const stray = await queue.scripts.run<{ settled: string[] }>('ack', {
      tokens: ['lease-a'],
      done: [[job!.id, 3]],
    });
    expect(stray.settled).toEqual(['lost']);
    const r = await queue.scripts.run<{ settled: string[] }>('ack', {
      done: [{ id: job!.id, token: 'lease-a', ok: true }],
    });
    expect(r.settled).toEqual(['complete']);
  });
});
