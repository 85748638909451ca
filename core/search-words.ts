import { defaults } from './defaults.js';

/** A word: a letter or digit of any script, then letters, digits and combining marks. */
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;

/**
 * The words of a text as the index stores them, for the job's data and the query alike, so that
 * both fold the same way. NFKC, not NFC: a search should not tell a full-width `ＴＪ` (typed with
 * a CJK input method), a ligature `ﬁ` (pasted from a PDF) or a decomposed `é` from `tj`, `fi`,
 * `é`. Marks belong to their word (Devanagari, Thai, decomposed Latin). Normalizing again after
 * lower-casing composes what has a composed form only in lower case (`H` and U+0331 → `ẖ`).
 *
 * Words of any length come out; a word over `maxWordLength` characters (code points) is cut to
 * one more than that: no job is indexed under it (searchWords leaves it out), so a query with it
 * matches nothing, as search is AND of its words, and Redis reads a short key for it.
 */
export function words(text: string): string[] {
  const found = text.normalize('NFKC').toLowerCase().normalize('NFKC').match(WORD) ?? [];
  return found.map((w) =>
    isIndexable(w) ? w : [...w].slice(0, defaults.maxWordLength + 1).join(''),
  );
}

function isIndexable(word: string): boolean {
  // UTF-16 units are never fewer than code points: count the latter only when it can matter
  return word.length <= defaults.maxWordLength || [...word].length <= defaults.maxWordLength;
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
 * none are given), the first `maxSearchWords` distinct words of up to `maxWordLength` characters
 * (longer ones are left out), joined by spaces as the scripts expect.
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
      if (!isIndexable(w)) continue;
      unique.add(w);
      if (unique.size >= defaults.maxSearchWords) return [...unique].join(' ');
    }
  }
  return [...unique].join(' ');
}
