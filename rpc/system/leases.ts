// DHCP leases as luci-rpc reads them (openwrt/luci libs/rpcd-mod-luci/src/luci.c, lease_open
// and lease_next, lines 395-640): dnsmasq's lease files (the `leasefile` of the dhcp config's
// dnsmasq sections, else /tmp/dhcp.leases) and odhcpd's (`leasefile` of odhcpd sections, else
// /tmp/odhcpd.leases), read through the system source.
import type { SystemView } from '../../lib/fw4/index.js';
import type { UciPackage } from '../../lib/uci/index.js';

export interface Lease {
  family: 4 | 6;
  /** Seconds left; 0 once past; -1 for an infinite lease. */
  expire: number;
  mac?: string;
  iface?: string;
  hostname?: string;
  duid?: string;
  iaid?: string;
  addrs: string[];
  mask: number;
}

/** ether_aton: six groups of one or two hex digits; the canonical upper-case form. */
export function parseMac(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const m = /^([0-9a-f]{1,2}):([0-9a-f]{1,2}):([0-9a-f]{1,2}):([0-9a-f]{1,2}):([0-9a-f]{1,2}):([0-9a-f]{1,2})$/i.exec(text);
  return m ? m.slice(1).map((g) => g.padStart(2, '0').toUpperCase()).join(':') : undefined;
}

/** duid2ea, lines 263-306: the MAC inside a DUID-LLT (type 1) or DUID-LL (type 3) of Ethernet. */
function duidMac(duid: string | undefined): string | undefined {
  if (!duid || !/^[0-9a-f]+$/i.test(duid)) return undefined;
  let p: string | undefined;
  if (duid.length === 28 && duid.startsWith('00010001')) p = duid.slice(16);
  else if (duid.length === 20 && duid.startsWith('00030001')) p = duid.slice(8);
  else if (duid.length === 12) p = duid;
  return p === undefined ? undefined : parseMac(p.match(/../g)!.join(':'));
}

const isV4 = (s: string) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s) && s.split('.').every((p) => Number(p) <= 255);
const isV6 = (s: string) => s.includes(':') && /^[0-9a-f:.]+$/i.test(s);

function expiry(ts: number, now: number, infiniteBelow: number): number {
  if (ts > now) return ts - now;
  return ts >= infiniteBelow ? 0 : -1;
}

function odhcpdLine(f: string[], now: number): Lease | null {
  // "# iface duid iaid hostname ts id length addr/len…" (odhcpd's lease file)
  if (f[0] !== '#' || f.length < 8) return null;
  const [, iface, duid, iaid, hostname, ts, , length] = f as [string, string, string, string, string, string, string, string];
  const v4 = iaid === 'ipv4';
  const mask = Number.parseInt(length, 10) || (v4 ? 32 : 128);
  const addrs = f.slice(8).join(' ').split(/[/ ]/).filter((a) => (v4 ? isV4(a) : isV6(a))).slice(0, 10);
  const lease: Lease = { family: v4 ? 4 : 6, expire: expiry(Number.parseInt(ts, 10) || 0, now, 0), iface, addrs, mask };
  const mac = v4 ? parseMac(duid) : duidMac(duid);
  if (mac) lease.mac = mac;
  if (hostname !== '-') lease.hostname = hostname;
  if (!v4 && duid !== '-') {
    lease.duid = duid;
    lease.iaid = iaid;
  }
  return lease;
}

function dnsmasqLine(f: string[], now: number): Lease | null {
  // "expiry mac-or-iaid address hostname client-id" (dnsmasq's lease file)
  if (f.length < 5) return null;
  const [ts, macText, addr, hostname, clientId] = f as [string, string, string, string, string];
  let mac = parseMac(macText);
  const family = isV6(addr) ? 6 : isV4(addr) ? 4 : 0;
  if (family === 0 || (!mac && family === 4)) return null;
  const lease: Lease = { family, expire: expiry(Number.parseInt(ts, 10) || 0, now, 1), addrs: [addr], mask: family === 4 ? 32 : 128 };
  if (hostname !== '*') lease.hostname = hostname;
  let duid: string | undefined = clientId.replace(/:/g, '');
  if (family === 4 && clientId.length > 15 && clientId.startsWith('ff:')) {
    // ff:<iaid, 4 bytes>:<duid>
    lease.iaid = clientId.slice(3, 14).replace(/:/g, '');
    duid = clientId.slice(15).replace(/:/g, '');
  } else if (family === 4 && clientId.length === 20 && clientId.startsWith('01:')) {
    mac ??= parseMac(clientId.slice(3));
    duid = undefined;
  } else if (clientId === '*') duid = undefined;
  if (duid !== undefined) lease.duid = duid;
  mac ??= duidMac(duid);
  if (mac) lease.mac = mac;
  return lease;
}

function leaseFiles(dhcp: UciPackage | null, type: 'dnsmasq' | 'odhcpd'): string[] {
  const files: string[] = [];
  for (const s of dhcp?.sections ?? []) {
    const f = s.options.get('leasefile');
    if (s.type === type && typeof f === 'string') files.push(f);
  }
  return files;
}

/** A file's text; null also for a path a live view refuses (a relative `leasefile`). */
function readText(view: SystemView, path: string): string | null {
  try {
    return view.readFile(path);
  } catch {
    return null;
  }
}

/** Every lease of every lease file, in file order (dnsmasq's first). */
export function readLeases(view: SystemView, dhcp: UciPackage | null, now: number): Lease[] {
  const out: Lease[] = [];
  for (const [type, fallback, parse] of [['dnsmasq', '/tmp/dhcp.leases', dnsmasqLine], ['odhcpd', '/tmp/odhcpd.leases', odhcpdLine]] as const) {
    const named = leaseFiles(dhcp, type).map((p) => readText(view, p)).filter((t): t is string => t !== null);
    const texts = named.length ? named : [readText(view, fallback)].filter((t): t is string => t !== null);
    for (const text of texts) {
      for (const line of text.split('\n')) {
        const lease = parse(line.split(/[ \t]+/).filter(Boolean), now);
        if (lease) out.push(lease);
      }
    }
  }
  return out;
}
