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
    const lock = lockConfdir(dir);
    expect(lock.path).toBe(join(dir, STATE_DIR, 'lock'));
    expect(lstatSync(lock.path).isSymbolicLink()).toBe(true);
    expect(readlinkSync(lock.path)).toBe(String(process.pid));
    expect(lock.fresh).toBe(true); // nothing there to recover
    lock.release();
    expect(existsSync(join(dir, STATE_DIR))).toBe(false);
  });

  it('release keeps the state directory it created once something else is in it', () => {
    const dir = makeConfdir();
    const lock = lockConfdir(dir);
    writeFileSync(join(dir, STATE_DIR, 'applied'), 'x\t2026-01-01T00:00:00.000Z\n');
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    expect(existsSync(join(dir, STATE_DIR, 'applied'))).toBe(true);
  });

  it('not fresh where the state directory was there already', () => {
    const dir = makeConfdir();
    mkdirSync(join(dir, STATE_DIR));
    const lock = lockConfdir(dir);
    expect(lock.fresh).toBe(false);
    lock.release();
    expect(existsSync(join(dir, STATE_DIR))).toBe(true);
  });

  it('like another lock held: the same symlink under a second name, released on its own', () => {
    const [a, b] = [makeConfdir(), makeConfdir()];
    const first = lockConfdir(a);
    const second = lockConfdir(b, first.path);
    expect(lstatSync(second.path).isSymbolicLink()).toBe(true);
    expect(readlinkSync(second.path)).toBe(String(process.pid));
    expect(lstatSync(second.path).ino).toBe(lstatSync(first.path).ino);
    expect(lstatSync(first.path).nlink).toBe(2);
    first.release();
    expect(existsSync(first.path)).toBe(false);
    expect(readlinkSync(second.path)).toBe(String(process.pid));
    second.release();
    expect(existsSync(join(b, STATE_DIR))).toBe(false);
    // a lock to be like that is gone: a symlink of its own
    const third = lockConfdir(a, first.path);
    expect(lstatSync(third.path).nlink).toBe(1);
    expect(readlinkSync(third.path)).toBe(String(process.pid));
    third.release();
  });

  it('like another lock held, on a confdir locked by a live process: refused all the same', () => {
    const mine = lockConfdir(makeConfdir());
    const dir = makeConfdir();
    mkdirSync(join(dir, STATE_DIR));
    symlinkSync(String(process.ppid), join(dir, STATE_DIR, 'lock'));
    expect(() => lockConfdir(dir, mine.path)).toThrow(`confdir is locked by running process ${process.ppid}`);
    mine.release();
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
      const held = lockConfdir(dir);
      expect(readlinkSync(lock)).toBe(String(process.pid));
      expect(held.fresh).toBe(false);
      held.release();
      expect(existsSync(lock)).toBe(false);
      expect(existsSync(join(dir, STATE_DIR))).toBe(true);
    }
  });
});
