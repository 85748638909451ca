import { byteLength } from './json-text.js';

/** What touch.lua takes per job: a heartbeat (with the lease token), log lines, progress. */
export interface TouchEntry {
  id: string;
  token?: string;
  progress?: [number] | [number, string];
  logs?: string[];
  /** The logs are lines n, n+1, ... of those written under lease `token` (touch.lua's log mark). */
  at?: [token: string, n: number];
  /**
   * A run's last writes, sent with its ack: the run's started_at (epoch ms). Once its ack has
   * run (a call sent again), its lines still go in while no other run has started, its progress
   * does not; a stale run's go nowhere.
   */
  final?: number;
}

/** One touch call's entries, and for each the index of the entry it came from. */
export interface TouchChunk {
  entries: TouchEntry[];
  origin: number[];
}

/** An entry's bytes besides its log lines (ids, token, JSON punctuation), about. */
function baseBytes(e: TouchEntry): number {
  const progress = e.progress?.[1];
  const at = e.at ? e.at[0].length + 24 : 0;
  return 48 + e.id.length + (e.token?.length ?? 0) + at + (progress ? byteLength(progress) : 0);
}

/**
 * Splits touch entries into calls of about `maxBytes` each, in order. A job's log lines may span
 * calls, in order, its progress going with the last of them; a piece larger than `maxBytes` (one
 * long line, a large progress) goes in a call of its own. Every part keeps the job's token, so
 * each call is also a heartbeat.
 */
export function touchChunks(entries: readonly TouchEntry[], maxBytes: number): TouchChunk[] {
  const chunks: TouchChunk[] = [];
  let chunk: TouchChunk = { entries: [], origin: [] };
  let bytes = 0;
  const close = () => {
    if (chunk.entries.length === 0) return;
    chunks.push(chunk);
    chunk = { entries: [], origin: [] };
    bytes = 0;
  };
  const add = (entry: TouchEntry, origin: number, size: number) => {
    chunk.entries.push(entry);
    chunk.origin.push(origin);
    bytes += size;
  };
  entries.forEach((e, i) => {
    const base = baseBytes(e);
    const logs = e.logs ?? [];
    let lines: string[] = [];
    let first = 0;
    let size = base;
    for (const [k, line] of logs.entries()) {
      const lineBytes = byteLength(line) + 4;
      if (bytes + size + lineBytes > maxBytes && (lines.length > 0 || chunk.entries.length > 0)) {
        if (lines.length > 0) add(part(e, lines, first, false), i, size);
        close();
        lines = [];
        first = k;
        size = base;
      }
      lines.push(line);
      size += lineBytes;
    }
    if (bytes + size > maxBytes && chunk.entries.length > 0) close();
    add(part(e, lines, first, true), i, size);
  });
  close();
  return chunks;
}

/** Entry e's lines from its `first`th on (`logs`), numbered on from e's own. */
function part(e: TouchEntry, logs: string[], first: number, last: boolean): TouchEntry {
  const out: TouchEntry = { id: e.id };
  if (e.token !== undefined) out.token = e.token;
  if (e.final !== undefined) out.final = e.final;
  if (last && e.progress) out.progress = e.progress;
  if (logs.length > 0) {
    out.logs = logs;
    if (e.at) out.at = [e.at[0], e.at[1] + first];
  }
  return out;
}
