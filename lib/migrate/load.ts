// Resolves a MIGRATION argument of `uci-fw4 migrate`: a built-in name, or the path of an ES
// module whose default export (or `migrations` export) is a migration or an array of them.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtins } from './builtin/index.js';
import { importModule } from './import-module.js';
import { locateModuleError } from './module-error.js';
import type { Migration } from './types.js';

export async function loadMigrations(spec: string): Promise<Migration[]> {
  const builtin = builtins[spec];
  if (builtin) return [await builtin()];
  const path = resolve(spec);
  if (!existsSync(path)) {
    throw new Error(`'${spec}' is neither a built-in migration (${Object.keys(builtins).join(', ')}) nor a file`);
  }
  let mod: { default?: unknown; migrations?: unknown };
  try {
    mod = (await importModule(pathToFileURL(path).href)) as typeof mod;
  } catch (e) {
    throw new Error(locateModuleError(e, path));
  }
  const exported = mod.migrations ?? mod.default;
  if (exported === undefined) throw new Error(`${spec}: exports neither 'migrations' nor a default export`);
  return (Array.isArray(exported) ? exported : [exported]) as Migration[];
}
