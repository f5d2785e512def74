// All-or-nothing replacement of several files of one confdir.
//
// libuci replaces one file at a time (temp file + rename), so a run that dies between two
// renames leaves a confdir half-migrated. Here every new file is first written into the state
// directory with a journal naming them all; once that is durable, the journal is renamed into
// place: that rename is the commit point. Renames into the confdir follow; `recover` (run before
// any other work on a confdir) finishes them when a journal is present, and otherwise only
// deletes staged leftovers, which undoes a commit that had not reached its commit point (the
// confdir was never touched). Many confdirs commit as a group, sharing three syncs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync,
  renameSync, rmSync, statSync, unlinkSync, writeFileSync,
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
const STAGE = 'stage-'; // staged files: STATE_DIR/stage-<n>, beside the journal

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
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

/** Renames every staged file of the journal into place; the journal stays. */
function rollForward(confdir: string, state: string, journalPath: string, hook?: StepHook): void {
  for (const entry of readJournal(journalPath).files) {
    const staged = join(state, entry.stage);
    if (!existsSync(staged)) continue; // already renamed before the interruption
    if (sha256(readFileSync(staged)) !== entry.sha256) {
      throw new Error(`${staged}: staged file does not match the journal; ${journalPath} left in place`);
    }
    mkdirSync(dirname(targetPath(confdir, entry.name)), { recursive: true });
    chmodSync(staged, entry.mode);
    renameSync(staged, targetPath(confdir, entry.name));
    hook?.(`rename ${entry.name}`);
  }
}

/** Finishes or undoes an interrupted commit in `confdir`. Idempotent; safe to run at any time. */
export function recover(confdir: string, hook?: StepHook): Recovery {
  const state = join(confdir, STATE_DIR);
  const journalPath = join(state, JOURNAL);
  let result: Recovery = 'clean';
  if (!existsSync(state)) return result;
  if (existsSync(journalPath)) {
    rollForward(confdir, state, journalPath, hook);
    syncDir(confdir);
    unlinkSync(journalPath);
    result = 'finished';
  }
  const leftovers = readdirSync(state).filter((f) => f.startsWith(STAGE) || f === `${JOURNAL}.tmp`);
  if (leftovers.length > 0 && result === 'clean') result = 'undone';
  for (const f of leftovers) rmSync(join(state, f), { force: true });
  return result;
}

/** The files of one confdir, written beside their journal, waiting for `commitStaged`. */
export interface StagedCommit {
  confdir: string;
  /** Set by `commitStaged` when this confdir's commit failed (its next `recover` settles it). */
  error?: Error;
}

/**
 * Writes the new files and their journal (as `journal.tmp`, not yet the commit point) into the
 * confdir's state directory. The caller holds the confdir lock and has run `recover` first.
 */
export function stageFiles(confdir: string, writes: FileWrite[], hook?: StepHook): StagedCommit {
  const state = join(confdir, STATE_DIR);
  mkdirSync(state, { recursive: true });
  const entries: JournalEntry[] = writes.map((w, i) => {
    const stage = `${STAGE}${i}`;
    const mode = fileMode(targetPath(confdir, w.name));
    writeFileSync(join(state, stage), w.text, { mode });
    hook?.(`stage ${w.name}`);
    return { name: w.name, stage, sha256: sha256(w.text), mode };
  });
  const journal: Journal = { version: 1, files: entries };
  writeFileSync(join(state, `${JOURNAL}.tmp`), JSON.stringify(journal) + '\n', { mode: 0o600 });
  hook?.('journal written');
  return { confdir };
}

/** Makes everything written so far durable: sync(1) flushes all file systems in one go. */
export function syncEverything(): void {
  const r = spawnSync('sync', { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`sync failed: ${r.error?.message ?? `exit status ${r.status}`}`);
}

/**
 * Group commit of staged confdirs: every confdir gets all its new files or none, even if the
 * process dies at any point. Three `barrier` calls make it durable for the whole group (rather
 * than several fsyncs per confdir): the staged data before any commit point, the commit points
 * (journal renamed into place) before any config is replaced, the replaced configs before any
 * journal is removed. A confdir whose step fails gets `error` and is left for its next recover.
 */
export function commitStaged(group: StagedCommit[], barrier: () => void = syncEverything, hook?: StepHook): void {
  const step = (pending: StagedCommit[], fn: (c: StagedCommit, state: string) => void): StagedCommit[] =>
    pending.filter((c) => {
      try {
        fn(c, join(c.confdir, STATE_DIR));
        return true;
      } catch (e) {
        c.error = e instanceof Error ? e : new Error(String(e));
        return false;
      }
    });
  let live = group.filter((c) => !c.error);
  if (live.length === 0) return;
  barrier();
  live = step(live, (_c, state) => renameSync(join(state, `${JOURNAL}.tmp`), join(state, JOURNAL)));
  hook?.('commit point');
  barrier();
  live = step(live, (c, state) => rollForward(c.confdir, state, join(state, JOURNAL), hook));
  barrier();
  // Should an unlink be lost, the next recover finds every staged file renamed and removes it again.
  step(live, (_c, state) => unlinkSync(join(state, JOURNAL)));
}

/** Replaces every file in `writes` or none of them (one confdir; see commitStaged). */
export function commitFiles(confdir: string, writes: FileWrite[], hook?: StepHook, barrier?: () => void): void {
  if (writes.length === 0) return;
  const staged = stageFiles(confdir, writes, hook);
  commitStaged([staged], barrier, hook);
  if (staged.error) throw staged.error;
}
