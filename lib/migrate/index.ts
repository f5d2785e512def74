// Public API of the migration runner.
export type { ConfdirResult, ConfdirStatus, FileChange, Migration, MigrationNote, RemoteTarget, TargetResult, TargetStatus } from './types.js';
export { Transaction } from './transaction.js';
export {
  checkMigrations, migrateConfdir, runMigrations, type MigrationSource, type MigrationTarget, type MigrationTargets, type RunOptions, type RunResult,
} from './runner.js';
export { loadMigrations } from './load.js';
export { recover, type Recovery } from './journal.js';
export { unifiedDiff } from './diff.js';
export { APPLIED_FILE, STATE_DIR } from './state.js';
export { fw4Compat } from './builtin/fw4-compat.js';
