// A NetworkPlan written as the snapshot a router running it would give: netifd's ubus replies,
// /sys/class/net, /proc/version, the conntrack helper modules and nft's answers.
import type { SystemSnapshot } from '../types.js';
import type { DeviceSpec, InterfaceSpec, NetworkPlan } from './network.js';

/**
 * The kernel a derived system runs: OpenWrt 24.10's (Linux 6.6). fw4 compares it with 4.10
 * (zone mtu_fix) and 5.6 (ipset match 'net'); any current release passes both.
 */
export const ASSUMED_KERNEL = '6.6.73';

const NFT_FLOWTABLES = '/usr/sbin/nft --terse --json list flowtables inet';
// what `nft --terse --json list flowtables inet` prints with no flowtable loaded
const NO_FLOWTABLES = '{"nftables": [{"metainfo": {"version": "1.1.1", "release_name": "Commodore Bullmoose #2", "json_schema_version": 1}}]}\n';

function dumpEntry(i: InterfaceSpec): Record<string, unknown> {
  return {
    interface: i.name,
    up: true,
    pending: false,
    available: true,
    proto: i.proto,
    ...(i.device !== undefined ? { device: i.device } : {}),
    ...(i.l3Device !== undefined ? { l3_device: i.l3Device } : {}),
    'ipv4-address': i.ipv4,
    'ipv6-address': i.ipv6,
    'ipv6-prefix-assignment': [],
    data: {},
  };
}

// netifd's device status reports these devtypes (system-linux.c reads DEVTYPE from uevent)
const DEVTYPE: Record<DeviceSpec['kind'], string> = {
  bridge: 'bridge', vlan: 'vlan', ethernet: 'ethernet', loopback: 'loopback', tunnel: 'tunnel', wireless: 'wlan',
};

/** The snapshot of `plan` with every device up, the helper modules in `modules` loaded. */
export function planSnapshot(plan: NetworkPlan, modules: readonly string[]): SystemSnapshot {
  const devices = [...plan.devices.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const status: Record<string, unknown> = {};
  const files: Record<string, string> = { '/proc/version': `Linux version ${ASSUMED_KERNEL} (assumed by uci-fw4 snapshot derive) #0 SMP\n` };
  const stat: SystemSnapshot['stat'] = {};
  const dirs: Record<string, string[]> = {};
  for (const d of devices) {
    status[d.name] = {
      devtype: DEVTYPE[d.kind], present: true, up: true,
      ...(d.kind === 'bridge' ? { 'bridge-members': [...d.lower] } : {}),
    };
    // IFF_UP | IFF_BROADCAST | IFF_MULTICAST, and IFF_UP | IFF_LOOPBACK for lo
    files[`/sys/class/net/${d.name}/flags`] = d.kind === 'loopback' ? '0x9\n' : '0x1003\n';
    stat[`/sys/class/net/${d.name}`] = { type: 'directory' };
    dirs[`/sys/class/net/${d.name}`] = [...d.lower.map((l) => `lower_${l}`), 'flags', 'uevent'];
  }
  for (const m of new Set(modules)) stat[`/sys/module/${m}`] = { type: 'directory' };
  return {
    format: 'uci-fw4-snapshot/1',
    ubus: {
      'network.interface~dump': { interface: plan.interfaces.map(dumpEntry) },
      'network.device~status': status,
      'service~get_data~type-firewall': {},
    },
    files,
    stat,
    dirs: { ...dirs, '/usr/share/nftables.d/chain-pre': [], '/usr/share/nftables.d/chain-post': [] },
    globs: {},
    commands: { [NFT_FLOWTABLES]: NO_FLOWTABLES },
    system: {},
    missingStat: 'absent',
    systemDefault: 0,
  };
}
