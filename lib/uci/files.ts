// File system pieces of the Cursor: reading configs, the package lock, and atomic replacement.

import {
  closeSync, constants, fstatSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync,
  chmodSync, existsSync, linkSync, writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UciError } from './errors.js';

export type TextEncoding = 'utf8' | 'latin1';

/** The file's text if it is a regular file (uci_open_stream for reading), else null. */
export function readRegular(path: string, encoding: TextEncoding): string | null {
  try {
    if (!statSync(path).isFile()) return null;
    return readFileSync(path, encoding);
  } catch {
    return null;
  }
}

export function modeOf(path: string): number | null {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return null;
  }
}

/** A regular file opened for reading, with its size; null when there is none at path. */
export function openRegular(path: string): { fd: number; size: number } | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK); // a FIFO must not block the open
  } catch {
    return null;
  }
  const st = fstatSync(fd);
  if (st.isFile()) return { fd, size: st.size };
  closeSync(fd);
  return null;
}

/** The size of what is at path, or null when nothing is. */
export function sizeOf(path: string): number | null {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? st.size : null;
}

let tmpCounter = 0;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Whether a process with this id exists (signal 0; EPERM: it exists as another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the commit lock of a package: a `.<name>.uci-lock` file created exclusively next to
 * the config, holding our pid. A lock left by a process that no longer exists is broken.
 * (Node has no flock(2), so this does not exclude a concurrent libuci.)
 */
export function lockPackage(configPath: string, timeoutMs = 10_000): () => void {
  const lock = join(dirname(configPath), `.${basename(configPath)}.uci-lock`);
  // the pid is written first and the lock appears complete with link(2), so a process killed
  // at any moment never leaves an empty lock behind
  const mine = `${lock}.${process.pid}`;
  writeFileSync(mine, String(process.pid), { mode: 0o600 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        linkSync(mine, lock);
        return () => {
          try {
            unlinkSync(lock);
          } catch {
            // already gone: nothing to release
          }
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new UciError('IO', `I/O error: cannot lock ${configPath}`);
      }
      let owner = NaN;
      try {
        owner = Number(readFileSync(lock, 'utf8'));
      } catch {
        continue;
      }
      if (!(Number.isInteger(owner) && owner > 0 && processAlive(owner))) {
        try {
          unlinkSync(lock);
        } catch {
          // someone else broke it first
        }
        continue;
      }
      if (Date.now() > deadline) throw new UciError('IO', `I/O error: ${configPath} is locked by process ${owner}`);
      Atomics.wait(sleeper, 0, 0, 5);
    }
  } finally {
    try {
      unlinkSync(mine);
    } catch {
      // nothing to clean up
    }
  }
}

/**
 * Replaces `target` with `text`: a temp file in the same directory, written and fsynced, given
 * the target's mode, renamed over the target (through symlinks), then the directory fsynced.
 * On any failure the temp file is removed and the target is untouched.
 */
export function replaceFile(target: string, text: string, encoding: TextEncoding, newMode = 0o600): void {
  const real = existsSync(target) ? realpathSync(target) : target;
  const dir = dirname(real);
  const unique = `${process.pid.toString(36)}${(tmpCounter++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const tmp = join(dir, `.${basename(real)}.uci-${unique}`);
  let fd = -1;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    writeSync(fd, Buffer.from(text, encoding));
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    chmodSync(tmp, modeOf(real) ?? newMode);
    renameSync(tmp, real);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw new UciError('IO', `I/O error: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const dfd = openSync(dir, 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    // directories cannot be fsynced on every file system; the rename is already done
  }
}
