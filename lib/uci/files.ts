// File system pieces of the Cursor: reading configs and atomic replacement (locks: lock.ts).

import {
  closeSync, constants, fstatSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync, chmodSync, existsSync,
} from 'node:fs';
import { chmod, open, rename, rm, type FileHandle } from 'node:fs/promises';
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

/**
 * Replaces `target` with what `fill` writes: a temp file in the same directory, written and
 * fsynced, given the target's mode, renamed over the target (through symlinks), then the
 * directory fsynced. On any failure the temp file is removed and the target is untouched.
 */
export function replaceFile(target: string, fill: FileFill, newMode = 0o600): void {
  const { real, tmp } = tempBeside(target);
  let fd = -1;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    const out = fd;
    fill((chunk) => writeAll(out, chunk));
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    chmodSync(tmp, modeOf(real) ?? newMode);
    renameSync(tmp, real);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw ioError(err);
  }
  try {
    const dfd = openSync(dirname(real), 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    // directories cannot be fsynced on every file system; the rename is already done
  }
}

/** replaceFile of `data` with the writes, fsyncs and rename in libuv's pool: the event loop goes on meanwhile. */
export async function replaceFileAsync(target: string, data: Buffer | readonly Buffer[], newMode = 0o600): Promise<void> {
  const { real, tmp } = tempBeside(target);
  let file: FileHandle | undefined;
  try {
    file = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    for (const chunk of Buffer.isBuffer(data) ? [data] : data) {
      for (let done = 0; done < chunk.length; ) done += (await file.write(chunk, done)).bytesWritten;
    }
    await file.sync();
    await file.close();
    file = undefined;
    await chmod(tmp, modeOf(real) ?? newMode);
    await rename(tmp, real);
  } catch (err) {
    await file?.close();
    await rm(tmp, { force: true });
    throw ioError(err);
  }
  try {
    const dir = await open(dirname(real), 'r');
    await dir.sync().finally(() => dir.close());
  } catch {
    // as in replaceFile
  }
}
