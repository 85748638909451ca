// The dev stack's redis-server keeps its data between runs (.data/redis). Data written by an
// older layout of the queue's keys (core/keys.ts DATA_FORMAT) would fail on its first index write
// (WRONGTYPE) or be misread (id sets without group counts page as empty), so such a directory is
// moved aside, never deleted, and the stack starts empty.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

const MARKER = 'FORMAT';

export interface DataDirCheck {
  /** Where the data of another format went, when it was moved aside. */
  movedTo?: string;
  /** Its format: a number, or 'unknown' for data written before the marker existed. */
  previous?: number | 'unknown';
}

/** Makes `dir` hold data of `format` (moving other data aside to `<dir>-format-<n>-<time>`). */
export function prepareDataDir(dir: string, format: number, now = new Date()): DataDirCheck {
  const marker = join(dir, MARKER);
  const check: DataDirCheck = {};
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    const text = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : '';
    const previous = /^\d+$/.test(text) ? Number(text) : 'unknown';
    if (previous === format) return check;
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const movedTo = `${dir}-format-${previous}-${stamp}`;
    renameSync(dir, movedTo);
    check.movedTo = movedTo;
    check.previous = previous;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(marker, `${format}\n`);
  return check;
}
