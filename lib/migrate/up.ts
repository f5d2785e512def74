// The part of a confdir's run that executes the user's code: each migration's `up` on one
// Transaction, then what the transaction would write. The runner calls it in its own thread for
// migrations given as objects, and a worker thread calls it for migrations loaded from modules
// (isolated.ts), where a migration that never returns can be stopped.
import { Transaction, type PendingFile } from './transaction.js';
import type { Migration, MigrationNote } from './types.js';

/** What the migrations of one confdir would change. Plain data: it crosses threads. */
export interface UpOutcome {
  pending: PendingFile[];
  notes: MigrationNote[];
}

/** A failure of the user's code (or of the transaction it drove), with the migration it was in. */
export class MigrationFailure extends Error {
  readonly migration?: string;
  constructor(message: string, migration?: string) {
    super(message);
    this.name = 'MigrationFailure';
    if (migration !== undefined) this.migration = migration;
  }
}

export async function runUp(confdir: string, todo: readonly Migration[]): Promise<UpOutcome> {
  const tx = new Transaction(confdir);
  let current: string | undefined;
  try {
    for (const m of todo) {
      current = m.id;
      tx.begin(m.id);
      await m.up(tx);
    }
    current = undefined;
    return { pending: tx.pending(), notes: [...tx.notes] };
  } catch (e) {
    throw new MigrationFailure(e instanceof Error ? e.message : String(e), current);
  }
}
