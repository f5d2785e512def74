// Applies an ordered list of migrations to many confdirs and routers. Each confdir is its own
// unit: its migrations run on one Transaction and are committed together with the applied-id
// record, so a confdir ends up with all of them or none, and a failure in one never touches
// another. Routers (remote/target.ts) run concurrently, `jobs` at a time, each with its own
// deadline; targets are taken from the list (or iterable) only as a job frees up, so a run
// over 10,000 routers holds at most `jobs` models at once.
import { realpathSync, statSync } from 'node:fs';
import { unifiedDiff } from './diff.js';
import { commitStaged, hasPendingCommit, recover, stageFiles, syncEverything, type StagedCommit } from './journal.js';
import { APPLIED_FILE, appendApplied, lockConfdir, readApplied, type ConfdirLock } from './state.js';
import { checkMigrations } from './check.js';
import { IsolatedMigrations, type MigrationInfo } from './isolated.js';
import { MigrationFailure, runUp, type UpOutcome, type UpTarget } from './up.js';
import { migrateTarget, type TargetRun } from './remote/target.js';
import type { ConfdirResult, Migration, RemoteTarget, TargetResult } from './types.js';

export { checkMigrations };

/**
 * The migrations of a run: objects, run in this thread, or modules (built-in names or paths of
 * ES modules, as `uci-fw4 migrate` takes them), run in a worker thread where a migration that
 * never finishes is stopped at the time-out (a busy loop included).
 */
export type MigrationSource = readonly Migration[] | { modules: readonly string[] };

/** Runs the `up` calls of some migrations on one confdir or router model. */
type UpRunner = (target: UpTarget, todo: readonly MigrationInfo[]) => Promise<UpOutcome>;

/** A confdir (its path) or a router. */
export type MigrationTarget = string | RemoteTarget;
/** The targets of a run: a list, or an iterable read as jobs free up (a long target file). */
export type MigrationTargets = readonly MigrationTarget[] | Iterable<MigrationTarget> | AsyncIterable<MigrationTarget>;
export type RunResult = ConfdirResult | TargetResult;

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
  /** Called when a confdir's migrations have run (its commit follows with its group's). Confdirs only. */
  onMigrated?: (done: number, total: number, confdir: string) => void;
  /**
   * Called with each confdir's and router's final result. `total` is the number of targets; for
   * an iterable, the number taken from it so far.
   */
  onProgress?: (done: number, total: number, result: RunResult) => void;
  /**
   * How long one confdir's migrations may run, in ms (default 60000). Past it the confdir fails
   * and nothing of it is written. Migrations given as objects run in this thread: there a
   * migration that never returns (a busy loop) cannot be stopped, only one that never settles.
   * It is also each router's deadline, from login to confirm.
   */
  timeoutMs?: number;
  /** How many routers are migrated at once (default 32). */
  jobs?: number;
  /**
   * Seconds the router waits for the confirm before it rolls back (`uci apply`'s timeout;
   * default: none given, rpcd's own, 60 s: uci.h RPC_APPLY_TIMEOUT).
   */
  rollbackTimeout?: number;
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

/** Runs objects' `up` in this thread, a never-settling one failing at the time-out. */
function inThread(migrations: readonly Migration[], timeoutMs: number): UpRunner {
  const byId = new Map(migrations.map((m) => [m.id, m]));
  return async (target, todo) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MigrationFailure(`did not finish within ${timeoutMs / 1000} s; nothing written`)), timeoutMs);
    });
    try {
      return await Promise.race([runUp(target, todo.map((m) => byId.get(m.id)!)), late]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Runs the migrations on every target: confdirs (a confdir named twice runs once) and routers
 * (results in the order of the targets). Each confdir is migrated on its own; their commits are
 * grouped (`groupSize`, default 1024) to share the syncs. Routers run `jobs` at a time.
 * Migrations from modules that cannot be loaded reject the whole run (nothing is touched).
 */
export function runMigrations(confdirs: readonly string[], source: MigrationSource, opts?: RunOptions): Promise<ConfdirResult[]>;
export function runMigrations(targets: MigrationTargets, source: MigrationSource, opts?: RunOptions): Promise<RunResult[]>;
export async function runMigrations(targets: MigrationTargets, source: MigrationSource, opts: RunOptions = {}): Promise<RunResult[]> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!('modules' in source)) {
    checkMigrations(source);
    return runAll(targets, source, inThread(source, timeoutMs), opts, timeoutMs);
  }
  const isolated = await IsolatedMigrations.start(source.modules, timeoutMs);
  try {
    return await runAll(targets, isolated.migrations, (target, todo) => isolated.run(target, todo.map((m) => m.id)), opts, timeoutMs);
  } finally {
    await isolated.close();
  }
}

