// libuci's locks: flock(2) on the files it locks (util.c uci_open_stream), so that this
// library and the real `uci` exclude each other. A config file is locked exclusively for a
// whole commit (file.c uci_file_commit); a savedir change file exclusively while records are
// appended (delta.c uci_save) and across read and truncate on commit (uci_load_delta with
// flush). flock is released by the kernel when its holder dies: no lock is ever left behind.
//
// Node has no flock: the `fs-ext` package (a native addon built by `npm ci`) provides it. A
// wait polls with LOCK_NB, so that it can end after a time-out and, in the async form, never
// holds the event loop or a libuv pool thread. Where flock is unavailable (the addon did not
// build, or the file system answers ENOSYS/EOPNOTSUPP) a warning says so once and files are
// used unlocked, as libuci does on ENOSYS.

import { closeSync, constants, fstatSync, openSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UciError } from './errors.js';

/** How long a lock is waited for before giving up (libuci waits forever). */
export const LOCK_TIMEOUT_MS = 10_000;

export interface LockOptions {
  /** Create the file (with this mode) when it does not exist; otherwise a missing file gives null. */
  createMode?: number;
  /** Open for appending (the change file's records are written through the lock's fd). */
  append?: boolean;
  /** How long to wait for a holder to let go; 0 tries once. */
  timeoutMs?: number;
}

/** A file opened and flocked by this process. */
export interface HeldLock {
  readonly path: string;
  readonly fd: number;
  /** Unlocks and closes (closing the fd releases the flock). */
  release(): void;
}

/** The lock was held by another process for the whole time-out. */
export class UciLockError extends UciError {
  readonly lockFile: string;
  constructor(lockFile: string, waitedMs: number) {
    super('IO', `${lockFile} is locked by another process; waited ${waitedMs / 1000} s`);
    this.name = 'UciLockError';
    this.lockFile = lockFile;
  }
}

type FlockFn = (fd: number, flags: 'exnb' | 'shnb') => void;

let flockImpl: FlockFn | null | undefined;
let warned = false;

function warnUnlocked(reason: string): void {
  if (warned) return;
  warned = true;
  process.emitWarning(`flock is unavailable (${reason}); uci files are read and written without locks, which does not exclude a concurrent uci`, 'UciLockWarning');
}

/** fs-ext's flockSync, loaded on first use (the commands that only read never load it). */
function flockFn(): FlockFn | null {
  if (flockImpl !== undefined) return flockImpl;
  try {
    flockImpl = (createRequire(import.meta.url)('fs-ext') as { flockSync: FlockFn }).flockSync;
  } catch (err) {
    flockImpl = null;
    warnUnlocked(`the fs-ext addon could not be loaded: ${(err as Error).message.split('\n')[0]}`);
  }
  return flockImpl;
}

/** Whether flock(2) can be used in this process. */
export function flockAvailable(): boolean {
  return flockFn() !== null;
}

/** One LOCK_NB attempt: true when held, false when another holder has it. */
function tryFlock(fd: number, exclusive: boolean, path: string): boolean {
  const flock = flockFn();
  if (!flock) return true;
  try {
    flock(fd, exclusive ? 'exnb' : 'shnb');
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return false;
    if (code === 'ENOSYS' || code === 'EOPNOTSUPP' || code === 'ENOTSUP') {
      warnUnlocked(`${path}: ${code}`);
      return true;
    }
    throw new UciError('IO', `I/O error: cannot lock ${path}: ${(err as Error).message}`);
  }
}

/**
 * Opens path for locking; null when it does not exist and may not be created. Only a regular
 * file is locked: the open does not block (a FIFO at a config's path would hold the thread, a
 * server's event loop included, until something opened its other end) and anything else is an
 * error naming the path.
 */
/** An fd opened for locking, with the identity of its file (an open fd's does not change). */
interface Opened {
  fd: number;
  ino: number;
  dev: number;
}

function openForLock(path: string, opts: LockOptions): Opened | null {
  let flags = (opts.append ? constants.O_RDWR | constants.O_APPEND : constants.O_RDONLY) | constants.O_NONBLOCK;
  if (opts.createMode !== undefined) flags |= constants.O_CREAT;
  let fd: number;
  try {
    fd = openSync(path, flags, opts.createMode ?? 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UciError('IO', `I/O error: cannot open ${path}: ${(err as Error).message}`);
  }
  const st = fstatSync(fd);
  if (st.isFile()) return { fd, ino: st.ino, dev: st.dev };
  closeSync(fd);
  throw new UciError('IO', `I/O error: cannot lock ${path}: not a regular file`);
}

/**
 * Whether the locked fd is still the file at path: a commit renames a new file over the config,
 * so a waiter that opened the old one holds the lock of a file nobody uses any more.
 */
function stillCurrent(opened: Opened, path: string): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  return st !== undefined && st.ino === opened.ino && st.dev === opened.dev;
}

function held(path: string, fd: number): HeldLock {
  let open = true;
  return {
    path,
    fd,
    release() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

/** The delays between attempts: short at first (locks are held for milliseconds), at most 20 ms. */
function nextDelay(attempt: number): number {
  return Math.min(20, 1 << Math.min(attempt, 5));
}

type Attempt = { done: HeldLock | null } | { waitMs: number };

/** The state of one acquisition, shared by the blocking and the asynchronous wait. */
class Acquisition {
  private opened: Opened | null = null;
  private attempt = 0;
  private readonly started = Date.now();

  constructor(
    private readonly path: string,
    private readonly exclusive: boolean,
    private readonly opts: LockOptions,
  ) {}

  step(): Attempt {
    try {
      return this.attemptOnce();
    } catch (err) {
      this.close();
      throw err;
    }
  }

  private attemptOnce(): Attempt {
    for (;;) {
      if (this.opened === null) {
        this.opened = openForLock(this.path, this.opts);
        if (this.opened === null) return { done: null };
      }
      if (!tryFlock(this.opened.fd, this.exclusive, this.path)) break;
      if (stillCurrent(this.opened, this.path)) return { done: held(this.path, this.opened.fd) };
      // replaced while we waited: lock the file that is there now
      this.close();
    }
    const timeout = this.opts.timeoutMs ?? LOCK_TIMEOUT_MS;
    const waited = Date.now() - this.started;
    if (waited >= timeout) throw new UciLockError(this.path, timeout);
    return { waitMs: Math.min(nextDelay(this.attempt++), timeout - waited) };
  }

  close(): void {
    if (this.opened !== null) closeSync(this.opened.fd);
    this.opened = null;
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Opens and flocks path, waiting (blocking this thread) while another process holds it; null
 * when the file does not exist and `createMode` is not given. For command-line tools; a server
 * uses lockFileAsync.
 */
export function lockFileSync(path: string, exclusive: boolean, opts: LockOptions = {}): HeldLock | null {
  const a = new Acquisition(path, exclusive, opts);
  for (;;) {
    const r = a.step();
    if ('done' in r) return r.done;
    Atomics.wait(sleeper, 0, 0, r.waitMs);
  }
}

/** lockFileSync whose waits are timers: the event loop goes on serving while a holder has the lock. */
export async function lockFileAsync(path: string, exclusive: boolean, opts: LockOptions = {}): Promise<HeldLock | null> {
  const a = new Acquisition(path, exclusive, opts);
  for (;;) {
    const r = a.step();
    if ('done' in r) return r.done;
    await new Promise((resolve) => setTimeout(resolve, r.waitMs));
  }
}
