import { describe, expect, it } from 'vitest';
import { randomHex } from '../../core/random-hex.js';

describe('randomHex', () => {
  it('gives distinct hex ids of the asked length across pool refills', () => {
    // 12-byte ids, 2,000 of them: about six refills of the 4 KiB pool
    const ids = Array.from({ length: 2_000 }, () => randomHex(12));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('serves a request bigger than the pool', () => {
    expect(randomHex(5_000)).toMatch(/^[0-9a-f]{10000}$/);
  });

  it('spreads its bytes: every hex digit shows up at every position', () => {
    const ids = Array.from({ length: 800 }, () => randomHex(2));
    for (let pos = 0; pos < 4; pos++) {
      expect(new Set(ids.map((id) => id[pos])).size, `position ${pos}`).toBe(16);
    }
  });
});
