// All-or-nothing replacement of several files of one confdir.
//
// libuci replaces one file at a time (temp file + rename), so a run that dies between two
// renames leaves a confdir half-migrated. Here every new file is first staged in the state
// directory, then a journal naming them all with their checksums: a complete journal is the
// commit point. Renames into the confdir start only once staged files and journal are durable.
// `recover` (run before any other work on a confdir) finishes a commit whose journal parses and
// whose every file checks out (still staged intact, or already renamed: its target holds the
// new text); a torn journal or a staged file lost by a crash before the first sync means no
// rename happened yet, so it undoes the commit by deleting what was staged. Many confdirs commit
// as a group, sharing two syncs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync,
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

/** Test hook: called after each step of a commit; a test kills the process here. */
export type StepHook = (step: string) => void;

const JOURNAL = 'journal';
const STAGE = 'stage-'; // staged files: STATE_DIR/stage-<n>, beside the journal
const OLD_JOURNAL_TMP = 'journal.tmp'; // left by earlier versions, which renamed it into place

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The file a rename must replace and the mode the new file gets: a symlinked config stays a
 * symlink and its target is replaced (libuci's commit does the same); a missing file is created
 * 0600 as libuci does.
 */
function target(confdir: string, name: string): { path: string; mode: number } {
  const path = join(confdir, name);
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return { path, mode: 0o600 };
  if (!st.isSymbolicLink()) return { path, mode: st.mode & 0o7777 };
  try {
    const real = realpathSync.native(path);
    return { path: real, mode: statSync(real).mode & 0o7777 };
  } catch {
    return { path, mode: 0o600 }; // a dangling link is replaced by the file
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readJournal(path: string): Journal | null {
  let parsed: Journal;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Journal;
  } catch {
    return null; // torn by a crash while it was written: no rename can have started
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.files)) throw new Error(`${path}: unknown journal format`);
  return parsed;
}

function sha256Of(path: string): string | null {
  try {
    return sha256(readFileSync(path));
  } catch {
    return null;
  }
}

/** True when an interrupted commit left a journal (only `recover` may touch the confdir then). */
export function hasPendingCommit(confdir: string): boolean {
  return statSync(join(confdir, STATE_DIR, JOURNAL), { throwIfNoEntry: false }) !== undefined;
}

/**
 * Settles the journal of an interrupted commit: renames what is still staged when every file
 * checks out, or reports that the commit never reached its commit point.
 */
function settle(confdir: string, state: string, journalPath: string, hook?: StepHook): 'finished' | 'undone' {
  const journal = readJournal(journalPath);
  if (journal === null) return 'undone';
  const files = journal.files.map((entry) => {
    const staged = join(state, entry.stage);
    const to = target(confdir, entry.name).path;
    const ready = sha256Of(staged) === entry.sha256;
    return { entry, staged, to, ready, done: !ready && sha256Of(to) === entry.sha256 };
  });
  const broken = files.filter((f) => !f.ready && !f.done);
  if (broken.length > 0) {
    // Nothing renamed yet: the crash came before the staged data was durable.
    if (files.every((f) => !f.done)) return 'undone';
    throw new Error(`${join(state, broken[0]!.entry.stage)}: staged file does not match the journal; ${journalPath} left in place`);
  }
  const renamed = files.filter((f) => f.ready);
  for (const f of renamed) {
    chmodSync(f.staged, f.entry.mode);
    fsyncPath(f.staged); // the interrupted run may not have reached its sync
  }
  for (const f of renamed) {
    mkdirSync(dirname(f.to), { recursive: true });
    renameSync(f.staged, f.to);
    hook?.(`rename ${f.entry.name}`);
  }
  // the renames, also those of the interrupted run, are durable before the journal goes
  for (const dir of new Set(files.map((f) => dirname(f.to)))) fsyncPath(dir);
  return 'finished';
}

/** Finishes or undoes an interrupted commit in `confdir`. Idempotent; safe to run at any time. */
export function recover(confdir: string, hook?: StepHook): Recovery {
  const state = join(confdir, STATE_DIR);
  let names: string[];
  try {
    names = readdirSync(state);
  } catch {
    return 'clean';
  }
  let result: Recovery = 'clean';
  if (names.includes(JOURNAL)) result = settle(confdir, state, join(state, JOURNAL), hook);
  const leftovers = names.filter((f) => f === JOURNAL || f.startsWith(STAGE) || f === OLD_JOURNAL_TMP);
  if (result === 'clean' && leftovers.length > 0) result = 'undone';
  for (const f of leftovers) rmSync(join(state, f), { force: true });
  return result;
}

/** The files of one confdir, staged beside their journal, waiting for `commitStaged`. */
export interface StagedCommit {
  confdir: string;
  /** Each staged file and the path its rename replaces. */
  renames: Array<{ name: string; from: string; to: string }>;
  /** Set by `commitStaged` when this confdir's commit failed (its next `recover` settles it). */
  error?: Error;
}

/**
 * Writes the new files, then their journal, into the confdir's state directory. The caller holds
 * the confdir lock and has run `recover` first. Once this returns, an interruption (short of a
 * power loss before the next sync) ends in the new files: `recover` finishes the commit.
 */
export function stageFiles(confdir: string, writes: FileWrite[], hook?: StepHook): StagedCommit {
  const state = join(confdir, STATE_DIR);
  mkdirSync(state, { recursive: true });
  const renames: StagedCommit['renames'] = [];
  const entries: JournalEntry[] = writes.map((w, i) => {
    const stage = `${STAGE}${i}`;
    const from = join(state, stage);
    const to = target(confdir, w.name);
    const data = Buffer.from(w.text, 'utf8');
    writeFileSync(from, data, { mode: to.mode });
    chmodSync(from, to.mode); // exactly the old mode, whatever the umask
    hook?.(`stage ${w.name}`);
    renames.push({ name: w.name, from, to: to.path });
    return { name: w.name, stage, sha256: sha256(data), mode: to.mode };
  });
  const journal: Journal = { version: 1, files: entries };
  writeFileSync(join(state, JOURNAL), JSON.stringify(journal) + '\n', { mode: 0o600 });
  hook?.('journal written');
  return { confdir, renames };
}

/** Makes everything written so far durable: sync(1) flushes all file systems in one go. */
export function syncEverything(): void {
  const r = spawnSync('sync', { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`sync failed: ${r.error?.message ?? `exit status ${r.status}`}`);
}

/**
 * Group commit of staged confdirs: every confdir gets all its new files or none, even if the
 * process dies at any point. Two `barrier` calls make it durable for the whole group (rather
 * than several fsyncs per confdir): staged files and journals before any config is replaced,
 * the replaced configs before any journal is removed. A confdir whose step fails gets `error`
 * and is left for its next recover.
 */
export function commitStaged(group: StagedCommit[], barrier: () => void = syncEverything, hook?: StepHook): void {
  const step = (pending: StagedCommit[], fn: (c: StagedCommit) => void): StagedCommit[] =>
    pending.filter((c) => {
      try {
        fn(c);
        return true;
      } catch (e) {
        c.error = e instanceof Error ? e : new Error(String(e));
        return false;
      }
    });
  let live = group.filter((c) => !c.error);
  if (live.length === 0) return;
  barrier();
  live = step(live, (c) => {
    for (const r of c.renames) {
      renameSync(r.from, r.to);
      hook?.(`rename ${r.name}`);
    }
  });
  barrier();
  // Should an unlink be lost, the next recover finds every file renamed and removes it again.
  step(live, (c) => unlinkSync(join(c.confdir, STATE_DIR, JOURNAL)));
}

/** Replaces every file in `writes` or none of them (one confdir; see commitStaged). */
export function commitFiles(confdir: string, writes: FileWrite[], hook?: StepHook, barrier?: () => void): void {
  if (writes.length === 0) return;
  const staged = stageFiles(confdir, writes, hook);
  commitStaged([staged], barrier, hook);
  if (staged.error) throw staged.error;
}
