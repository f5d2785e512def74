// The savedir's change files, written under their flock as libuci writes them: records
// appended (delta.c uci_save), or the file filtered in place (uci_revert, uci_filter_delta).
// A commit empties one through the same lock (commit.ts).

import { fstatSync, ftruncateSync, mkdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UciError } from './errors.js';
import { modeOf, writeAll, type TextEncoding } from './files.js';
import { lockFileSync } from './lock.js';

/**
 * Appends delta records to `savedir/name`, creating the savedir (with the confdir's mode) and
 * the file (with the config's) as libuci does.
 */
export function appendChanges(savedir: string, name: string, records: Buffer, confdir: string, fileMode: number | null, timeoutMs: number): void {
  let st;
  try {
    st = statSync(savedir);
  } catch {
    try {
      mkdirSync(savedir, { mode: modeOf(confdir) ?? 0o700 });
    } catch {
      // libuci ignores this too; opening the file below reports the problem
    }
  }
  if (st && !st.isDirectory()) throw new UciError('IO');
  const lock = lockFileSync(join(savedir, name), true, { append: true, createMode: fileMode ?? 0o600, timeoutMs })!;
  try {
    appendRecords(lock.fd, records);
  } catch {
    throw new UciError('IO');
  } finally {
    lock.release();
  }
}

/** Rewrites a change file with what `filter` keeps of its text (null: leave it); a missing file stays missing. */
export function filterChanges(path: string, filter: (text: string) => string | null, encoding: TextEncoding, timeoutMs: number): void {
  const lock = lockFileSync(path, true, { append: true, timeoutMs });
  if (!lock) return;
  try {
    const kept = filter(readFileSync(lock.fd, encoding));
    if (kept !== null) {
      ftruncateSync(lock.fd, 0);
      writeAll(lock.fd, Buffer.from(kept, encoding));
    }
  } finally {
    lock.release();
  }
}

/**
 * Appends delta records through a change file's locked fd (opened for appending). A writer
 * killed mid-record (SIGKILL cuts a large write short) leaves a line without its newline whose
 * open quote would swallow the records after it on replay; that torn record was never staged,
 * so it is cut off first.
 */
function appendRecords(fd: number, records: Buffer): void {
  const size = fstatSync(fd).size;
  if (size > 0) {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) ftruncateSync(fd, readFileSync(fd).lastIndexOf(0x0a) + 1);
  }
  writeAll(fd, records);
}
