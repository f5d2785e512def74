// The migration state of a confdir lives in CONFDIR/.uci-fw4/: libuci lists only files whose
// name has no dot and is not a dot-file (file.c, uci_list_configs), so `uci show`, `uci export`
// and `uci commit` on the confdir never see it, and it travels with the configs (backups,
// sysupgrade) so a rerun anywhere knows what was applied.
//
//   applied   one line per applied migration: `<id>\t<ISO 8601 time>\n`, in order of application
//   lock      symlink to the pid of the runner working on the confdir (absent when idle); the
//             locks a run holds at once are names of one symlink (hard links)
//   stage.<sha256>.<name>  a new file's contents, staged before the commit point (journal.ts)
//   committed              a second name of a staged file: the commit point, present only while
//                          a commit is being finished
import { linkSync, mkdirSync, readFileSync, readlinkSync, rmdirSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../uci/files.js';

export const STATE_DIR = '.uci-fw4';
export const APPLIED_FILE = `${STATE_DIR}/applied`;
const LOCK_FILE = 'lock';

/** A migration id: it is written to the applied record, one per line. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+-]*$/;

export interface AppliedRecord {
  /** The record file's text ('' when absent). */
  text: string;
  ids: Set<string>;
}

export function readApplied(confdir: string): AppliedRecord {
  const path = join(confdir, APPLIED_FILE);
  // stat first: a missing record is the common case, and a thrown ENOENT costs more than the read
  const text = statSync(path, { throwIfNoEntry: false }) ? readFileSync(path, 'utf8') : '';
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    const id = line.split('\t', 1)[0]!;
    if (id) ids.add(id);
  }
  return { text, ids };
}

export function appendApplied(record: AppliedRecord, ids: string[], now: Date): string {
  return record.text + ids.map((id) => `${id}\t${now.toISOString()}\n`).join('');
}

/** Removes a file that may already be gone (one unlink, where rmSync would stat first). */
function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Removes a directory unless something is in it (one rmdir, where a listing would take three calls). */
function removeEmptyDir(path: string): void {
  try {
    rmdirSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** The pid a lock names: a symlink's target, or the text of a regular file (earlier versions). */
function lockHolder(path: string): number {
  let text: string;
  try {
    text = readlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EINVAL') return NaN;
    text = readFileSync(path, 'utf8');
  }
  return Number.parseInt(text, 10);
}

/** A confdir lock held by this process. */
export interface ConfdirLock {
  path: string;
  /**
   * The lock created the state directory and took no lock over: no earlier run left anything
   * there to recover.
   */
  fresh: boolean;
  release(): void;
}

/**
 * Creates the lock at `path`: a second name of `like` (a lock this process holds) when given
 * and the file system allows, else a symlink of its own. A hard link needs no new inode; on ext4
 * without a journal, creating an inode soon after many deletions walks every recently freed one
 * of its block group, and the unlink of the last name frees it, so a run holding a group of
 * locks pays for one inode, not one per confdir.
 */
function makeLock(path: string, like: string | undefined): void {
  if (like !== undefined) {
    try {
      linkSync(like, path); // link(2) names the symlink itself, not its target
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw e;
      // another file system, too many links, or no hard links: a lock of its own
    }
  }
  symlinkSync(String(process.pid), path);
}

/**
 * Takes the confdir's runner lock. A lock left by a dead process (a killed run) is taken over;
 * one held by a live process is an error naming it. The lock is a symlink whose target is the
 * pid: it appears complete in one step, and, having no data block, it costs no block discard
 * when removed (on ext4 mounted with `discard`, freeing a block waits for the device). With
 * `like`, the path of a lock this process holds, the new lock is another name of that symlink.
 */
export function lockConfdir(confdir: string, like?: string): ConfdirLock {
  const dir = join(confdir, STATE_DIR);
  const path = join(dir, LOCK_FILE);
  // a run that ends up writing nothing leaves no trace in the confdir
  const created = mkdirSync(dir, { recursive: true }) !== undefined;
  const release = (): void => {
    removeFile(path);
    if (created) removeEmptyDir(dir);
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      makeLock(path, like);
      return { path, fresh: created && attempt === 0, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = lockHolder(path);
      if (Number.isInteger(holder) && holder !== process.pid && processAlive(holder)) {
        throw new Error(`confdir is locked by running process ${holder} (${path})`);
      }
      removeFile(path);
    }
  }
  throw new Error(`cannot take the lock ${path}`);
}
