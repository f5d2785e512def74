// The remote provider: a snapshot read from a router over its own JSON-RPC API (rpcd behind
// uhttpd's /ubus, as LuCI uses it), with the login and ACLs of a LuCI user. Each part fw4 needs
// is asked for with the call LuCI's ACLs grant it; a part the user may not read is left out and
// said so, never invented.
import type { UciPackage } from '../../uci/types.js';
import { documentFromValues, isObject, UbusClient, UbusError, UbusStatus, type UbusCall, type UbusReply } from '../../ubus/index.js';
import type { SystemSnapshot } from './types.js';

const NFT_FLOWTABLES = ['--terse', '--json', 'list', 'flowtables', 'inet'];

/** A failed login or exchange with the router. */
export { UbusError as RemoteError };

/** One part of the snapshot, and whether it could be read. */
export interface RemotePart {
  /** What fw4 uses it for, e.g. `network.interface dump`. */
  part: string;
  /** How it was asked for: `ubus call OBJECT METHOD`. */
  call: string;
  /** Absent when read; else why not (`permission denied`, …). */
  error?: string;
}

export interface RemoteSnapshot {
  snapshot: SystemSnapshot;
  parts: RemotePart[];
  /** The UCI packages read with `uci get` (those the ACL allows). */
  configs: UciPackage[];
}

export interface RemoteOptions {
  /** The router's JSON-RPC endpoint, `http://router/ubus`. */
  url: string;
  username: string;
  password: string;
  /** Kernel modules of the conntrack helpers to look for under /sys/module. */
  helperModules?: readonly string[];
  /** UCI packages to read along (default firewall, network, wireless). */
  configs?: readonly string[];
  timeoutMs?: number;
}

// <linux/if.h>, the flags luci-rpc reports by name (luci.c rpc_luci_parse_network_device_sys)
const IFF: Record<string, number> = { up: 0x1, broadcast: 0x2, loopback: 0x8, pointtopoint: 0x10, noarp: 0x80, promisc: 0x100, multicast: 0x1000 };

function flagsFromLuci(flags: Record<string, unknown>): string {
  let n = 0;
  for (const [name, bit] of Object.entries(IFF)) if (flags[name] === true) n |= bit;
  return `0x${n.toString(16)}\n`;
}

/** netifd's device status, as far as fw4 reads it (devtype, bridge members), from getNetworkDevices. */
function deviceStatusFromLuci(devices: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(devices)) {
    if (!isObject(d)) continue;
    const devtype = typeof d.devtype === 'string' ? d.devtype : d.bridge === true ? 'bridge' : 'ethernet';
    out[name] = { devtype, up: d.up === true, ...(Array.isArray(d.ports) ? { 'bridge-members': d.ports.map(String) } : {}) };
  }
  return out;
}

/** `uci get {config}`'s values as a package, sections in their `.index` order. */
export function packageFromUciGet(name: string, values: Record<string, unknown>): UciPackage {
  return documentFromValues(name, values).toPackage();
}

/** Reads the snapshot parts a LuCI user's ACL allows from a router's /ubus endpoint. */
export async function fetchRemoteSnapshot(o: RemoteOptions): Promise<RemoteSnapshot> {
  const client = new UbusClient(o.url, { timeoutMs: o.timeoutMs ?? 10_000 });
  try {
    return await readSnapshot(client, o);
  } finally {
    client.close();
  }
}

