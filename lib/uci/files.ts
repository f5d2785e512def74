// File system pieces of the Cursor: reading configs and atomic replacement (locks: lock.ts).

import {
  closeSync, constants, fstatSync, fsync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync, chmodSync, existsSync,
} from 'node:fs';
import { promisify } from 'node:util';
import { basename, dirname, join } from 'node:path';
import { UciError } from './errors.js';

export type TextEncoding = 'utf8' | 'latin1';

/**
 * The file's text if it is a regular file (uci_open_stream for reading), else null. `file`: a
 * path, or the fd of a file already open (read from its start: the fd must be a new one).
 */
export function readRegular(file: string | number, encoding: TextEncoding): string | null {
  try {
    if (!(typeof file === 'number' ? fstatSync(file) : statSync(file)).isFile()) return null;
    return readFileSync(file, encoding);
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

/** A regular file opened for reading (its fd); null when there is none at path. */
export function openRegular(path: string): number | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK); // a FIFO must not block the open
  } catch {
    return null;
  }
  const st = fstatSync(fd);
  if (st.isFile()) return fd;
  closeSync(fd);
  return null;
}

/** The size of what is at path, or null when nothing is. */
export function sizeOf(path: string): number | null {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? st.size : null;
}

let tmpCounter = 0;

/** Writes every byte: a full disk first shortens a write, and only the next one fails. */
export function writeAll(fd: number, data: Buffer): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done);
}

/** Whether a process with this id exists (signal 0; EPERM: it exists as another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Where a replacement of target is written first: its real path and a new temp name beside it. */
function tempBeside(target: string): { real: string; tmp: string } {
  const real = existsSync(target) ? realpathSync(target) : target;
  const unique = `${process.pid.toString(36)}${(tmpCounter++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  return { real, tmp: join(dirname(real), `.${basename(real)}.uci-${unique}`) };
}

const ioError = (err: unknown): UciError => new UciError('IO', `I/O error: ${err instanceof Error ? err.message : String(err)}`);

/** Writes a file's new content through `write`, a chunk at a time. */
export type FileFill = (write: (chunk: Buffer) => void) => void;

interface TempFile {
  real: string;
  tmp: string;
  fd: number;
}

/** The new content in a temp file beside target, still open; on failure nothing is left of it. */
function writeTemp(target: string, content: FileFill | Buffer): TempFile {
  const { real, tmp } = tempBeside(target);
  let fd = -1;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    const out = fd;
    if (Buffer.isBuffer(content)) writeAll(out, content);
    else content((chunk) => writeAll(out, chunk));
    return { real, tmp, fd };
  } catch (err) {
    abandon({ real, tmp, fd });
    throw ioError(err);
  }
}

function abandon(t: TempFile): void {
  if (t.fd >= 0) closeSync(t.fd);
  rmSync(t.tmp, { force: true });
}

/** Once the temp file is on disk: closes it, gives it the target's mode and renames it over the target. */
function install(t: TempFile, newMode: number): void {
  try {
    closeSync(t.fd);
    t.fd = -1;
    chmodSync(t.tmp, modeOf(t.real) ?? newMode);
    renameSync(t.tmp, t.real);
  } catch (err) {
    abandon(t);
    throw ioError(err);
  }
}

/**
 * The steps of a replacement: a temp file in the same directory, written and fsynced, given the
 * target's mode, renamed over the target (through symlinks), then the directory fsynced. Each
 * fd yielded is to be fsynced before the next step; a failed fsync is thrown back in. On any
 * failure before the rename the temp file is removed and the target is untouched.
 */
function* replaceSteps(target: string, content: FileFill | Buffer, newMode: number): Generator<number, void, void> {
  const t = writeTemp(target, content);
  try {
    yield t.fd;
  } catch (err) {
    abandon(t);
    throw ioError(err);
  }
  install(t, newMode);
  let dir: number;
  try {
    dir = openSync(dirname(t.real), 'r');
  } catch {
    return;
  }
  try {
    yield dir;
  } catch {
    // directories cannot be fsynced on every file system; the rename is already done
  } finally {
    closeSync(dir);
  }
}

type Fsynced = { error: unknown } | null;

/** Replaces `target` with what `fill` writes (replaceSteps), blocking for each fsync. */
export function replaceFile(target: string, fill: FileFill, newMode = 0o600): void {
  const steps = replaceSteps(target, fill, newMode);
  const fsynced = (fd: number): Fsynced => {
    try {
      fsyncSync(fd);
      return null;
    } catch (error) {
      return { error };
    }
  };
  for (let step = steps.next(); !step.done; ) {
    const failed = fsynced(step.value);
    step = failed ? steps.throw(failed.error) : steps.next();
  }
}

const fsyncInPool = promisify(fsync);

/**
 * replaceFile for a server: the two fsyncs, which wait for the disk, run in libuv's pool and the
 * event loop goes on meanwhile. The writes (to the page cache) and the rename are made on the
 * event loop, as the parse and render before them: each through the pool costs more CPU in
 * thread hand-offs than the call itself (a commit of a 3 KB config took 1.3 ms of CPU with all
 * nine in the pool, 0.2 ms with the fsyncs alone there).
 */
export async function replaceFileAsync(target: string, content: FileFill | Buffer, newMode = 0o600): Promise<void> {
  const steps = replaceSteps(target, content, newMode);
  for (let step = steps.next(); !step.done; ) {
    const failed: Fsynced = await fsyncInPool(step.value).then(() => null, (error: unknown) => ({ error }));
    step = failed ? steps.throw(failed.error) : steps.next();
  }
}
