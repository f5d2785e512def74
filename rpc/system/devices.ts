// luci-rpc's getNetworkDevices (openwrt/luci libs/rpcd-mod-luci/src/luci.c,
// rpc_luci_parse_network_device_sys, lines 648-857): one entry per network device with its
// bridge ports, addresses, counters, flags and link state. On a router every field comes from
// /sys/class/net and getifaddrs(); here each comes from sysfs files when the system source has
// them (a live router, a snapshot's recorded files), and otherwise from what netifd reported
// (the `network.device status` and `network.interface dump` replies).
import { formatIp, maskFromBits, parseIp, type SystemView } from '../../lib/fw4/index.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';

/** netifd's `network.interface dump` entries (netifd ubus.c, netifd_handle_dump). */
export function interfaceDump(view: SystemView): JsonObject[] {
  const dump = view.ubus('network.interface', 'dump') as Json;
  const list = isJsonObject(dump) ? dump.interface : undefined;
  return Array.isArray(list) ? list.filter(isJsonObject) : [];
}

/** netifd's `network.device status` of every device, by name. */
export function deviceStatus(view: SystemView): Record<string, JsonObject> {
  const all = view.ubus('network.device', 'status') as Json;
  const out: Record<string, JsonObject> = {};
  if (isJsonObject(all)) for (const [name, st] of Object.entries(all)) if (isJsonObject(st)) out[name] = st;
  return out;
}

const STATS = ['rx_bytes', 'tx_bytes', 'tx_errors', 'rx_errors', 'tx_packets', 'rx_packets', 'multicast', 'collisions', 'rx_dropped', 'tx_dropped'];

// <linux/if.h>
const IFF = { UP: 0x1, BROADCAST: 0x2, LOOPBACK: 0x8, POINTOPOINT: 0x10, NOARP: 0x80, PROMISC: 0x100, MULTICAST: 0x1000 };
// <linux/if_arp.h>
const ARPHRD = { ETHER: 1, PPP: 512, LOOPBACK: 772, NONE: 65534 };

/** A device name safe to put in a sysfs path (the kernel's own rule: no '/', not '.' or '..'). */
const validName = (n: string) => n !== '' && n !== '.' && n !== '..' && !n.includes('/') && !n.includes('\0');

/** The broadcast address of an IPv4 address and prefix length. */
function broadcast(address: string, bits: number): string {
  const bytes = parseIp(address);
  if (!bytes || bytes.length !== 4) return address;
  return formatIp(bytes.map((byte, i) => byte | (0xff >> Math.max(0, Math.min(8, bits - i * 8)))));
}

