// The dev stack's Redis data directory: data of another layout is moved aside, never deleted.

import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirInUse, lockDataDir, prepareDataDir } from '../../infra/dev/data-dir.js';

const at = new Date('2026-11-27T17:30:00Z');

function fresh(): { root: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), 'edgekue-data-'));
  return { root, dir: join(root, 'redis') };
}

describe('prepareDataDir', () => {
  it('creates a missing directory and marks its format', () => {
    const { dir } = fresh();
    expect(prepareDataDir(dir, 3, at)).toEqual({});
    expect(readFileSync(join(dir, 'FORMAT'), 'utf8')).toBe('3\n');
  });

  it('keeps data of the same format', () => {
    const { dir } = fresh();
    prepareDataDir(dir, 3, at);
    writeFileSync(join(dir, 'dump.rdb'), 'data');
    expect(prepareDataDir(dir, 3, at)).toEqual({});
    expect(readFileSync(join(dir, 'dump.rdb'), 'utf8')).toBe('data');
  });

  it('moves data of an older format aside and starts empty', () => {
    const { root, dir } = fresh();
    prepareDataDir(dir, 2, at);
    writeFileSync(join(dir, 'dump.rdb'), 'old');
    const r = prepareDataDir(dir, 3, at);
    expect(r).toEqual({ movedTo: `${dir}-format-2-20261127T173000`, previous: 2 });
    expect(readFileSync(join(r.movedTo!, 'dump.rdb'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['FORMAT']);
    expect(readdirSync(root).sort()).toEqual(['redis', 'redis-format-2-20261127T173000']);
  });

  it('treats data without a marker (written before it existed) as another format', () => {
    const { dir } = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'dump.rdb'), 'older');
    const r = prepareDataDir(dir, 3, at);
    expect(r.previous).toBe('unknown');
    expect(existsSync(join(r.movedTo!, 'dump.rdb'))).toBe(true);
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(false);
  });

  it('marks an empty directory without moving it', () => {
    const { root, dir } = fresh();
    mkdirSync(dir);
    expect(prepareDataDir(dir, 3, at)).toEqual({});
    expect(readdirSync(root)).toEqual(['redis']);
  });
});

describe('lockDataDir', () => {
  it('refuses a directory a live process holds, takes over one whose holder is gone, and releases', async () => {
    const { dir } = fresh();
    const release = lockDataDir(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8').trim()).toBe(String(process.pid));
    // a second stack (another pid) while the first runs
    expect(() => lockDataDir(dir, process.pid + 1)).toThrow(DataDirInUse);
    expect(() => lockDataDir(dir, process.pid + 1)).toThrow(/EDGEKUE_DATA_DIR/);
    release();
    expect(existsSync(`${dir}.lock`)).toBe(false);

    // a lock left by a process that died
    const child = spawn(process.execPath, ['-e', '']);
    const gone = child.pid!;
    await new Promise((resolve) => child.once('exit', resolve));
    writeFileSync(`${dir}.lock`, `${gone}\n`);
    const again = lockDataDir(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8').trim()).toBe(String(process.pid));
    again();
  });
});
