import { defaults } from './defaults.js';

/** Splits text into the lower-case words the index stores: letters and digits of any script. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && w.length <= defaults.maxWordLength);
}

function collect(value: unknown, out: string[], depth: number): void {
  if (depth > 32 || value === null || value === undefined) return;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out.push(String(value));
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, out, depth + 1);
  } else if (typeof value === 'object') {
    for (const v of Object.values(value)) collect(v, out, depth + 1);
  }
}

function atPath(data: unknown, path: string): unknown {
  let cur: unknown = data;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * The words a job is indexed under: every value of the `searchKeys` paths (all of `data` when
 * none are given), de-duplicated and capped, joined by spaces as the scripts expect.
 */
export function searchWords(data: unknown, searchKeys?: readonly string[]): string {
  const texts: string[] = [];
  if (searchKeys && searchKeys.length > 0) {
    for (const path of searchKeys) collect(atPath(data, path), texts, 0);
  } else {
    collect(data, texts, 0);
  }
  const unique = new Set<string>();
  for (const t of texts) {
    for (const w of words(t)) {
      unique.add(w);
      if (unique.size >= defaults.maxSearchWords) return [...unique].join(' ');
    }
  }
  return [...unique].join(' ');
}
