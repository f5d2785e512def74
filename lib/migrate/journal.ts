// All-or-nothing replacement of several files of one confdir.
//
// libuci replaces one file at a time (temp file + rename), so a run that dies between two
// renames leaves a confdir half-migrated. Here every new file is first staged in the state
// directory as `stage.<checksum>.<name>`; once the staged files are durable, `committed` is
// created as a second name of the first staged file: that is the commit point. Once it is
// durable, the staged files are renamed over their configs, and once the renames are durable
// `committed` goes. `recover` (run before any other work on a confdir) finishes a commit whose
// marker exists, renaming what is still staged, each file checked against the checksum in its
// name; without the marker it deletes the staged leftovers, which undoes a commit that never
// reached its commit point (the confdir was never touched). Many confdirs commit as a group,
// sharing their syncs.
//
// A config is replaced under libuci's lock on it (flock on the config file, as `uci commit`
// takes it: lib/uci/lock.ts), held from a check that the file still has the text the migrations
// read until its rename: a `uci commit` by another process lands before (the confdir then
// fails, untouched) or after, never in between.
//
// On ext4 without a journal mounted with `discard` (our CI machines), creating a file scans past
// every recently freed inode of its block group, and freeing a data block waits for the device
// (~0.7 ms): the marker is a link (no new inode, no data of its own), and the renames, which free
// the replaced configs' blocks, run concurrently in the libuv pool.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync,
  renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { link, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LOCK_TIMEOUT_MS, lockFileAsync, type HeldLock } from '../uci/index.js';
import { STATE_DIR } from './state.js';

/** A file to replace: `name` is relative to the confdir (a package name or a state file). */
export interface FileWrite {
  name: string;
  text: string;
  /**
   * A config's text as the migrations read it: the file is replaced under its libuci lock, and
   * only if it still has this text. Not given for the runner's own state files.
   */
  before?: string;
}

/** What `recover` found: nothing to do, an interrupted commit finished, or staged files dropped. */
export type Recovery = 'clean' | 'finished' | 'undone';

/** Test hook: called after each step of a commit; a test kills the process here. */
export type StepHook = (step: string) => void;

const COMMITTED = 'committed';
const STAGED = /^stage\.([0-9a-f]{64})\.(.+)$/; // STATE_DIR/stage.<sha256>.<encoded name>
// The earlier format, which a run of an older uci-fw4 may have left: numbered staged files named
// in a JSON journal (`{version: 1, files: [{name, stage, sha256, mode}]}`), renamed into place
// from journal.tmp; the journal was the commit marker.
const LEGACY_JOURNAL = 'journal';
const LEGACY_STAGE = 'stage-';
const LEGACY_JOURNAL_TMP = 'journal.tmp';
/** How many confdirs commit at once: the libuv pool's four threads, kept busy. */
const CONCURRENCY = 8;
/**
 * How many config locks (each an open fd, held across a sync) a group holds at once: a group of
 * 1024 confdirs is committed in parts, well inside a router's 1024 open files.
 */
const MAX_HELD_LOCKS = 256;

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

function isStaged(file: string): boolean {
  return STAGED.test(file) || file.startsWith(LEGACY_STAGE);
}

/** True when an interrupted commit reached its commit point (only `recover` may touch the confdir then). */
export function hasPendingCommit(confdir: string): boolean {
  const state = join(confdir, STATE_DIR);
  return [COMMITTED, LEGACY_JOURNAL].some((f) => lstatSync(join(state, f), { throwIfNoEntry: false }) !== undefined);
}

interface Rename { name: string; from: string; sha256: string; mode?: number }

/** The files still staged by a committed run, each with the checksum it must match. */
function stagedFiles(state: string, files: string[]): Rename[] {
  if (!files.includes(LEGACY_JOURNAL)) {
    return files.flatMap((f) => {
      const m = STAGED.exec(f);
      return m ? [{ name: decodeURIComponent(m[2]!), from: join(state, f), sha256: m[1]! }] : [];
    });
  }
  const path = join(state, LEGACY_JOURNAL);
  const legacy = JSON.parse(readFileSync(path, 'utf8')) as { version: number; files: Array<{ name: string; stage: string; sha256: string; mode: number }> };
  if (legacy.version !== 1 || !Array.isArray(legacy.files)) throw new Error(`${path}: unknown journal format`);
  return legacy.files
    .filter((e) => files.includes(e.stage)) // the others were renamed before the interruption
    .map((e) => ({ name: e.name, from: join(state, e.stage), sha256: e.sha256, mode: e.mode }));
}