const num = (v: Json | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

/** The names /sys/class/net would list: the directory when there is one, else every device netifd named. */
function deviceNames(view: SystemView, status: Record<string, JsonObject>, ifaces: JsonObject[]): string[] {
  const listed = view.openDir('/sys/class/net');
  if (listed?.length) return listed.filter((n) => n !== 'bonding_masters' && validName(n));
  const names = new Set(Object.keys(status));
  for (const i of ifaces) for (const k of ['l3_device', 'device']) if (typeof i[k] === 'string') names.add(i[k] as string);
  return [...names].filter(validName).sort();
}

/** getNetworkDevices' reply: `{name: {…}}` in the order /sys/class/net lists them. */
export function networkDevices(view: SystemView): JsonObject {
  const status = deviceStatus(view);
  const ifaces = interfaceDump(view);
  const names = deviceNames(view, status, ifaces);
  const masters = new Map<string, string>();
  for (const [name, st] of Object.entries(status)) {
    const members = st['bridge-members'];
    if (Array.isArray(members)) for (const m of members) if (typeof m === 'string') masters.set(m, name);
  }
  const out: JsonObject = {};
  names.forEach((name, i) => (out[name] = device(view, name, i + 1, status[name] ?? {}, ifaces, masters)));
  return out;
}

function device(view: SystemView, name: string, index: number, st: JsonObject, ifaces: JsonObject[], masters: Map<string, string>): JsonObject {
  const sys = (f: string): string | null => {
    const text = view.readFile(`/sys/class/net/${name}/${f}`);
    return text === null ? null : text.trim();
  };
  const o: JsonObject = { name };
  const brif = view.openDir(`/sys/class/net/${name}/brif`);
  const members = st['bridge-members'];
  if (brif || st.type === 'bridge' || st.devtype === 'bridge') {
    o.bridge = true;
    o.ports = brif ?? (Array.isArray(members) ? members : []);
    o.id = sys('bridge/bridge_id') ?? '';
    const stp = sys('bridge/stp_state');
    o.stp = stp !== null ? stp !== '0' : st.stp === true;
  }
  const master = view.readlink(`/sys/class/net/${name}/master`)?.split('/').pop() ?? masters.get(name);
  if (master) o.master = master;
  const devtype = /(?:^|\n)DEVTYPE=([^\n]*)/.exec(view.readFile(`/sys/class/net/${name}/uevent`) ?? '')?.[1];
  o.wireless = (sys('phy80211/index') ?? '') !== '' || devtype === 'wlan';
  const oper = sys('operstate');
  o.up = oper !== null ? oper === 'up' || oper === 'unknown' : st.up === true;
  const mtu = Number(sys('mtu') ?? num(st.mtu) ?? 0);
  if (mtu > 0) o.mtu = mtu;
  const qlen = Number(sys('tx_queue_len') ?? num(st.txqueuelen) ?? 0);
  if (qlen > 0) o.qlen = qlen;
  const netifdType = typeof st.devtype === 'string' ? st.devtype : typeof st.type === 'string' ? st.type : undefined;
  o.devtype = devtype ?? (netifdType === '8021q' || netifdType === '8021ad' ? 'vlan' : netifdType ?? 'ethernet');

  const loopback = name === 'lo';
  const pointToPoint = /^(pppoe|pppoa|ppp|3g|wwan|l2tp|pptp|tun|wg|gre)/.test(name) && !loopback;
  const flagsFile = sys('flags');
  const ifFlags = flagsFile !== null ? Number.parseInt(flagsFile, 16) || 0
    : (st.up === true ? IFF.UP : 0) | (loopback ? IFF.LOOPBACK : pointToPoint ? IFF.POINTOPOINT | IFF.NOARP : IFF.BROADCAST) | (loopback ? 0 : IFF.MULTICAST);
  const addrs = (family: 'ipv4-address' | 'ipv6-address'): Json[] => {
    const out: Json[] = [];
    for (const iface of ifaces) {
      if (iface.l3_device !== name || !Array.isArray(iface[family])) continue;
      for (const a of iface[family] as Json[]) {
        if (!isJsonObject(a) || typeof a.address !== 'string' || typeof a.mask !== 'number') continue;
        if (family === 'ipv6-address') out.push({ address: a.address, netmask: maskFromBits(a.mask, true) ?? '' });
        else if (ifFlags & IFF.BROADCAST) out.push({ address: a.address, netmask: maskFromBits(a.mask, false) ?? '', broadcast: broadcast(a.address, a.mask) });
        else out.push({ address: a.address, netmask: maskFromBits(a.mask, false) ?? '' });
      }
    }
    return out;
  };
  o.ipaddrs = addrs('ipv4-address');
  o.ip6addrs = addrs('ipv6-address');

  const type = Number(sys('type') ?? (loopback ? ARPHRD.LOOPBACK : pointToPoint ? (name.startsWith('ppp') ? ARPHRD.PPP : ARPHRD.NONE) : ARPHRD.ETHER));
  const mac = sys('address') ?? (typeof st.macaddr === 'string' ? st.macaddr : null);
  if (type === ARPHRD.ETHER && mac) o.mac = mac.toUpperCase();
  o.type = type;
  const ifindex = Number(sys('ifindex') ?? index);
  o.ifindex = ifindex;

  const counters = isJsonObject(st.statistics) ? st.statistics : {};
  const stats: JsonObject = {};
  for (const k of STATS) stats[k] = Number(sys(`statistics/${k}`) ?? num(counters[k]) ?? 0);
  o.stats = stats;
  o.flags = {
    up: !!(ifFlags & IFF.UP),
    broadcast: !!(ifFlags & IFF.BROADCAST),
    promisc: !!(ifFlags & IFF.PROMISC),
    loopback: !!(ifFlags & IFF.LOOPBACK),
    noarp: !!(ifFlags & IFF.NOARP),
    multicast: !!(ifFlags & IFF.MULTICAST),
    pointtopoint: !!(ifFlags & IFF.POINTOPOINT),
  };
  const link: JsonObject = {};
  const speed = sys('speed') ?? (typeof st.speed === 'string' ? (/^\d+/.exec(st.speed)?.[0] ?? null) : null);
  if (speed) link.speed = Number.parseInt(speed, 10);
  const duplex = sys('duplex') ?? (typeof st.speed === 'string' ? ({ F: 'full', H: 'half' } as Record<string, string>)[st.speed.slice(-1)] : undefined);
  if (duplex) link.duplex = duplex;
  link.carrier = sys('carrier') !== null ? Number(sys('carrier')) === 1 : st.carrier === true;
  link.changes = Number(sys('carrier_changes') ?? 0);
  link.up_count = Number(sys('carrier_up_count') ?? 0);
  link.down_count = Number(sys('carrier_down_count') ?? 0);
  o.link = link;
  return o;
}
