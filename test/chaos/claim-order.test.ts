// The burst scenario's order check must flag real violations and only those.
import { describe, expect, it } from 'vitest';
import { type ClaimRecord, claimOrderViolations } from './lib/claim-order.js';

let seq = 0;
const rec = (
  id: number,
  priority: number,
  created: number,
  started: number,
  token: string,
  type = 't',
): ClaimRecord => ({ type, id, priority, created, started, token, seq: seq++ });

describe('claim order check', () => {
  it('accepts priority then FIFO, including jobs that arrived after a claim', () => {
    const records = [
      rec(2, -10, 100, 110, 'a'),
      rec(1, 0, 100, 110, 'a'),
      // 5 arrived after claim a, with a better priority than 3: claim b serves it first
      rec(5, -15, 115, 120, 'b'),
      rec(3, 0, 100, 120, 'b'),
    ];
    expect(claimOrderViolations(records)).toEqual([]);
  });

  it('flags a claim whose jobs of a type are not sorted', () => {
    const v = claimOrderViolations([rec(1, 0, 100, 110, 'a'), rec(2, -10, 100, 110, 'a')]);
    expect(v.map((x) => [x.kind, x.claimed.id, x.better.id])).toEqual([['unsorted claim', 1, 2]]);
  });

  it('flags a job claimed while a better one created earlier kept waiting', () => {
    const v = claimOrderViolations([rec(1, 0, 100, 110, 'a'), rec(2, -10, 105, 120, 'b')]);
    expect(v.map((x) => [x.kind, x.claimed.id, x.better.id])).toEqual([['passed over', 1, 2]]);
  });

  it('flags FIFO broken at equal priority', () => {
    const v = claimOrderViolations([rec(7, 0, 100, 130, 'b'), rec(8, 0, 100, 110, 'a')]);
    expect(v.map((x) => [x.kind, x.claimed.id, x.better.id])).toEqual([['passed over', 8, 7]]);
  });

  it('does not blame a job created or claimed in the same millisecond as the claim', () => {
    expect(claimOrderViolations([rec(1, 0, 100, 110, 'a'), rec(2, -10, 110, 111, 'b')])).toEqual(
      [],
    );
    expect(claimOrderViolations([rec(1, 0, 100, 110, 'a'), rec(2, -10, 100, 110, 'b')])).toEqual(
      [],
    );
  });

  it('checks each type on its own', () => {
    expect(
      claimOrderViolations([rec(1, 0, 100, 110, 'a', 'x'), rec(2, -10, 100, 120, 'b', 'y')]),
    ).toEqual([]);
  });
});
