// The part of a run that executes the user's code: each migration's `up` on one Transaction,
// then what the transaction would write (a confdir) or send (a router). The runner calls it in
// its own thread for migrations given as objects, and a worker thread calls it for migrations
// loaded from modules (isolated.ts), where a migration that never returns can be stopped.
import { Transaction, type PendingFile } from './transaction.js';
import { modelSource, type RemoteModel } from './remote/model.js';
import { planPackage, type PackagePlan } from './remote/plan.js';
import type { Migration, MigrationNote } from './types.js';

/** What the migrations run on: a confdir, or a router's packages as read. Plain data. */
export type UpTarget = string | { url: string; model: RemoteModel };

/**
 * What the migrations of one target would change. Plain data: it crosses threads. A confdir's
 * files to write are in `pending`; a router's changes are in `plans` (each with its `uci export`
 * texts before and after, the changes the router will list, and the calls), `pending` empty.
 */
export interface UpOutcome {
  pending: PendingFile[];
  notes: MigrationNote[];
  plans?: PackagePlan[];
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

function remoteOutcome(tx: Transaction, model: RemoteModel, notes: MigrationNote[]): UpOutcome {
  const plans: PackagePlan[] = [];
  for (const c of tx.changed()) {
    const plan = planPackage(c.package, model.packages[c.package]!, c.doc);
    if (plan) plans.push(plan);
  }
  return { pending: [], notes, plans };
}

export async function runUp(target: UpTarget, todo: readonly Migration[]): Promise<UpOutcome> {
  const tx = typeof target === 'string' ? new Transaction(target) : new Transaction(target.url, modelSource(target.model));
  let current: string | undefined;
  try {
    for (const m of todo) {
      current = m.id;
      tx.begin(m.id);
      await m.up(tx);
    }
    current = undefined;
    const notes = [...tx.notes];
    return typeof target === 'string' ? { pending: tx.pending(), notes } : remoteOutcome(tx, target.model, notes);
  } catch (e) {
    throw new MigrationFailure(e instanceof Error ? e.message : String(e), current);
  }
}