async function readSnapshot(client: UbusClient, o: RemoteOptions): Promise<RemoteSnapshot> {
  await client.login(o.username, o.password);
  const parts: RemotePart[] = [];
  const ubus: Record<string, unknown> = {};
  const files: Record<string, string> = {};
  const stat: NonNullable<SystemSnapshot['stat']> = {};
  const dirs: Record<string, string[]> = {};
  const commands: Record<string, string> = {};
  const callText = (c: UbusCall): string => `ubus call ${c.object} ${c.method}${c.args ? ` ${JSON.stringify(c.args)}` : ''}`;
  const answered = (part: string, c: UbusCall, reply: UbusReply): unknown => {
    parts.push({ part, call: callText(c), ...(reply.ok ? {} : { error: reply.error }) });
    return reply.ok ? reply.data : undefined;
  };
  const ask = async (part: string, object: string, method: string, args?: Record<string, unknown>) => (
    answered(part, { object, method, args }, await client.call(object, method, args))
  );

  for (const [object, method, args] of [
    ['network.interface', 'dump'], ['network.device', 'status'], ['service', 'get_data', { type: 'firewall' }],
  ] as const) {
    const data = await ask(`${object} ${method}`, object, method, args);
    const key = `${object}~${method}${args ? Object.entries(args).map(([k, v]) => `~${k}-${v}`).join('') : ''}`;
    if (data !== undefined) ubus[key] = data;
  }

  const version = await ask('kernel version (/proc/version)', 'file', 'read', { path: '/proc/version' });
  if (isObject(version) && typeof version.data === 'string') files['/proc/version'] = version.data;
  else {
    // LuCI's status page may read `system board`, whose `kernel` is the same release
    const board = await ask('kernel version (system board)', 'system', 'board');
    if (isObject(board) && typeof board.kernel === 'string' && /^[0-9]+\.[0-9]+/.test(board.kernel)) {
      files['/proc/version'] = `Linux version ${board.kernel} (from system board)\n`;
    }
  }

  // LuCI's ACLs grant luci-rpc getNetworkDevices but not network.device status or file reads
  // under /sys: the devices' types, bridge ports and flags then come from it
  const luciDevices = await ask('devices (luci-rpc getNetworkDevices)', 'luci-rpc', 'getNetworkDevices');
  const fromLuci = isObject(luciDevices) ? luciDevices : {};
  if (!isObject(ubus['network.device~status']) && isObject(luciDevices)) ubus['network.device~status'] = deviceStatusFromLuci(fromLuci);
  const status = ubus['network.device~status'];
  const devices = (isObject(status) ? Object.keys(status) : []).filter((dev) => /^[A-Za-z0-9_][A-Za-z0-9_.@:+-]*$/.test(dev));
  const modules = o.helperModules ?? [];
  // every device's directory and flags and every helper module's stat: one request, not one each
  const file = (method: string, path: string): UbusCall => ({ object: 'file', method, args: { path } });
  const calls = [
    ...devices.flatMap((dev) => [file('list', `/sys/class/net/${dev}`), file('read', `/sys/class/net/${dev}/flags`)]),
    ...modules.map((module) => file('stat', `/sys/module/${module}`)),
  ];
  const replies = await client.batch(calls);
  devices.forEach((dev, i) => {
    const list = answered(`/sys/class/net/${dev}`, calls[2 * i]!, replies[2 * i]!);
    if (isObject(list) && Array.isArray(list.entries)) {
      dirs[`/sys/class/net/${dev}`] = list.entries.filter(isObject).map((e) => String(e.name));
      stat[`/sys/class/net/${dev}`] = { type: 'directory' };
    }
    const flags = replies[2 * i + 1]!;
    if (flags.ok && isObject(flags.data) && typeof flags.data.data === 'string') files[`/sys/class/net/${dev}/flags`] = flags.data.data;
    else if (isObject(fromLuci[dev]) && isObject(fromLuci[dev].flags)) files[`/sys/class/net/${dev}/flags`] = flagsFromLuci(fromLuci[dev].flags);
    else parts.push({ part: `/sys/class/net/${dev}/flags`, call: callText(calls[2 * i + 1]!), error: flags.ok ? 'no data' : flags.error });
  });
  modules.forEach((module, i) => {
    const st = replies[2 * devices.length + i]!;
    if (st.ok && isObject(st.data)) stat[`/sys/module/${module}`] = { type: st.data.type === 'directory' ? 'directory' : 'file' };
    else if (!st.ok && st.status === UbusStatus.NOT_FOUND) stat[`/sys/module/${module}`] = null;
    parts.push({ part: `/sys/module/${module}`, call: callText(calls[2 * devices.length + i]!), ...(st.ok || st.status === UbusStatus.NOT_FOUND ? {} : { error: st.error }) });
  });

  const nft = await ask('existing flowtables (nft list flowtables)', 'file', 'exec', { command: '/usr/sbin/nft', params: NFT_FLOWTABLES });
  if (isObject(nft) && typeof nft.stdout === 'string') commands[`/usr/sbin/nft ${NFT_FLOWTABLES.join(' ')}`] = nft.stdout;

  const configs: UciPackage[] = [];
  for (const name of o.configs ?? ['firewall', 'network', 'wireless']) {
    const data = await ask(`config ${name}`, 'uci', 'get', { config: name });
    if (isObject(data) && isObject(data.values)) configs.push(packageFromUciGet(name, data.values));
  }
  await client.call('session', 'destroy');
  return {
    snapshot: { format: 'uci-fw4-snapshot/1', ubus, files, stat, dirs, globs: {}, commands, system: {}, missingStat: 'absent', systemDefault: 0 },
    parts,
    configs,
  };
}