/** Renames every file still staged by a committed run into place, durably. */
function rollForward(confdir: string, state: string, files: string[], hook?: StepHook): void {
  const renames = stagedFiles(state, files);
  for (const r of renames) {
    if (sha256(readFileSync(r.from)) !== r.sha256) {
      throw new Error(`${r.from}: staged file does not match its checksum; the commit is left in place for inspection`);
    }
  }
  const dirs = new Set([confdir, state]);
  for (const r of renames) {
    const to = target(confdir, r.name).path;
    if (r.mode !== undefined) chmodSync(r.from, r.mode);
    mkdirSync(dirname(to), { recursive: true });
    renameSync(r.from, to);
    dirs.add(dirname(to));
    hook?.(`rename ${r.name}`);
  }
  // also the renames the interrupted run made: durable before the marker goes
  for (const dir of dirs) fsyncPath(dir);
}

/** Finishes or undoes an interrupted commit in `confdir`. Idempotent; safe to run at any time. */
export function recover(confdir: string, hook?: StepHook): Recovery {
  const state = join(confdir, STATE_DIR);
  let files: string[];
  try {
    files = readdirSync(state);
  } catch {
    return 'clean';
  }
  const committed = files.includes(COMMITTED) || files.includes(LEGACY_JOURNAL);
  if (committed) rollForward(confdir, state, files, hook);
  const leftovers = files.filter((f) => f === COMMITTED || f === LEGACY_JOURNAL || f === LEGACY_JOURNAL_TMP || isStaged(f));
  for (const f of leftovers) rmSync(join(state, f), { force: true });
  return committed ? 'finished' : leftovers.length > 0 ? 'undone' : 'clean';
}

/** The files of one confdir, staged, waiting for `commitStaged`. */
export interface StagedCommit {
  confdir: string;
  /**
   * Each staged file and the path its rename replaces, in the order given to `stageFiles`;
   * `before`: the sha256 the config must still have (FileWrite.before).
   */
  renames: Array<{ name: string; from: string; to: string; before?: string }>;
  /** Set by `commitStaged` when this confdir's commit failed (its next `recover` settles it). */
  error?: Error;
}

/**
 * Writes the new files into the confdir's state directory, each with the mode of the file it
 * replaces. The caller holds the confdir lock (which made the state directory) and has run
 * `recover` first.
 */
export function stageFiles(confdir: string, writes: FileWrite[], hook?: StepHook): StagedCommit {
  const state = join(confdir, STATE_DIR);
  const renames = writes.map((w) => {
    const to = target(confdir, w.name);
    const from = join(state, `stage.${sha256(w.text)}.${encodeURIComponent(w.name)}`);
    writeFileSync(from, w.text, { mode: to.mode }); // a string is written as UTF-8 in one call
    chmodSync(from, to.mode); // exactly the old mode, whatever the umask
    hook?.(`stage ${w.name}`);
    return { name: w.name, from, to: to.path, ...(w.before !== undefined ? { before: sha256(w.before) } : {}) };
  });
  return { confdir, renames };
}

/** Makes everything written so far durable: sync(1) flushes all file systems in one go. */
export function syncEverything(): void {
  const r = spawnSync('sync', { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`sync failed: ${r.error?.message ?? `exit status ${r.status}`}`);
}

/** Runs fn on every commit, CONCURRENCY at a time; returns those that succeeded (the others get `error`). */
async function step(commits: StagedCommit[], fn: (c: StagedCommit) => Promise<void>): Promise<StagedCommit[]> {
  const ok = new Set<StagedCommit>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < commits.length) {
      const c = commits[next++]!;
      try {
        await fn(c);
        ok.add(c);
      } catch (e) {
        c.error = e instanceof Error ? e : new Error(String(e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, commits.length) }, worker));
  return commits.filter((c) => ok.has(c));
}

