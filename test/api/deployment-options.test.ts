// A deployment's queue options come from its vars, in both entry points: the Node server and the
// Worker bundle in workerd keep EDGEKUE_MAX_LOG_LINES log lines, refuse data over
// EDGEKUE_MAX_DATA_BYTES and searches over EDGEKUE_MAX_SEARCH_RESULTS, and write no events with
// EDGEKUE_JOB_EVENTS=false. The jobs run in the entry's own worker (its demo `video` handler logs
// a line per frame), woken in-process by their creation.
import { randomBytes } from 'node:crypto';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Queue } from '../../core/index.js';
import { type NodeServer, startNodeServer } from '../../functions/node-server.js';
import { bootWorker, buildWorker } from '../../infra/build/workerd-bundle.js';
import { findFreePort } from '../../infra/redis-server/index.js';
import { dropQueue, raw } from './support.js';

const token = 'deployment-options-token-0123456789';
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

function vars(prefix: string): Record<string, string> {
  return {
    UPSTASH_REDIS_REST_URL: inject('bridgeUrl'),
    UPSTASH_REDIS_REST_TOKEN: inject('bridgeToken'),
    EDGEKUE_PREFIX: prefix,
    EDGEKUE_AUTH_TOKEN: token,
    EDGEKUE_MAX_LOG_LINES: '2',
    EDGEKUE_MAX_SEARCH_RESULTS: '1',
    EDGEKUE_MAX_DATA_BYTES: '200',
    EDGEKUE_JOB_EVENTS: 'false',
  };
}

interface Entry {
  name: string;
  prefix: string;
  url?: string;
  stop?: () => Promise<void>;
}

const node: Entry = { name: 'the Node server', prefix: `dn_${randomBytes(4).toString('hex')}` };
const worker: Entry = { name: 'the Worker', prefix: `dw_${randomBytes(4).toString('hex')}` };

beforeAll(async () => {
  const port = await findFreePort();
  const server: NodeServer = await startNodeServer({ env: vars(node.prefix), port, tick: false });
  node.url = `http://127.0.0.1:${port}`;
  node.stop = () => server.close();
  const booted = await bootWorker(await buildWorker(), vars(worker.prefix));
  const mf: Miniflare = booted.mf;
  worker.url = booted.url.origin;
  worker.stop = () => mf.dispose();
}, 180_000);

afterAll(async () => {
  for (const entry of [node, worker]) {
    await entry.stop?.();
    await dropQueue(new Queue(raw, { prefix: entry.prefix }));
  }
});

async function send(entry: Entry, method: string, path: string, body?: unknown) {
  const res = await fetch(`${entry.url}${path}`, {
    method,
    headers: auth,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

async function untilComplete(entry: Entry, id: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { body } = await send(entry, 'GET', `/job/${id}`);
    if (body.state === 'complete') return;
    if (Date.now() > deadline) throw new Error(`job ${id} is ${body.state} after 20 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each([node, worker])('queue options from the vars of $name', (entry) => {
  it('keeps 2 log lines, caps searches at 1 id, refuses data over 200 bytes, writes no events', async () => {
    const created = await send(entry, 'POST', '/job', [
      { type: 'video', data: { frames: 5, note: 'needle first' } },
      { type: 'video', data: { frames: 5, note: 'needle second' } },
    ]);
    expect(created.status).toBe(200);
    const ids: string[] = created.body.map((r: { id: number }) => String(r.id));
    for (const id of ids) await untilComplete(entry, id);

    const log = await send(entry, 'GET', `/job/${ids[0]}/log`);
    expect(log.body).toEqual(['rendered frame 4 of 5', 'rendered frame 5 of 5']);

    expect(await send(entry, 'GET', '/job/search?q=first')).toEqual({
      status: 200,
      body: [ids[0]],
    });
    const common = await send(entry, 'GET', '/job/search?q=needle');
    expect(common.status).toBe(400);
    expect(common.body.error).toMatch(/^q matches too many jobs/);

    const big = await send(entry, 'POST', '/job', {
      type: 'video',
      data: { note: 'x'.repeat(300) },
    });
    expect(big.status).toBe(413);

    const events = await new Queue(raw, { prefix: entry.prefix }).eventStream.read('0');
    expect(events.events).toEqual([]);
  });
});
