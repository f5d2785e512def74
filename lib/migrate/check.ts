// What makes a list of migrations runnable.
import { ID_PATTERN } from './state.js';
import { isPackageFileName } from '../uci/index.js';
import type { Migration } from './types.js';

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
    if (m.packages !== undefined) {
      if (!Array.isArray(m.packages)) {
        throw new TypeError(`migration '${m.id}': packages must be a list of package names: ${JSON.stringify(m.packages)}`);
      }
      // A package is a file in the confdir (and a router's /etc/config): a name that is no file
      // name there ('../x', '.hidden') is refused here, before any target is read.
      const bad = m.packages.findIndex((p) => typeof p !== 'string' || !isPackageFileName(p));
      if (bad >= 0) throw new TypeError(`migration '${m.id}': invalid package name ${JSON.stringify(m.packages[bad])} in packages`);
    }
    if (seen.has(m.id)) throw new TypeError(`migration id '${m.id}' is listed twice`);
    seen.add(m.id);
  }
}
