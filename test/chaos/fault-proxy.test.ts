// The fault proxy injects what it claims: each fault kind, forced on one request, shows the
// client the failure it stands for, and reaches Redis (or not) as it should.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultKind, type FaultProxy, startFaultProxy } from './lib/fault-proxy.js';
import { type ChaosStack, startChaosStack } from './lib/stack.js';

let stack: ChaosStack;
let proxy: FaultProxy;
beforeAll(async () => {
  stack = await startChaosStack();
  proxy = await startFaultProxy({ target: stack.bridgeUrl });
});
afterAll(async () => {
  await proxy?.close();
  await stack?.stop();
});

/** INCR through the proxy with one fault forced: what the client saw, and what Redis did. */
async function incrWith(kind: FaultKind | undefined, key: string) {
  proxy.setMix(kind ? { [kind]: 1 } : {});
  let outcome: string;
  try {
    const res = await fetch(proxy.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}` },
      body: JSON.stringify(['INCR', key]),
    });
    const text = await res.text();
    outcome = `${res.status} ${text}`;
  } catch (error) {
    outcome = `network error: ${(error as Error).message}`;
  } finally {
    proxy.setMix({});
  }
  return { outcome, value: await stack.admin.get(key) };
}

describe('fault proxy', () => {
  it('passes requests through untouched without faults', async () => {
    expect(await incrWith(undefined, 'pass')).toEqual({ outcome: '200 {"result":1}', value: '1' });
  });

  it('drops the connection before Redis sees the request', async () => {
    const r = await incrWith('drop before', 'db');
    expect(r.outcome).toMatch(/^network error/);
    expect(r.value).toBeNull();
  });

  it('drops the connection after Redis ran the request', async () => {
    const r = await incrWith('drop after', 'da');
    expect(r.outcome).toMatch(/^network error/);
    expect(r.value).toBe('1');
  });

  it('answers 503 without forwarding, or 502 after forwarding', async () => {
    const before = await incrWith('503 before', 'e503');
    expect(before.outcome).toMatch(/^503 /);
    expect(before.value).toBeNull();
    const after = await incrWith('502 after', 'e502');
    expect(after.outcome).toMatch(/^502 /);
    expect(after.value).toBe('1');
  });

  it('cuts an answer short after Redis ran the request', async () => {
    const r = await incrWith('truncated answer', 'cut');
    expect(r.outcome).toMatch(/^network error/);
    expect(r.value).toBe('1');
  });

  it('delays and still answers', async () => {
    expect(await incrWith('delay', 'slow')).toEqual({ outcome: '200 {"result":1}', value: '1' });
  });

  it('counts what it injected', () => {
    const { faults, requests } = proxy.stats();
    expect(requests).toBe(7);
    expect(faults).toEqual({
      'drop before': 1,
      'drop after': 1,
      '503 before': 1,
      '502 after': 1,
      'truncated answer': 1,
      delay: 1,
    });
  });
});
