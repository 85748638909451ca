// Checks the claim order a burst produced, per job type: priority first (lower is better), then
// FIFO (lower id). With producers and workers running at once, "in order" can only mean two
// things that hold whatever the interleaving:
//  1. within one claim (one script call, one lease token), the jobs of a type come out sorted;
//  2. no job was claimed while a better-ranked job of its type was already waiting: created in an
//     earlier millisecond than the claim, and claimed in a later one. Redis time has millisecond
//     resolution, so jobs created or claimed in the claim's own millisecond are left out: the
//     check never blames a legitimate interleaving, and any job it flags was really passed over.

export interface ClaimRecord {
  type: string;
  id: number;
  priority: number;
  /** Redis ms of the job's creation and of the claim. */
  created: number;
  started: number;
  /** The claim's lease token: one per claim call. */
  token: string;
  /** Position in the order the worker received the claim's jobs. */
  seq: number;
}

export interface OrderViolation {
  kind: 'unsorted claim' | 'passed over';
  claimed: ClaimRecord;
  better: ClaimRecord;
}

const before = (a: ClaimRecord, b: ClaimRecord) =>
  a.priority < b.priority || (a.priority === b.priority && a.id < b.id);

/** A binary min-heap by rank. */
class RankHeap {
  readonly #items: ClaimRecord[] = [];
  get size() {
    return this.#items.length;
  }
  peek(): ClaimRecord | undefined {
    return this.#items[0];
  }
  push(r: ClaimRecord): void {
    const a = this.#items;
    a.push(r);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): void {
    const a = this.#items;
    const last = a.pop();
    if (a.length === 0 || !last) return;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && before(a[l]!, a[m]!)) m = l;
      if (r < a.length && before(a[r]!, a[m]!)) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }
}

function unsortedClaims(records: ClaimRecord[], out: OrderViolation[]): void {
  const byClaim = new Map<string, ClaimRecord[]>();
  for (const r of records) {
    const key = `${r.token}\u0000${r.type}`;
    const list = byClaim.get(key) ?? [];
    list.push(r);
    byClaim.set(key, list);
  }
  for (const list of byClaim.values()) {
    list.sort((a, b) => a.seq - b.seq);
    for (let i = 1; i < list.length; i++) {
      if (before(list[i]!, list[i - 1]!)) {
        out.push({ kind: 'unsorted claim', claimed: list[i - 1]!, better: list[i]! });
      }
    }
  }
}

/** Returns how many claims had other jobs of the type waiting (the check had something to bite on). */
function passedOver(records: ClaimRecord[], out: OrderViolation[]): number {
  let contested = 0;
  const arrivals = [...records].sort((a, b) => a.created - b.created);
  const claims = [...records].sort((a, b) => a.started - b.started);
  const waiting = new RankHeap();
  let next = 0;
  for (const j of claims) {
    const t = j.started;
    while (next < arrivals.length && arrivals[next]!.created < t) waiting.push(arrivals[next++]!);
    // Claimed at or before t: no longer waiting (a lazy delete; T only grows).
    while (waiting.size > 0 && waiting.peek()!.started <= t) waiting.pop();
    const best = waiting.peek();
    if (best) contested++;
    if (best && before(best, j)) out.push({ kind: 'passed over', claimed: j, better: best });
  }
  return contested;
}

/**
 * Every violation of the claim order, per type, and how many claimed jobs had others of their
 * type waiting when they were claimed.
 */
export function checkClaimOrder(records: ClaimRecord[]): {
  violations: OrderViolation[];
  contested: number;
} {
  const byType = new Map<string, ClaimRecord[]>();
  for (const r of records) {
    const list = byType.get(r.type) ?? [];
    list.push(r);
    byType.set(r.type, list);
  }
  const violations: OrderViolation[] = [];
  let contested = 0;
  for (const list of byType.values()) {
    unsortedClaims(list, violations);
    contested += passedOver(list, violations);
  }
  return { violations, contested };
}

export const claimOrderViolations = (records: ClaimRecord[]) => checkClaimOrder(records).violations;
