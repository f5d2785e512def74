import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockConfdir, STATE_DIR } from '../../lib/migrate/state.js';
import { makeConfdir } from './fixtures/confdir.js';

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('lockConfdir', () => {
  it('holds a symlink to our pid; release removes it and the state directory it created', () => {
    const dir = makeConfdir();
    const release = lockConfdir(dir);
    const lock = join(dir, STATE_DIR, 'lock');
    expect(lstatSync(lock).isSymbolicLink()).toBe(true);
    expect(readlinkSync(lock)).toBe(String(process.pid));
    release();
    expect(existsSync(join(dir, STATE_DIR))).toBe(false);
  });

  it('refuses a confdir locked by a live process, naming it, in either lock format', () => {
    const dir = makeConfdir();
    mkdirSync(join(dir, STATE_DIR));
    const lock = join(dir, STATE_DIR, 'lock');
    symlinkSync(String(process.ppid), lock);
    expect(() => lockConfdir(dir)).toThrow(`confdir is locked by running process ${process.ppid} (${lock})`);
    const other = makeConfdir();
    mkdirSync(join(other, STATE_DIR));
    writeFileSync(join(other, STATE_DIR, 'lock'), `${process.ppid}\n`); // the earlier format: a file holding the pid
    expect(() => lockConfdir(other)).toThrow(`confdir is locked by running process ${process.ppid}`);
  });

  it('takes over a lock left by a dead process, in either lock format, and keeps the state directory', () => {
    for (const leave of [(p: string) => symlinkSync(String(deadPid()), p), (p: string) => writeFileSync(p, `${deadPid()}\n`), (p: string) => writeFileSync(p, '')]) {
      const dir = makeConfdir();
      mkdirSync(join(dir, STATE_DIR));
      const lock = join(dir, STATE_DIR, 'lock');
      leave(lock);
      const release = lockConfdir(dir);
      expect(readlinkSync(lock)).toBe(String(process.pid));
      release();
      expect(existsSync(lock)).toBe(false);
      expect(existsSync(join(dir, STATE_DIR))).toBe(true);
    }
  });
});
