// Applies an ordered list of migrations to many confdirs. Each confdir is its own unit: its
// migrations run on one Transaction and are committed together with the applied-id record, so
// a confdir ends up with all of them or none, and a failure in one never touches another.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unifiedDiff } from './diff.js';
import { commitStaged, hasPendingCommit, recover, stageFiles, syncEverything, type StagedCommit } from './journal.js';
import { APPLIED_FILE, ID_PATTERN, appendApplied, lockConfdir, readApplied, type ConfdirLock } from './state.js';
import { Transaction } from './transaction.js';
import type { ConfdirResult, Migration } from './types.js';

export interface RunOptions {
  /** Compute diffs and change lists, write nothing (no lock, no state directory, no recovery). */
  dryRun?: boolean;
  /**
   * Give each changed file its unified diff (`FileChange.diff`). Default: in a dry run only, so
   * that an apply whose caller shows no diff does not compute one per file.
   */
  diffs?: boolean;
  /** Time written to the applied record (default: now). */
  now?: Date;
  /**
   * Sync to disk before and after each commit point (default true). false keeps the commit
   * atomic if the process dies, not if the machine loses power (for trees on a build host).
   */
  durable?: boolean;
  /** How many confdirs commit together, sharing their syncs (default 1024). */
  groupSize?: number;
  /** Called when a confdir's migrations have run (its commit follows with its group's). */
  onMigrated?: (done: number, total: number, confdir: string) => void;
  /** Called with each confdir's final result. */
  onProgress?: (done: number, total: number, result: ConfdirResult) => void;
}

/** Rejects a migration list that cannot be run (bad shape, bad or repeated id). */
export function checkMigrations(migrations: readonly Migration[]): void {
  const seen = new Set<string>();
  for (const m of migrations) {
    if (typeof m !== 'object' || m === null || typeof m.up !== 'function') {
      throw new TypeError(`not a migration (needs id, description and up(tx)): ${JSON.stringify(m)}`);
    }
    if (typeof m.id !== 'string' || !ID_PATTERN.test(m.id)) {
      throw new TypeError(`invalid migration id ${JSON.stringify(m.id)}: must match ${ID_PATTERN.source}`);
    }
    if (seen.has(m.id)) throw new TypeError(`migration id '${m.id}' is listed twice`);
    seen.add(m.id);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface Prepared {
  result: ConfdirResult;
  staged?: StagedCommit;
  lock?: ConfdirLock;
}

/**
 * Runs the migrations on one confdir and stages its new files. Never throws: a failure is a
 * result. `like`: a lock this run holds, of which the confdir's lock becomes another name.
 */
async function prepare(confdir: string, migrations: readonly Migration[], opts: RunOptions, like?: string): Promise<Prepared> {
  const result: ConfdirResult = { confdir, status: 'unchanged', applied: [], skipped: [], files: [], notes: [], recovery: 'clean' };
  const out: Prepared = { result };
  let current: string | undefined;
  try {
    if (!statSync(confdir).isDirectory()) throw new Error(`${confdir}: not a directory`);
    if (opts.dryRun) {
      if (hasPendingCommit(confdir)) throw new Error('an interrupted commit is pending; run without --dry-run to finish it');
    } else {
      out.lock = lockConfdir(confdir, like);
      if (!out.lock.fresh) result.recovery = recover(confdir);
    }
    const record = readApplied(confdir);
    const todo = migrations.filter((m) => !record.ids.has(m.id));
    result.skipped = migrations.filter((m) => record.ids.has(m.id)).map((m) => m.id);
    if (todo.length === 0) return out;

    const tx = new Transaction(confdir);
    for (const m of todo) {
      current = m.id;
      tx.begin(m.id);
      await m.up(tx);
    }
    current = undefined;
    const pending = tx.pending();
    result.applied = todo.map((m) => m.id);
    result.notes = [...tx.notes];
    const diffs = opts.diffs ?? opts.dryRun === true;
    result.files = pending.map((p) => ({
      package: p.package,
      ...(diffs ? { diff: unifiedDiff(p.package, p.before, p.after) } : {}),
      changes: p.changes,
    }));
    result.status = pending.length > 0 ? 'changed' : 'unchanged';
    if (!opts.dryRun) {
      for (const p of pending) {
        if (readFileSync(join(confdir, p.package), 'utf8') !== p.before) throw new Error(`${p.package} was changed by someone else during the run; nothing written`);
      }
      const applied = appendApplied(record, result.applied, opts.now ?? new Date());
      out.staged = stageFiles(confdir, [...pending.map((p) => ({ name: p.package, text: p.after })), { name: APPLIED_FILE, text: applied }]);
    }
  } catch (e) {
    fail(result, e, current);
  }
  return out;
}

function fail(result: ConfdirResult, e: unknown, migration?: string): void {
  const text = message(e);
  result.status = 'failed';
  result.reason = migration === undefined ? text : `migration '${migration}': ${text}`;
  if (migration !== undefined) result.failedMigration = migration;
  result.applied = [];
  result.files = [];
}

/** Runs the migrations on one confdir (see runMigrations). */
export async function migrateConfdir(confdir: string, migrations: readonly Migration[], opts: RunOptions = {}): Promise<ConfdirResult> {
  return (await runMigrations([confdir], migrations, opts))[0]!;
}

/**
 * Runs the migrations on every confdir (a confdir named twice runs once). Each confdir is
 * migrated on its own; their commits are grouped (`groupSize`, default 1024) to share the syncs.
 */
export async function runMigrations(confdirs: readonly string[], migrations: readonly Migration[], opts: RunOptions = {}): Promise<ConfdirResult[]> {
  checkMigrations(migrations);
  const seen = new Set<string>();
  const unique = confdirs.filter((dir) => {
    let key = dir;
    try {
      key = realpathSync.native(dir);
    } catch {
      // a missing confdir fails on its own below
    }
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const results: ConfdirResult[] = [];
  const groupSize = Math.max(1, opts.groupSize ?? 1024);
  for (let i = 0; i < unique.length; i += groupSize) {
    const group: Prepared[] = [];
    try {
      let like: string | undefined; // the group's locks are names of one (lockConfdir)
      for (const dir of unique.slice(i, i + groupSize)) {
        const p = await prepare(dir, migrations, opts, like);
        like = p.lock?.path ?? like;
        group.push(p);
        opts.onMigrated?.(i + group.length, unique.length, dir);
      }
      const staged = group.flatMap((p) => (p.staged ? [p.staged] : []));
      try {
        await commitStaged(staged, opts.durable === false ? () => {} : syncEverything);
      } catch (e) {
        for (const s of staged) s.error ??= e instanceof Error ? e : new Error(String(e));
      }
      for (const p of group) if (p.staged?.error) fail(p.result, p.staged.error);
    } finally {
      for (const p of group) p.lock?.release();
    }
    for (const p of group) {
      results.push(p.result);
      opts.onProgress?.(results.length, unique.length, p.result);
    }
  }
  return results;
}
