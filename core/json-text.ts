import { PayloadTooLarge, ValidationError } from './errors.js';

/** Rejects values JSON would silently drop or mangle, naming the path at fault. */
function assertJsonValue(value: unknown, path: string, seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new ValidationError(`${path} is ${value}, not JSON`, path);
      return;
    case 'object': {
      if (value === null) return;
      if (seen.has(value)) throw new ValidationError(`${path} is cyclic`, path);
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return;
      seen.add(value);
      if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) assertJsonValue(v, `${path}[${i}]`, seen);
      } else {
        for (const [k, v] of Object.entries(value)) {
          if (v !== undefined) assertJsonValue(v, `${path}.${k}`, seen);
        }
      }
      seen.delete(value);
      return;
    }
    default:
      throw new ValidationError(`${path} is a ${typeof value}, not JSON`, path);
  }
}

/** Deeper than this, isJsonValue leaves the verdict to assertJsonValue (a cycle, likely). */
const PLAIN_DEPTH_MAX = 64;

/**
 * assertJsonValue's verdict without its paths: true when the value is plain JSON. Every job's
 * data goes through it, and the paths (a string a field) and entry arrays cost more than the
 * check; a false sends the value to assertJsonValue, which names what is wrong.
 */
function isJsonValue(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth > PLAIN_DEPTH_MAX) return false;
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isJsonValue(value[i], depth + 1)) return false;
        return true;
      }
      for (const k in value) {
        if (!Object.hasOwn(value, k)) continue;
        const v = (value as Record<string, unknown>)[k];
        if (v !== undefined && !isJsonValue(v, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** JSON text of a job's value, checked for JSON-ness and size before anything is written. */
export function jsonText(value: unknown, field: string, maxBytes: number): string {
  const v = value === undefined ? null : value;
  if (!isJsonValue(v, 0)) assertJsonValue(v, field, new Set());
  const text = JSON.stringify(v);
  // UTF-8 takes at most 3 bytes per UTF-16 unit: count only text that may be too big
  if (text.length * 3 > maxBytes) {
    const bytes = byteLength(text);
    if (bytes > maxBytes) throw new PayloadTooLarge(bytes, maxBytes, field);
  }
  return text;
}

/** A UTF-16 surrogate without its pair: JSON.stringify escapes it, and Redis' cjson refuses that. */
export const loneSurrogate =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const loneSurrogates = new RegExp(loneSurrogate.source, 'g');

/** A JSON.stringify replacer that sends lone surrogates as U+FFFD, which every parser reads. */
export function wellFormedStrings(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.replace(loneSurrogates, '\ufffd') : value;
}

/**
 * The UTF-8 length of a text, counted without encoding it (no copy: a job's data is measured on
 * every create). A surrogate pair takes 4 bytes, as its two halves count 2 each; a lone one is
 * counted as the 3 bytes of the U+FFFD it would become.
 */
export function byteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && isLow(text.charCodeAt(i + 1))) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * A text cut to at most `maxBytes` of UTF-8 (a pair of surrogates kept whole), saying how much
 * was cut: lines and messages are for people, and one must not outgrow the call that carries it.
 */
export function cutText(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  const bytes = byteLength(text);
  if (bytes <= maxBytes) return text;
  const room = maxBytes - 32; // for the note
  let kept = 0;
  let end = 0;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    const pair = c >= 0xd800 && c <= 0xdbff && isLow(text.charCodeAt(end + 1));
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (kept + size > room) break;
    kept += size;
    end += pair ? 2 : 1;
  }
  return `${text.slice(0, end)}… (${bytes - kept} bytes cut)`;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Parses JSON written by edgekue; foreign or legacy text is returned as it is. */
export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