/** The real path of a confdir (a missing one keeps its name, to fail on its own). */
function confdirKey(dir: string): string {
  try {
    return realpathSync.native(dir);
  } catch {
    return dir;
  }
}

async function runAll(targets: MigrationTargets, migrations: readonly MigrationInfo[], up: UpRunner, opts: RunOptions, timeoutMs: number): Promise<RunResult[]> {
  const seenDirs = new Set<string>();
  const isNew = (t: MigrationTarget): boolean => {
    if (typeof t !== 'string') return true;
    const key = confdirKey(t);
    if (seenDirs.has(key)) return false;
    seenDirs.add(key);
    return true;
  };
  // a list is counted up front (confdirs once each); an iterable as it is read
  const list = Array.isArray(targets) ? (targets as readonly MigrationTarget[]).filter(isNew) : undefined;
  const results: RunResult[] = [];
  let taken = 0;
  let done = 0;
  let migrated = 0;
  const report = (index: number, r: RunResult): void => {
    results[index] = r;
    opts.onProgress?.(++done, list?.length ?? taken, r);
  };
  const remote: TargetRun = {
    migrations, up, dryRun: opts.dryRun === true, diffs: opts.diffs ?? opts.dryRun === true,
    timeoutMs, ...(opts.rollbackTimeout === undefined ? {} : { rollbackTimeout: opts.rollbackTimeout }),
  };
  const jobs = Math.max(1, opts.jobs ?? 32);
  const running = new Set<Promise<void>>();
  const groupSize = Math.max(1, opts.groupSize ?? 1024);
  let group: { index: number; dir: string }[] = [];
  const flush = async (): Promise<void> => {
    const g = group;
    group = [];
    const onMigrated = (dir: string): void => opts.onMigrated?.(++migrated, list?.length ?? taken, dir);
    const out = await migrateGroup(g.map((x) => x.dir), migrations, up, opts, onMigrated);
    out.forEach((r, i) => report(g[i]!.index, r));
  };
  for await (const t of list ?? targets) {
    if (!list && !isNew(t)) continue;
    const index = taken++;
    if (typeof t === 'string') {
      group.push({ index, dir: t });
      if (group.length >= groupSize) await flush();
      continue;
    }
    if (running.size >= jobs) await Promise.race(running);
    const job: Promise<void> = migrateTarget(t, remote).then((r) => report(index, r)).finally(() => running.delete(job));
    running.add(job);
  }
  if (group.length > 0) await flush();
  await Promise.all(running);
  return results;
}

/** Migrates a group of confdirs and commits them together. */
async function migrateGroup(dirs: readonly string[], migrations: readonly MigrationInfo[], up: UpRunner, opts: RunOptions, onMigrated: (dir: string) => void): Promise<ConfdirResult[]> {
  const group: Prepared[] = [];
  try {
    let like: string | undefined; // the group's locks are names of one (lockConfdir)
    for (const dir of dirs) {
      const p = await prepare(dir, migrations, up, opts, like);
      like = p.lock?.path ?? like;
      group.push(p);
      onMigrated(dir);
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
  return group.map((p) => p.result);
}
