// A router's packages as the migrations see them: the `values` of `uci get {config}` per
// package, plain data (it crosses into the migrations' worker thread), turned into Documents
// there under the section names rpcd gave (lib/ubus documentFromValues).
import type { PackageSource } from '../../uci/index.js';
import { documentFromValues, isObject, JsonRpcCode, replyData, UbusError, UbusStatus, type UbusClient, type UciValues } from '../../ubus/index.js';

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


export interface ReadModel {
  model: RemoteModel;
  /** Packages read in which changes were already staged (`firewall (3)`): another session's. */
  staged: string[];
}

/**
 * Reads the packages (every one `uci configs` lists when `packages` is undefined) and their
 * staged changes, in one batch. A package the router does not have is left out (the migration
 * then sees libuci's "not found"); one the login may not read fails the target.
 */
export async function readModel(client: UbusClient, packages: readonly string[] | undefined, timeoutMs: () => number): Promise<ReadModel> {
  let names = packages;
  if (names === undefined) {
    const r = await client.call('uci', 'configs', {}, timeoutMs());
    if (!r.ok) {
      // LuCI's ACLs grant `uci configs` to no group
      const hint = r.code === JsonRpcCode.ACCESS ? ': give the migrations their `packages`, so that the run reads only those' : '';
      throw new UbusError(`ubus call uci configs: ${r.error}${hint}`, r);
    }
    const listed = r.data;
    if (!isObject(listed) || !Array.isArray(listed.configs)) throw new Error('uci configs: no list of configs in the reply');
    names = listed.configs.map(String);
  }
  const replies = await client.batch(names.flatMap((config) => [
    { object: 'uci', method: 'get', args: { config } },
    { object: 'uci', method: 'changes', args: { config } },
  ]), timeoutMs());
  const out: ReadModel = { model: { packages: {} }, staged: [] };
  names.forEach((config, i) => {
    const r = replies[2 * i]!;
    if (!r.ok && r.status === UbusStatus.NOT_FOUND) return;
    if (!r.ok) throw new UbusError(`cannot read package '${config}': ubus call uci get: ${r.error}`, r);
    if (!isObject(r.data) || !isObject(r.data.values)) throw new Error(`uci get ${config}: no values in the reply`);
    out.model.packages[config] = r.data.values;
    const listed = replyData(replies[2 * i + 1]!, 'uci changes');
    const staged = isObject(listed) && Array.isArray(listed.changes) ? listed.changes.length : 0;
    if (staged > 0) out.staged.push(`${config} (${staged})`);
  });
  return out;
}
