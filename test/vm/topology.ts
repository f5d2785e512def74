// The guest's network, as guest/scenario.sh builds it, and the system snapshot that describes
// the router in it: namespaces c (lan side), s (wan side) and d (dmz side), each joined to the
// router r by a veth pair whose router end is named lan, wan or dmz.
import type { SystemSnapshot } from '../../lib/fw4/index.js';
import { hardwareCapabilityEntries } from '../../lib/fw4/index.js';

export const ROUTER = 'r';

export const HOSTS = {
  /** lan side: namespace c, 10.1.0.2 behind the router's lan (10.1.0.1). */
  c: '10.1.0.2',
  /** wan side: namespace s, 10.2.0.2 behind the router's wan (10.2.0.1). */
  s: '10.2.0.2',
  /** dmz side: namespace d, 10.3.0.2 behind the router's dmz (10.3.0.1). */
  d: '10.3.0.2',
} as const;

export const ROUTER_WAN = '10.2.0.1';

function iface(name: string, address: string) {
  return {
    interface: name, up: true, proto: 'static', device: name, l3_device: name,
    'ipv4-address': [{ address, mask: 24 }], 'ipv6-address': [], 'ipv6-prefix-assignment': [], data: {},
  };
}

/**
 * The router as netifd would report it: interfaces lan and wan on the devices of the same name,
 * the dmz device present (a zone can name it with `device`), the ftp conntrack helper loaded, and
 * fw4's hardware-offload probe failing for veth devices (the guest runs the probe to confirm).
 */
export function routerSnapshot(): SystemSnapshot {
  return {
    format: 'uci-fw4-snapshot/1',
    ubus: { 'network.interface~dump': { interface: [iface('lan', '10.1.0.1'), iface('wan', '10.2.0.1')] } },
    files: { '/proc/version': 'Linux version 6.1.0 (guest)' },
    dirs: { '/sys/class/net/lan': [], '/sys/class/net/wan': [], '/sys/class/net/dmz': [] },
    stat: { '/sys/module/nf_conntrack_ftp': { type: 'directory' } },
    // fw4 asks for existing flowtables first; the guest router has none
    commands: { '/usr/sbin/nft --terse --json list flowtables inet': '{"nftables": []}' },
    system: hardwareCapabilityEntries({ lan: false, wan: false }),
  };
}
