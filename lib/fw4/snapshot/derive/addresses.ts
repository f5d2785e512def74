// Static addresses as netifd reads them from an interface section (proto.c
// proto_apply_static_ip_settings, proto.c:423-470): `ipaddr` is a list of IPv4 addresses, each
// optionally `/bits`; `netmask` (dotted or bits, utils.c:80 parse_netmask_string) is the prefix
// of those without one, default 32; `ip6addr` is a list of IPv6 addresses, default /128.
import type { OptionValue } from '../../../uci/types.js';
import { bitsFromMask, formatIp, parseIp } from '../../options/ip.js';

/** One address as netifd lists it in `network.interface dump`. */
export interface DumpAddress {
  address: string;
  mask: number;
}

/** An option's words: a list, or a scalar split on blanks as libubox's uci_to_blob does for arrays. */
export function words(value: OptionValue | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(/\s+/)).filter((w) => w !== '');
}

/** netifd's parse_netmask_string: a number, or a dotted IPv4 mask; null when neither. */
export function parsePrefixLength(text: string, v6: boolean): number | null {
  if (!text.includes('.')) return /^[0-9]+$/.test(text) ? Number(text) : null;
  if (v6) return null;
  const bytes = parseIp(text);
  return bytes && bytes.length === 4 ? bitsFromMask(text) : null;
}

/** One `ADDRESS[/BITS]` word of `ipaddr` or `ip6addr`; a string saying what is wrong otherwise. */
export function parseStaticAddress(word: string, v6: boolean, defaultBits: number): DumpAddress | string {
  const slash = word.indexOf('/');
  const addr = slash < 0 ? word : word.slice(0, slash);
  const bits = slash < 0 ? defaultBits : parsePrefixLength(word.slice(slash + 1), v6);
  const bytes = parseIp(addr);
  if (!bytes || bytes.length !== (v6 ? 16 : 4)) return `not an IPv${v6 ? 6 : 4} address`;
  if (bits === null || bits > (v6 ? 128 : 32)) return 'invalid prefix length';
  return { address: formatIp(bytes), mask: bits };
}
