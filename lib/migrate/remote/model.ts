// A router's packages as the migrations see them: the `values` of `uci get {config}` per
// package, plain data (it crosses into the migrations' worker thread), turned into Documents
// there under the section names rpcd gave (lib/ubus documentFromValues).
import type { PackageSource } from '../../uci/index.js';
import { documentFromValues, UbusError, type UbusClient, type UciValues } from '../../ubus/index.js';

export interface RemoteModel {
  /** Package name → the `values` `uci get` answered. */
  packages: Record<string, UciValues>;
}

/** The model as a Cursor's packages: each asked for document is built anew from the values. */
export function modelSource(model: RemoteModel): PackageSource {
  const names = Object.keys(model.packages).sort();
  return {
    names: () => names,
    document: (name) => (Object.hasOwn(model.packages, name) ? documentFromValues(name, model.packages[name]!) : null),
  };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Reads the packages (every one `uci configs` lists when `packages` is undefined). A package
 * the router does not have is left out (the migration then sees libuci's "not found"); one the
 * login may not read fails the target.
 */
export async function readModel(client: UbusClient, packages: readonly string[] | undefined, timeoutMs: () => number): Promise<RemoteModel> {
  let names = packages;
  if (names === undefined) {
    const listed = await client.request('uci', 'configs', {}, timeoutMs());
    if (!isObject(listed) || !Array.isArray(listed.configs)) throw new Error('uci configs: no list of configs in the reply');
    names = listed.configs.map(String);
  }
  const model: RemoteModel = { packages: {} };
  for (const config of names) {
    const r = await client.call('uci', 'get', { config }, timeoutMs());
    if (!r.ok && r.status === 4) continue;
    if (!r.ok) throw new UbusError(`cannot read package '${config}': ubus call uci get: ${r.error}`, r);
    if (!isObject(r.data) || !isObject(r.data.values)) throw new Error(`uci get ${config}: no values in the reply`);
    model.packages[config] = r.data.values;
  }
  return model;
}
