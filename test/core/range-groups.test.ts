import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createQueue,
  ID_SET_BUCKET,
  ID_SET_GROUP,
  type JobState,
  type Queue,
  queueKeys,
} from '../../core/index.js';
import { type IsolatedStack, startIsolatedStack } from '../support/stack.js';
import { ack, claim, idSetMembers, jobIdsOf, newQueue, ranked, raw } from './helpers.js';

const GROUP_IDS = ID_SET_BUCKET * ID_SET_GROUP;
const states: JobState[] = ['inactive', 'delayed', 'active', 'complete', 'failed'];

/**
 * Creates runs of jobs with the id counter moved on between runs, so the ids spread over several
 * groups of buckets (16,384 ids each) with empty groups between, as years of kept jobs do.
 */
async function spreadJobs(queue: Queue, client = raw): Promise<void> {
  for (let run = 0; run < 6; run++) {
    await queue.createMany(
      Array.from({ length: 40 }, (_, i) => ({
        type: i % 2 === 0 ? 'a' : 'b',
        data: { run, i },
        options: { attempts: 1, ...(i % 9 === 0 ? { delay: 60_000 } : {}) },
      })),
    );
    // the last run's ids are the counter's last: the highest group is one that holds ids
    if (run < 5) await client.incrby(`${queue.keys.base}ids`, 9_000 + run * 7_000);
  }
}

describe('pages of id sets that span many groups of buckets', () => {
  it('equal ranks over the ids, across group boundaries, in both orders', async () => {
    const queue = newQueue();
    await spreadJobs(queue);
    const leased = await claim(queue, ['a', 'b'], 150);
    await ack(
      queue,
      leased.slice(0, 110).map((j, k) => ({ id: j.id, ok: k % 5 !== 0, error: 'boom' })),
    );
    await queue.remove(['1', '2', '40']);

    const all = await jobIdsOf(queue);
    const at = (r: number) => Number(all[r]);
    expect(all).toHaveLength(237);
    // the ids really span several groups, with empty groups between
    const groups = new Set(all.map((id) => Math.floor(Number(id) / GROUP_IDS)));
    expect(groups.size).toBeGreaterThanOrEqual(4);
    expect(Math.max(...groups)).toBeGreaterThan(groups.size);

    // pages around every place where the next id is in another group
    const pages: [number, number][] = [
      [0, 9],
      [0, -1],
      [-7, -1],
      [230, 300],
    ];
    for (let r = 1; r < all.length; r++) {
      if (Math.floor(at(r) / GROUP_IDS) !== Math.floor(at(r - 1) / GROUP_IDS)) {
        pages.push([r - 3, r + 2], [r, r], [r - 1, r - 1]);
      }
    }
    for (const order of ['asc', 'desc'] as const) {
      for (const [from, to] of pages) {
        const page = (await queue.range({ from, to, order })).map((j) => j.id);
        expect(page, `all ${order} ${from}..${to}`).toEqual(ranked(all, from, to, order));
      }
    }

    // one state, and one type in one state, against their own members
    const k = queueKeys(queue.prefix);
    for (const state of states) {
      const members = await idSetMembers(k.state(state));
      for (const order of ['asc', 'desc'] as const) {
        for (const [from, to] of [
          [0, -1],
          [3, 40],
          [-20, -2],
        ] as [number, number][]) {
          const page = (await queue.range({ state, from, to, order })).map((j) => j.id);
          expect(page, `${state} ${order} ${from}..${to}`).toEqual(
            ranked(members, from, to, order),
          );
        }
      }
      const typed = await idSetMembers(k.typeState('b', state));
      const page = (await queue.range({ state, type: 'b', from: 0, to: -1 })).map((j) => j.id);
      expect(page, `b/${state}`).toEqual(typed);
    }
  });

  it('keep their group counts as jobs come and go (a group emptied loses its count)', async () => {
    const queue = newQueue();
    await spreadJobs(queue);
    const k = queueKeys(queue.prefix);
    // every check of the counts (buckets, groups, total) is in idSetMembers
    const inactive = await idSetMembers(k.state('inactive'));
    const counts = await raw.hgetall<Record<string, number>>(k.state('inactive'));
    const groupFields = Object.keys(counts ?? {}).filter((f) => f.startsWith('g'));
    expect(groupFields.length).toBeGreaterThanOrEqual(4);
    // empty the first group that holds inactive jobs: its count goes with its last id
    const firstGroup = Math.floor(Number(inactive[0]) / GROUP_IDS);
    const inFirst = inactive.filter((id) => Math.floor(Number(id) / GROUP_IDS) === firstGroup);
    await queue.remove(inFirst);
    await idSetMembers(k.state('inactive'));
    expect(await raw.hexists(k.state('inactive'), `g${firstGroup}`)).toBe(0);
    expect((await queue.range({ state: 'inactive', from: 0, to: 0 }))[0]?.id).toBe(
      inactive[inFirst.length],
    );
  });
});

describe('the cost of a page', () => {
  let stack: IsolatedStack;
  beforeAll(async () => {
    stack = await startIsolatedStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('reads one count per group and the bucket counts of the groups it spans, not every bucket', async () => {
    const queue = createQueue(
      { url: stack.bridgeUrl, token: stack.token },
      { prefix: 'pages', disableSearch: true },
    );
    const client = stack.client();
    await spreadJobs(queue, client);
    const set = queueKeys('pages').state('inactive');
    const buckets = (await client.hkeys(set)).filter((f) => /^\d+$/.test(f)).length;
    const maxId = Number(await client.get('{pages}:ids'));
    const groups = Math.floor(maxId / GROUP_IDS) + 1;
    expect(buckets).toBeGreaterThanOrEqual(6);

    // every command the page's script sends, as MONITOR shows it (Lua's included)
    const monitor = await new IORedis(stack.redisUrl).monitor();
    const seen: string[][] = [];
    // MONITOR lines come in the order Redis ran the commands: an ECHO sent after the page marks
    // the end of the page's own lines
    const marker = 'end-of-page';
    const ended = new Promise<void>((resolve) =>
      monitor.on('monitor', (_time: string, args: string[]) => {
        if (args[0]?.toLowerCase() === 'echo' && args[1] === marker) resolve();
        else seen.push(args);
      }),
    );
    try {
      const page = await queue.range({ state: 'inactive', from: 50, to: 59, order: 'desc' });
      expect(page).toHaveLength(10);
      await client.echo(marker);
      await ended;
    } finally {
      monitor.disconnect();
    }
    const onSet = seen.filter((a) => a[1] === set);
    const whole = onSet.filter((a) => ['hgetall', 'hkeys', 'hvals'].includes(a[0]!.toLowerCase()));
    expect(whole, 'a read of the whole counts hash').toEqual([]);
    const fields = onSet
      .filter((a) => a[0]!.toLowerCase() === 'hmget')
      .reduce((n, a) => n + a.length - 2, 0);
    // one count per group, and at most the 128 bucket counts of each of two groups a page of 10
    // can span
    expect(fields).toBeGreaterThan(groups);
    expect(fields).toBeLessThanOrEqual(groups + 2 * ID_SET_GROUP);
  });
});
