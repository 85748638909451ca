// The worker's zero-delay acknowledgment runs once the current task is done, not on a timer that
// Node clamps to 1 ms: the order against a 0 ms timer, set inside a timer callback where Node's
// event loop makes it deterministic (the check phase comes before the next timers phase).
import { describe, expect, it } from 'vitest';
import { afterMs, afterTurn } from '../../worker-handlers/turn-timer.js';

function inTimerCallback<T>(body: (resolve: (value: T) => void) => void): Promise<T> {
  return new Promise((resolve) => setTimeout(() => body(resolve), 0));
}

describe('afterTurn', () => {
  it('runs before a 0 ms timer set earlier in the same turn', async () => {
    const order = await inTimerCallback<string[]>((resolve) => {
      const seen: string[] = [];
      afterMs(() => {
        seen.push('timer');
        resolve(seen);
      }, 0);
      afterTurn(() => seen.push('turn'));
    });
    expect(order).toEqual(['turn', 'timer']);
  });

  it('runs after the microtasks queued in the turn, and the ones they queue', async () => {
    const order = await inTimerCallback<string[]>((resolve) => {
      const seen: string[] = [];
      afterTurn(() => {
        seen.push('turn');
        resolve(seen);
      });
      void Promise.resolve()
        .then(() => seen.push('microtask'))
        .then(() => seen.push('chained microtask'));
      seen.push('sync');
    });
    expect(order).toEqual(['sync', 'microtask', 'chained microtask', 'turn']);
  });

  it('does not run once cancelled', async () => {
    const ran = await inTimerCallback<string[]>((resolve) => {
      const seen: string[] = [];
      const cancel = afterTurn(() => seen.push('cancelled one'));
      cancel();
      afterMs(() => resolve(seen), 5);
    });
    expect(ran).toEqual([]);
  });
});

describe('afterMs', () => {
  it('runs after its delay and not once cancelled', async () => {
    const seen: string[] = [];
    afterMs(() => seen.push('kept'), 1);
    afterMs(() => seen.push('cancelled'), 1)();
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['kept']);
  });
});
