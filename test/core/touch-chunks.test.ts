// touchChunks splits a worker's touch into calls of about a budget each: every line sent once and
// in order, the progress with a job's last part, every part a heartbeat (its token kept).
import { describe, expect, it } from 'vitest';
import { byteLength, type TouchEntry, touchChunks } from '../../core/index.js';

/** A deterministic mix: jobs with no lines, a few, many, long ones; some with progress. */
function entries(seed: number): TouchEntry[] {
  let x = seed;
  const next = (n: number) => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x % n;
  };
  return Array.from({ length: 12 }, (_, j) => {
    const e: TouchEntry = { id: String(j + 1), token: `tok${j}` };
    const lines = [0, 1, 5, 40, 300][next(5)]!;
    if (lines > 0) {
      e.logs = Array.from({ length: lines }, (_, i) => `${j}:${i} ${'é'.repeat(next(3) * 900)}`);
    }
    if (next(2) === 1) e.progress = [next(101), JSON.stringify({ step: j })];
    return e;
  });
}

const size = (e: TouchEntry) => byteLength(JSON.stringify(e));

describe('touchChunks', () => {
  it.each([1, 2, 3, 4, 5])(
    'keeps every line once, in order, within the budget (seed %i)',
    (seed) => {
      const input = entries(seed);
      const max = 16 * 1024;
      const chunks = touchChunks(input, max);
      const lines = new Map<number, string[]>();
      const progress = new Map<number, unknown[]>();
      for (const chunk of chunks) {
        expect(chunk.entries).toHaveLength(chunk.origin.length);
        const parts = chunk.entries.map((e, k) => ({ e, i: chunk.origin[k]! }));
        // within the budget, or a single piece that cannot be split
        const bytes = parts.reduce((n, p) => n + size(p.e), 0);
        if (bytes > max + 1_024)
          expect(parts.length === 1 && (parts[0]!.e.logs?.length ?? 0) <= 1).toBe(true);
        for (const { e, i } of parts) {
          expect(e.id).toBe(input[i]!.id);
          expect(e.token).toBe(input[i]!.token);
          lines.set(i, [...(lines.get(i) ?? []), ...(e.logs ?? [])]);
          if (e.progress) progress.set(i, [...(progress.get(i) ?? []), e.progress]);
        }
      }
      input.forEach((e, i) => {
        expect(lines.get(i) ?? []).toEqual(e.logs ?? []);
        expect(progress.get(i) ?? []).toEqual(e.progress ? [e.progress] : []);
      });
      // the progress goes with the job's last part
      const lastPart = new Map<number, TouchEntry>();
      for (const chunk of chunks) {
        for (const [k, e] of chunk.entries.entries()) lastPart.set(chunk.origin[k]!, e);
      }
      input.forEach((e, i) => {
        if (e.progress) expect(lastPart.get(i)!.progress).toEqual(e.progress);
      });
      expect(chunks.length).toBeGreaterThan(1);
    },
  );

  it('sends a small touch as one call, as it was', () => {
    const input: TouchEntry[] = [
      { id: '1', token: 'a', logs: ['x'] },
      { id: '2', token: 'a', progress: [50] },
      { id: '3', token: 'b' },
    ];
    expect(touchChunks(input, 256 * 1024)).toEqual([{ entries: input, origin: [0, 1, 2] }]);
  });

  it('gives a line longer than the budget a call of its own; the progress goes last', () => {
    const long = 'L'.repeat(5_000);
    const chunks = touchChunks(
      [{ id: '1', token: 't', logs: ['a', long, 'b'], progress: [50, '{"at":"b"}'] }],
      1_000,
    );
    expect(chunks.map((c) => c.entries)).toEqual([
      [{ id: '1', token: 't', logs: ['a'] }],
      [{ id: '1', token: 't', logs: [long] }],
      [{ id: '1', token: 't', logs: ['b'], progress: [50, '{"at":"b"}'] }],
    ]);
  });

  it("numbers each part's lines on from the entry's (touch.lua's log mark)", () => {
    const logs = Array.from({ length: 30 }, (_, i) => `${i} ${'n'.repeat(100)}`);
    const chunks = touchChunks([{ id: '1', token: 't', logs, at: ['t', 7] }], 1_000);
    expect(chunks.length).toBeGreaterThan(2);
    let next = 7;
    for (const { entries } of chunks) {
      const [part] = entries;
      expect(part!.at).toEqual(['t', next]);
      expect(part!.logs![0]).toBe(logs[next - 7]);
      next += part!.logs!.length;
    }
    expect(next).toBe(37);
  });
});
