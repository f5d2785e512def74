// When a parse of a config file cached earlier may answer a request. The promise: a change that
// another process finished on disk before a request was sent is seen by that request.
//
// - The check is a stat of the file (inode, size, mtime, ctime), not inotify: an inotify event
//   reaches the event loop on its own schedule, so a request can be answered before the event
//   of a write that finished before it was sent; and a watch misses symlinked files and writes
//   from other hosts.
// - Every request makes its own check (one stat, a few microseconds): a check made now is fresh
//   enough for any request being answered now.
// - Equal stat fields do not prove equal bytes when the file was rewritten within one tick of
//   the file system's clock (the kernel's coarse clock; whole seconds on some file systems). So a
//   parse is reused only if the check before it found the file's ctime older than the check by
//   more than the coarsest tick: a later write then gets a later ctime, and ctime cannot be set
//   back by the writer. A file changed more recently is parsed again on every request until then.
import { statSync } from 'node:fs';
import { sep } from 'node:path';

/** FAT's 2 s timestamps, plus a kernel tick of lag. */
export const SETTLE_MS = 2010;

export interface FileCheck {
  /** null when the file does not exist. */
  ino: number | null;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  /** Whether any change after this check must give other stat fields. */
  settled: boolean;
}

export type StatFn = (path: string) => { ino: number; size: number; mtimeMs: number; ctimeMs: number } | undefined;

const statFile: StatFn = (path) => statSync(path, { throwIfNoEntry: false });

export function sameFile(a: FileCheck, b: FileCheck): boolean {
  return a === b || (a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs);
}

/** May a parse made after `parsedAfter` answer a request for which `now` is fresh enough? */
export function parseStillValid(parsedAfter: FileCheck, now: FileCheck): boolean {
  return parsedAfter.settled && sameFile(parsedAfter, now);
}

/** Checks of the files of one directory, by name. */
export class FileChecks {
  constructor(
    private readonly dir: string,
    private readonly stat: StatFn = statFile,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A check of the file made now. */
  check(name: string): FileCheck {
    const started = this.clock();
    const st = this.stat(this.dir + sep + name);
    if (!st) return { ino: null, size: 0, mtimeMs: 0, ctimeMs: 0, settled: true };
    return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, settled: started - st.ctimeMs > SETTLE_MS };
  }
}
