// luci-rpc's getHostHints (openwrt/luci libs/rpcd-mod-luci/src/luci.c, lines 1196-1828): for
// each MAC address seen, its IPv4 and IPv6 addresses (highest source priority first, then by
// address bytes) and a host name. Sources, in luci.c's order: the dhcp config's `host` sections
// (names only: line 1503 reads `ip` only when it is not a plain option, so a static lease's
// address never shows), the DHCP lease files, /etc/ethers, and the machine's own interfaces.
// The kernel's neighbour table and reverse DNS (network.rrdns) exist only on a live router.
import { formatIp, parseIp, type IpBytes, type SystemView } from '../../lib/fw4/index.js';
import type { UciPackage } from '../../lib/uci/index.js';
import type { JsonObject } from '../json.js';
import { parseMac, readLeases } from './leases.js';

// lines 1203-1207
const PRIO_ETHER = 50;
const PRIO_LEASEFILE = 100;
const PRIO_IFADDRS = 200;

interface Hint {
  name?: string;
  v4: Map<string, { bytes: IpBytes; prio: number }>;
  v6: Map<string, { bytes: IpBytes; prio: number }>;
}

/** host_hint_addr_avl_cmp, lines 1218-1232: priority descending, then address bytes. */
function ordered(addrs: Map<string, { bytes: IpBytes; prio: number }>): string[] {
  const list = [...addrs.values()];
  list.sort((a, b) => {
    if (a.prio !== b.prio) return b.prio - a.prio;
    for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) return a.bytes[i]! - b.bytes[i]!;
    return 0;
  });
  return list.filter((a) => a.bytes.some((b) => b !== 0)).map((a) => formatIp(a.bytes));
}

export interface HostSources {
  view: SystemView;
  dhcp: UciPackage | null;
  /** The machine's own devices: MAC and addresses (getNetworkDevices' entries). */
  devices: JsonObject;
  now: number;
}

export function hostHints({ view, dhcp, devices, now }: HostSources): JsonObject {
  const hints = new Map<string, Hint>();
  const hint = (mac: string | undefined): Hint | undefined => {
    if (!mac) return undefined;
    let h = hints.get(mac);
    if (!h) hints.set(mac, (h = { v4: new Map(), v6: new Map() }));
    return h;
  };
  // rpc_luci_add_host_hint_addr: an address seen again keeps the higher priority
  const add = (h: Hint | undefined, text: string | undefined, prio: number) => {
    const bytes = text === undefined ? null : parseIp(text);
    if (!h || !bytes) return;
    const map = bytes.length === 4 ? h.v4 : h.v6;
    const key = formatIp(bytes);
    const known = map.get(key);
    if (!known || known.prio < prio) map.set(key, { bytes, prio });
  };
  const name = (h: Hint | undefined, n: string | undefined) => {
    if (h && n && h.name === undefined) h.name = n;
  };

  for (const s of dhcp?.sections ?? []) {
    if (s.type !== 'host') continue;
    const n = s.options.get('name');
    const macs = s.options.get('mac');
    const list = typeof macs === 'string' ? macs.split(/[ \t]+/) : (macs ?? []);
    for (const m of list) name(hint(parseMac(m)), typeof n === 'string' ? n : undefined);
  }
  for (const lease of readLeases(view, dhcp, now)) {
    if (!lease.mac) continue;
    const h = hint(lease.mac);
    for (const a of lease.addrs) add(h, a, PRIO_LEASEFILE);
    name(h, lease.hostname);
  }
  for (const line of (view.readFile('/etc/ethers') ?? '').split('\n')) {
    const [mac, second] = line.split(/[ \t]+/).filter(Boolean);
    const h = hint(parseMac(mac));
    if (!h || second === undefined) continue;
    if (parseIp(second)?.length === 4) add(h, second, PRIO_ETHER);
    else name(h, second);
  }
  // rpc_luci_get_host_hints_ifaddrs: a device's last IPv4 and last IPv6 address
  for (const dev of Object.values(devices)) {
    const d = dev as { mac?: string; ipaddrs?: { address: string }[]; ip6addrs?: { address: string }[] };
    const v4 = d.ipaddrs?.at(-1)?.address;
    const v6 = d.ip6addrs?.at(-1)?.address;
    if (!d.mac || d.mac === '00:00:00:00:00:00' || (v4 === undefined && v6 === undefined)) continue;
    const h = hint(d.mac);
    add(h, v4, PRIO_IFADDRS);
    add(h, v6, PRIO_IFADDRS);
  }

  const out: JsonObject = {};
  for (const mac of [...hints.keys()].sort()) {
    const h = hints.get(mac)!;
    out[mac] = { ipaddrs: ordered(h.v4), ip6addrs: ordered(h.v6), ...(h.name !== undefined ? { name: h.name } : {}) };
  }
  return out;
}
