// libuci's uci_commit for the Cursor: one sequence of steps, run by a blocking driver (the
// command) or an asynchronous one (a server: lock waits on timers, fsyncs in libuv's pool).
//
// The locks are libuci's: the config file's for the whole commit, then the change file's from
// reading the staged changes until they are cleared (file.c uci_file_commit, delta.c
// uci_load_delta with flush), so that a `set` of another process lands before or after. The
// file is re-read under the lock, through the locked fd, and every staged change replayed;
// nothing is written when none applies. The new text goes to the file a chunk at a time (Document.writeText).

import { ftruncateSync } from 'node:fs';
import type { Document } from './document.js';
import { replaceFile, replaceFileAsync, type FileFill } from './files.js';
import { lockFileAsync, lockFileSync, type HeldLock, type LockOptions } from './lock.js';

/** What a commit needs of its Cursor's state for one package. */
export interface CommitJob {
  /** The config file. */
  path: string;
  /** The change file, or null when changes are staged in memory only (or not at all). */
  changeFile: string | null;
  /** Re-read under the lock and replay the staged changes (false: write `document()` as it is). */
  replay: boolean;
  /** Writes the package's pending changes to the savedir (before its change file is locked). */
  save(): void;
  /**
   * The document to write, read now from `config`, the fd of the locked config file (null: no
   * file); null when no staged change applies.
   */
  document(config: number | null): Document | null;
  /** Writes the document as the file's new bytes. */
  fill(doc: Document): FileFill;
  /** Forgets the staged changes kept in memory (savedir null). */
  clearMemory(): void;
  /** Ends the commit, whatever happened (the Cursor forgets the loaded package). */
  done(): void;
}

type Step = { lock: string; opts: LockOptions } | { write: string; fill: FileFill };

function* steps(job: CommitJob): Generator<Step, void, HeldLock | null> {
  let config: HeldLock | null = null;
  let delta: HeldLock | null = null;
  try {
    // libuci opens the config for writing, creating it (uci_open_stream with create)
    config = yield { lock: job.path, opts: { createMode: 0o600 } };
    if (job.replay) {
      job.save();
      if (job.changeFile !== null) delta = yield { lock: job.changeFile, opts: { append: true } };
    }
    // the locked fd is the file at the path (lock.ts): no second open, nothing to race with
    const doc = job.document(config?.fd ?? null);
    if (doc === null) return;
    yield { write: job.path, fill: job.fill(doc) };
    if (job.replay) {
      if (job.changeFile === null) job.clearMemory();
      else if (delta) ftruncateSync(delta.fd, 0); // emptied through the change file's lock
    }
  } finally {
    delta?.release();
    config?.release();
    job.done();
  }
}

type Outcome = { value: HeldLock | null } | { error: unknown };

/** Resumes the commit with a step's outcome: its next step, or undefined when it is over. */
function advance(run: Generator<Step, void, HeldLock | null>, outcome: Outcome): Step | undefined {
  const next = 'error' in outcome ? run.throw(outcome.error) : run.next(outcome.value);
  return next.done ? undefined : next.value;
}

/** Runs a commit, waiting for locks by blocking the thread (at most `timeoutMs`, 0: one try). */
export function commitSync(job: CommitJob, timeoutMs: number): void {
  const run = steps(job);
  const perform = (step: Step): Outcome => {
    try {
      if ('lock' in step) return { value: lockFileSync(step.lock, true, { ...step.opts, timeoutMs }) };
      replaceFile(step.write, step.fill);
      return { value: null };
    } catch (error) {
      return { error };
    }
  };
  for (let step = advance(run, { value: null }); step; ) step = advance(run, perform(step));
}

/** Runs a commit whose lock waits are timers and whose fsyncs run in libuv's pool. */
export async function commitAsync(job: CommitJob, timeoutMs: number): Promise<void> {
  const run = steps(job);
  const perform = async (step: Step): Promise<Outcome> => {
    try {
      if ('lock' in step) return { value: await lockFileAsync(step.lock, true, { ...step.opts, timeoutMs }) };
      await replaceFileAsync(step.write, step.fill);
      return { value: null };
    } catch (error) {
      return { error };
    }
  };
  for (let step = advance(run, { value: null }); step; ) step = advance(run, await perform(step));
}
