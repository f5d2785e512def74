// The shapes a migration author and a runner caller see.
import type { Transaction } from './transaction.js';
import type { Recovery } from './journal.js';

/** One scripted change. `up` edits the confdir through `tx`; throwing aborts the whole confdir. */
export interface Migration {
  /** Unique, recorded in CONFDIR/.uci-fw4/applied once applied: `[A-Za-z0-9][A-Za-z0-9._:@+-]*`. */
  id: string;
  description: string;
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
