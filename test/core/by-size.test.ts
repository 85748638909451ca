// bySize groups items for calls under a request limit: in order, none lost, a group over the
// budget only when one item alone is.
import { describe, expect, it } from 'vitest';
import { bySize } from '../../core/index.js';

describe('bySize', () => {
  it('fills each group up to the budget, in order', () => {
    const sizes = [3, 4, 2, 6, 1, 1, 9, 2];
    expect(bySize(sizes, (s) => s, 8)).toEqual([[3, 4], [2, 6], [1, 1], [9], [2]]);
  });

  it('keeps every item once whatever the budget', () => {
    const items = Array.from({ length: 200 }, (_, i) => (i * 7919) % 97);
    for (const max of [1, 50, 97, 1_000, 1e9]) {
      const groups = bySize(items, (s) => s, max);
      expect(groups.flat()).toEqual(items);
      for (const g of groups) {
        const total = g.reduce((a, b) => a + b, 0);
        if (total > max) expect(g).toHaveLength(1);
      }
    }
    expect(bySize([], (s: number) => s, 10)).toEqual([]);
  });
});
