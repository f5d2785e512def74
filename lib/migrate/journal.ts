// All-or-nothing replacement of several files of one confdir.
//
// libuci replaces one file at a time (temp file + rename), so a run that dies between two
// renames leaves a confdir half-migrated. Here every new file is first written and fsynced into
// the state directory, then one journal naming them all is renamed into place: that rename is
// the commit point. Renames into the confdir follow; `recover` (run before any other work on a
// confdir) finishes them when a journal is present, and otherwise only deletes staged leftovers,
// which undoes a commit that had not reached its commit point (the confdir was never touched).
import { createHash } from 'node:crypto';
import {
  closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync,
  renameSync, rmSync, statSync, writeSync, chmodSync, unlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { STATE_DIR } from './state.js';

/** A file to replace: `name` is relative to the confdir (a package name or a state file). */
export interface FileWrite { name: string; text: string }

/** What `recover` found: nothing to do, an interrupted commit finished, or staged files dropped. */
export type Recovery = 'clean' | 'finished' | 'undone';

interface JournalEntry { name: string; stage: string; sha256: string; mode: number }
interface Journal { version: 1; files: JournalEntry[] }

/** Test hook: called after each durable step; a test kills the process here. */
export type StepHook = (step: string) => void;

const JOURNAL = 'journal';
const STAGE = 'stage';

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function writeDurably(path: string, data: string, mode: number): void {
  const fd = openSync(path, 'w', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The file a rename must replace: a symlinked config stays a symlink (libuci's commit does the same). */
function targetPath(confdir: string, name: string): string {
  const path = join(confdir, name);
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function fileMode(path: string): number {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return 0o600; // libuci creates missing configs with 0600
  }
}

function readJournal(path: string): Journal {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Journal;
  if (parsed.version !== 1 || !Array.isArray(parsed.files)) throw new Error(`${path}: unknown journal format`);
  return parsed;
}

/** True when a commit reached its commit point but not its end (only `recover` may touch the confdir). */
export function hasPendingCommit(confdir: string): boolean {
  return existsSync(join(confdir, STATE_DIR, JOURNAL));
}

/** Finishes or undoes an interrupted commit in `confdir`. Idempotent; safe to run at any time. */
export function recover(confdir: string, hook?: StepHook): Recovery {
  const state = join(confdir, STATE_DIR);
  const journalPath = join(state, JOURNAL);
  const stageDir = join(state, STAGE);
  let result: Recovery = 'clean';
  if (existsSync(journalPath)) {
    const journal = readJournal(journalPath);
    for (const entry of journal.files) {
      const staged = join(stageDir, entry.stage);
      if (!existsSync(staged)) continue; // already renamed before the interruption
      if (sha256(readFileSync(staged)) !== entry.sha256) {
        throw new Error(`${staged}: staged file does not match the journal; ${journalPath} left in place`);
      }
      moveIntoPlace(staged, targetPath(confdir, entry.name), entry.mode);
      hook?.(`rename ${entry.name}`);
    }
    syncDir(confdir);
    unlinkSync(journalPath);
    syncDir(state);
    result = 'finished';
  }
  if (existsSync(stageDir)) {
    const leftovers = readdirSync(stageDir);
    if (leftovers.length > 0 && result === 'clean') result = 'undone';
    for (const f of leftovers) rmSync(join(stageDir, f), { force: true });
  }
  if (existsSync(`${journalPath}.tmp`)) {
    rmSync(`${journalPath}.tmp`, { force: true });
    if (result === 'clean') result = 'undone';
  }
  return result;
}

function moveIntoPlace(staged: string, target: string, mode: number): void {
  mkdirSync(dirname(target), { recursive: true });
  chmodSync(staged, mode);
  renameSync(staged, target);
}

/**
 * Replaces every file in `writes` or none of them, even if the process dies at any point.
 * The caller holds the confdir lock and has run `recover` first.
 */
export function commitFiles(confdir: string, writes: FileWrite[], hook?: StepHook): void {
  if (writes.length === 0) return;
  const state = join(confdir, STATE_DIR);
  const stageDir = join(state, STAGE);
  mkdirSync(stageDir, { recursive: true });
  const entries: JournalEntry[] = writes.map((w, i) => {
    const stage = String(i);
    const mode = fileMode(targetPath(confdir, w.name));
    writeDurably(join(stageDir, stage), w.text, mode);
    hook?.(`stage ${w.name}`);
    return { name: w.name, stage, sha256: sha256(w.text), mode };
  });
  syncDir(stageDir);
  const journalPath = join(state, JOURNAL);
  const journal: Journal = { version: 1, files: entries };
  writeDurably(`${journalPath}.tmp`, JSON.stringify(journal) + '\n', 0o600);
  hook?.('journal written');
  renameSync(`${journalPath}.tmp`, journalPath);
  syncDir(state);
  hook?.('commit point');
  recover(confdir, hook);
}