/** The configs a commit replaces (the renames with a `before`), in name order. */
function configsOf(c: StagedCommit): StagedCommit['renames'] {
  return c.renames.filter((r) => r.before !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Takes libuci's lock on each config a commit replaces, in name order (as every run does, so two
 * never wait for each other), and checks that each still has the text the migrations read.
 * Throws, holding nothing, when one changed or a lock stays held past LOCK_TIMEOUT_MS.
 */
async function lockUnchanged(c: StagedCommit): Promise<HeldLock[]> {
  const held: HeldLock[] = [];
  try {
    for (const r of configsOf(c)) {
      const lock = await lockFileAsync(join(c.confdir, r.name), true, { timeoutMs: LOCK_TIMEOUT_MS });
      if (lock) held.push(lock);
      if (!lock || sha256(readFileSync(lock.fd)) !== r.before) throw new Error(`${r.name} was changed by someone else during the run; nothing written`);
    }
    return held;
  } catch (e) {
    for (const l of held) l.release();
    throw e;
  }
}

/** The group in parts holding at most MAX_HELD_LOCKS config locks each (at least one confdir). */
function parts(group: StagedCommit[]): StagedCommit[][] {
  const out: StagedCommit[][] = [];
  let part: StagedCommit[] = [];
  let locks = 0;
  for (const c of group) {
    const n = configsOf(c).length;
    if (part.length > 0 && locks + n > MAX_HELD_LOCKS) {
      out.push(part);
      part = [];
      locks = 0;
    }
    part.push(c);
    locks += n;
  }
  if (part.length > 0) out.push(part);
  return out;
}

const marker = (c: StagedCommit): string => join(c.confdir, STATE_DIR, COMMITTED);

/**
 * Commits one part of a group: its config locks, its commit points, a barrier, its renames.
 * Returns the confdirs whose renames are done. A confdir whose configs changed meanwhile loses
 * its staged files here (it never reached its commit point).
 */
async function commitPart(part: StagedCommit[], barrier: () => void, hook?: StepHook): Promise<StagedCommit[]> {
  const locks = new Map<StagedCommit, HeldLock[]>();
  const release = (c: StagedCommit): void => {
    for (const l of locks.get(c) ?? []) l.release();
    locks.delete(c);
  };
  try {
    let live = await step(part, async (c) => {
      locks.set(c, await lockUnchanged(c));
    });
    await Promise.all(part.filter((c) => c.error).flatMap((c) => c.renames.map((r) => unlink(r.from).catch(() => {}))));
    live = await step(live, (c) => link(c.renames[0]!.from, marker(c)));
    hook?.('commit point');
    barrier();
    return await step(live, async (c) => {
      for (const r of c.renames) {
        await rename(r.from, r.to);
        hook?.(`rename ${r.name}`);
      }
      release(c);
    });
  } finally {
    for (const c of [...locks.keys()]) release(c);
  }
}

/**
 * Group commit of staged confdirs: every confdir gets all its new files or none, even if the
 * process dies at any point. Barriers make it durable for the whole group (rather than several
 * fsyncs per confdir): the staged files before any commit point, the commit points of a part
 * (see MAX_HELD_LOCKS) before any of its configs is replaced, the replaced configs before any
 * marker is removed. A confdir whose step fails gets `error`: before its commit point nothing of
 * it is left; after, it is left for its next recover.
 */
export async function commitStaged(group: StagedCommit[], barrier: () => void = syncEverything, hook?: StepHook): Promise<void> {
  const live = group.filter((c) => !c.error && c.renames.length > 0);
  if (live.length === 0) return;
  barrier();
  const renamed: StagedCommit[] = [];
  for (const part of parts(live)) renamed.push(...(await commitPart(part, barrier, hook)));
  barrier();
  // Should an unlink be lost, the next recover finds nothing staged and removes it again.
  await step(renamed, (c) => unlink(marker(c)));
}

/** Replaces every file in `writes` or none of them (one confdir; see commitStaged). */
export async function commitFiles(confdir: string, writes: FileWrite[], hook?: StepHook, barrier?: () => void): Promise<void> {
  if (writes.length === 0) return;
  mkdirSync(join(confdir, STATE_DIR), { recursive: true });
  const staged = stageFiles(confdir, writes, hook);
  await commitStaged([staged], barrier, hook);
  if (staged.error) throw staged.error;
}
