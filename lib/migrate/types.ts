// The shapes a migration author and a runner caller see.
import type { Transaction } from './transaction.js';
import type { Recovery } from './journal.js';

/** One scripted change. `up` edits the confdir through `tx`; throwing aborts the whole confdir. */
export interface Migration {
  /** Unique, recorded in CONFDIR/.uci-fw4/applied once applied: `[A-Za-z0-9][A-Za-z0-9._:@+-]*`. */
  id: string;
  description: string;
  /**
   * The packages `up` reads or changes. On a router only these are read (`uci get`); without
   * it, every package the router lists is. Ignored on a confdir.
   */
  packages?: readonly string[];
  up(tx: Transaction): void | Promise<void>;
}

/** Something a migration wants the operator to read, located in the file it concerns. */
export interface MigrationNote {
  migration: string;
  package?: string;
  /** Section as `uci show` names it (`@rule[3]` or its name). */
  section?: string;
  option?: string;
  /** 1-based line in the file as it was before the run. */
  line?: number;
  message: string;
}

/** One file a run changes (or would change, in a dry run). */
export interface FileChange {
  package: string;
  /**
   * Unified diff, `--- a/<package>` / `+++ b/<package>` headers: in a dry run, or when the run
   * was asked for diffs (RunOptions.diffs).
   */
  diff?: string;
  /** The staged changes in `uci changes` form (`firewall.@rule[0].name='x'`, `-firewall.x`). */
  changes: string[];
}

export type ConfdirStatus = 'changed' | 'unchanged' | 'failed';

export interface ConfdirResult {
  confdir: string;
  status: ConfdirStatus;
  /** Why it failed (failed only). */
  reason?: string;
  /** The migration whose `up` threw, if that is why it failed. */
  failedMigration?: string;
  /** Ids applied by this run (a dry run: that would be applied). */
  applied: string[];
  /** Ids skipped because the confdir's record already lists them. */
  skipped: string[];
  files: FileChange[];
  notes: MigrationNote[];
  /** What the run found of an earlier interrupted commit. */
  recovery: Recovery;
}

/** A router's JSON-RPC endpoint (uhttpd's `/ubus`, as LuCI uses it) and the login to use. */
export interface RemoteTarget {
  url: string;
  user: string;
  password: string;
  /** What results call it (default: the URL). */
  name?: string;
}

/**
 * `changed`: applied and confirmed; `rolled back`: applied, but no confirm was possible, so the
 * router restores its previous configuration itself when its rollback time-out expires.
 */
export type TargetStatus = 'changed' | 'unchanged' | 'failed' | 'rolled back';

export interface TargetResult {
  /** The target's name, else its URL. */
  target: string;
  url: string;
  status: TargetStatus;
  /** Why it failed or was rolled back. */
  reason?: string;
  /** The migration whose `up` threw, if that is why it failed. */
  failedMigration?: string;
  /** Ids run (a router keeps no record: every migration runs each time; a dry run: would run). */
  applied: string[];
  /**
   * Each package the run changes (would change): `changes` as the router's `uci changes` will
   * list them, `diff` between its `uci export` text before and after.
   */
  files: FileChange[];
  notes: MigrationNote[];
}
