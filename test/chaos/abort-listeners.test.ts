// Regression (found by the soak run): every batch added a listener to the caller's AbortSignal
// and never removed it. A Node worker passes one signal for the life of the process, so every
// batch it ever ran stayed reachable from that signal: memory grew without bound, and Node
// warned "MaxListenersExceededWarning: 11 abort listeners added to [AbortSignal]".
import { getEventListeners } from 'node:events';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { HandlerRegistry, runBatch, runTick } from '../../worker-handlers/index.js';
import { chaosQueue } from './lib/queue.js';
import { chaosPrefix } from './lib/stack.js';

const queue = chaosQueue({
  url: inject('bridgeUrl'),
  token: inject('bridgeToken'),
  prefix: chaosPrefix('listeners'),
});
afterAll(() => queue.close());

describe('a long-lived abort signal', () => {
  it('holds no listener once runBatch has returned', async () => {
    const stop = new AbortController();
    const registry = new HandlerRegistry().process('idle', async () => 'ok');
    await queue.create('idle', {}).save();
    for (let i = 0; i < 15; i++) {
      await runBatch(queue, registry, { budgetMs: 5_000, signal: stop.signal });
    }
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('holds no listener once runTick has returned', async () => {
    const stop = new AbortController();
    const registry = new HandlerRegistry().process('idle2', async () => 'ok');
    for (let i = 0; i < 5; i++) {
      await runTick(queue, registry, {
        budgetMs: 400,
        graceMs: 0,
        intervalMs: 50,
        signal: stop.signal,
      });
    }
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });
});
