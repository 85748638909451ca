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
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

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

/** Another live process holds the data directory (lockDataDir). */
export class DataDirInUse extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `dir` for this process, or throws DataDirInUse when a live process holds it: two stacks on
 * one directory run two redis-servers over the same files, and the last to save overwrites the
 * other's data. The lock is `<dir>.lock` (beside the directory, which prepareDataDir may move
 * aside) holding the pid; one left by a process that is gone is taken over. Returns the release.
 */
export function lockDataDir(dir: string, pid = process.pid): () => void {
  const path = `${dir}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    try {
      writeFileSync(path, `${pid}\n`, { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(pid)) unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== pid && alive(holder)) {
      throw new DataDirInUse(
        `${dir} is in use by another stack (pid ${holder}): stop it first, or start this one ` +
          'with EDGEKUE_DATA_DIR=<another directory>',
      );
    }
    unlinkSync(path);
  }
}
