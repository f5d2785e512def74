// Applies an ordered list of migrations to many confdirs. Each confdir is its own unit: its
// migrations run on one Transaction and are committed together with the applied-id record, so
// a confdir ends up with all of them or none, and a failure in one never touches another.
import { realpathSync, statSync } from 'node:fs';
import { unifiedDiff } from './diff.js';
import { commitStaged, hasPendingCommit, recover, stageFiles, syncEverything, type StagedCommit } from './journal.js';
import { APPLIED_FILE, appendApplied, lockConfdir, readApplied, type ConfdirLock } from './state.js';
import { checkMigrations } from './check.js';
import { IsolatedMigrations, type MigrationInfo } from './isolated.js';
import { MigrationFailure, runUp, type UpOutcome } from './up.js';
import type { ConfdirResult, Migration } from './types.js';

export { checkMigrations };

/**
 * The migrations of a run: objects, run in this thread, or modules (built-in names or paths of
 * ES modules, as `uci-fw4 migrate` takes them), run in a worker thread where a migration that
 * never finishes is stopped at the time-out (a busy loop included).
 */
export type MigrationSource = readonly Migration[] | { modules: readonly string[] };

/** Runs the `up` calls of some migrations on one confdir. */
type UpRunner = (confdir: string, todo: readonly MigrationInfo[]) => Promise<UpOutcome>;

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
  /**
   * How long one confdir's migrations may run, in ms (default 60000). Past it the confdir fails
   * and nothing of it is written. Migrations given as objects run in this thread: there a
   * migration that never returns (a busy loop) cannot be stopped, only one that never settles.
   */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

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
async function prepare(confdir: string, migrations: readonly MigrationInfo[], up: UpRunner, opts: RunOptions, like?: string): Promise<Prepared> {
  const result: ConfdirResult = { confdir, status: 'unchanged', applied: [], skipped: [], files: [], notes: [], recovery: 'clean' };
  const out: Prepared = { result };
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

    const { pending, notes } = await up(confdir, todo);
    result.applied = todo.map((m) => m.id);
    result.notes = notes;
    const diffs = opts.diffs ?? opts.dryRun === true;
    result.files = pending.map((p) => ({
      package: p.package,
      ...(diffs ? { diff: unifiedDiff(p.package, p.before, p.after) } : {}),
      changes: p.changes,
    }));
    result.status = pending.length > 0 ? 'changed' : 'unchanged';
    if (!opts.dryRun) {
      // each config is checked against `before` under its lock at commit (journal.ts)
      const applied = appendApplied(record, result.applied, opts.now ?? new Date());
      const configs = pending.map((p) => ({ name: p.package, text: p.after, before: p.before }));
      out.staged = stageFiles(confdir, [...configs, { name: APPLIED_FILE, text: applied }]);
    }
  } catch (e) {
    fail(result, e, e instanceof MigrationFailure ? e.migration : undefined);
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
export async function migrateConfdir(confdir: string, migrations: MigrationSource, opts: RunOptions = {}): Promise<ConfdirResult> {
  return (await runMigrations([confdir], migrations, opts))[0]!;
}

/** The confdirs, each once (by real path; a missing one stays, to fail on its own). */
function uniqueConfdirs(confdirs: readonly string[]): string[] {
  const seen = new Set<string>();
  return confdirs.filter((dir) => {
    let key = dir;
    try {
      key = realpathSync.native(dir);
    } catch {
      // a missing confdir fails on its own
    }
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Runs objects' `up` in this thread, a never-settling one failing at the time-out. */
function inThread(migrations: readonly Migration[], timeoutMs: number): UpRunner {
  const byId = new Map(migrations.map((m) => [m.id, m]));
  return async (confdir, todo) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MigrationFailure(`did not finish within ${timeoutMs / 1000} s; nothing written`)), timeoutMs);
    });
    try {
      return await Promise.race([runUp(confdir, todo.map((m) => byId.get(m.id)!)), late]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Runs the migrations on every confdir (a confdir named twice runs once). Each confdir is
 * migrated on its own; their commits are grouped (`groupSize`, default 1024) to share the syncs.
 * Migrations from modules that cannot be loaded reject the whole run (nothing is touched).
 */
export async function runMigrations(confdirs: readonly string[], source: MigrationSource, opts: RunOptions = {}): Promise<ConfdirResult[]> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!('modules' in source)) {
    checkMigrations(source);
    return runAll(uniqueConfdirs(confdirs), source, inThread(source, timeoutMs), opts);
  }
  const isolated = await IsolatedMigrations.start(source.modules, timeoutMs);
  try {
    return await runAll(uniqueConfdirs(confdirs), isolated.migrations, (dir, todo) => isolated.run(dir, todo.map((m) => m.id)), opts);
  } finally {
    await isolated.close();
  }
}

async function runAll(unique: readonly string[], migrations: readonly MigrationInfo[], up: UpRunner, opts: RunOptions): Promise<ConfdirResult[]> {
  const results: ConfdirResult[] = [];
  const groupSize = Math.max(1, opts.groupSize ?? 1024);
  for (let i = 0; i < unique.length; i += groupSize) {
    const group: Prepared[] = [];
    try {
      let like: string | undefined; // the group's locks are names of one (lockConfdir)
      for (const dir of unique.slice(i, i + groupSize)) {
        const p = await prepare(dir, migrations, up, opts, like);
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
