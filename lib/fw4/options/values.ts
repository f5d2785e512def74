// fw4's context-free value parsers. Each returns the typed value, or null when fw4 would
// report "specifies invalid value".
import { applyMask, bitsFromMask, formatIp, maskFromBits, parseIp } from './ip.js';
import { ucNumber } from './number.js';
import { DSCP_CLASSES, ICMP4_TYPES, ICMP6_TYPES, WEEKDAYS } from './tables.js';
import type {
  Address, DateStamp, DeviceMatch, Dscp, Family, IcmpType, IpsetType, Limit, MacAddress, Mark, Monthdays,
  PortRange, Protocol, SetMatch, TimeOfDay, Weekdays,
} from './types.js';

/** fw4's enums match the first choice that starts with the lower-cased value (parse_enum). */
export function parseEnum<T extends string>(value: string, choices: readonly T[]): T | null {
  const v = value.toLowerCase();
  // indexed: a cold command runs this in the interpreter, where for-of allocates per step
  for (let i = 0; i < choices.length; i++) if (choices[i]!.slice(0, v.length).toLowerCase() === v) return choices[i]!;
  return null;
}

/** `[ \t]*!` then the trimmed rest; null when nothing is left. */
export function parseInvert(value: string): { invert: boolean; val: string } | null {
  const m = /^[ \t]*!/.exec(value);
  const val = (m ? value.slice(m[0].length) : value).trim();
  return val.length ? { invert: !!m, val } : null;
}

export function parseBool(value: string): boolean | null {
  if (value === '1' || value === 'on' || value === 'true' || value === 'yes') return true;
  if (value === '0' || value === 'off' || value === 'false' || value === 'no') return false;
  return null;
}

export function parseInt_(value: string): number | null {
  const n = ucNumber(value);
  return Number.isNaN(n) ? null : n;
}

export function parseFamily(value: string): Family | null {
  if (value === 'any' || value === 'all' || value === '*') return 0;
  if (value === 'inet' || value.includes('4')) return 4;
  if (value.includes('6')) return 6;
  return null;
}

export const POLICIES = ['accept', 'reject', 'drop'] as const;
export type Policy = (typeof POLICIES)[number];
export const TARGETS = ['accept', 'reject', 'drop', 'notrack', 'helper', 'mark', 'dscp', 'dnat', 'snat', 'masquerade'] as const;
export type Target = (typeof TARGETS)[number];
export const REJECT_CODES = ['tcp-reset', 'port-unreachable', 'admin-prohibited', 'host-unreachable', 'no-route'] as const;
export const REFLECTION_SOURCES = ['internal', 'external'] as const;
export const INCLUDE_TYPES = ['script', 'nftables'] as const;
const INCLUDE_POSITIONS = [
  'ruleset-prepend', 'ruleset-postpend', 'ruleset-append', 'table-prepend', 'table-postpend', 'table-append',
  'chain-prepend', 'chain-postpend', 'chain-append',
] as const;

export function parseIncludePosition(value: string): string | null {
  return parseEnum(value, INCLUDE_POSITIONS)?.replace('postpend', 'append') ?? null;
}

export function parseIdentifier(value: string): string | null {
  return /^[a-zA-Z_.][a-zA-Z0-9/_.-]*$/.test(value) ? value : null;
}

export function parseDevice(value: string): DeviceMatch | null {
  const rv = parseInvert(value);
  if (!rv) return null;
  return rv.val === '*' ? { invert: rv.invert, any: true } : { invert: rv.invert, device: rv.val };
}

export function parseDirection(value: string): boolean | null {
  if (value === 'in' || value === 'ingress') return false;
  if (value === 'out' || value === 'egress') return true;
  return null;
}

export function parseSetMatch(value: string): SetMatch | null {
  const rv = parseInvert(value);
  if (!rv) return null;
  const m = /^[^ \t]+/.exec(rv.val);
  const name = m ? m[0] : '';
  const rest = rv.val.slice(name.length).trim();
  const result: SetMatch = { invert: rv.invert, name };
  const tokens = rest.split(/[ \t,]/);
  for (let i = 0; i < 3 && i < tokens.length; i++) {
    const t = tokens[i];
    if (t === 'dst' || t === 'dest') (result.dir ??= [])[i] = 'dst';
    else if (t === 'src') (result.dir ??= [])[i] = 'src';
  }
  return name.length ? result : null;
}

/** A protocol; `tcpudp` yields two. */
export function parseProtocol(value: string): Protocol | Protocol[] | null {
  const p = parseInvert(value);
  if (!p) return null;
  const val = p.val.toLowerCase();
  switch (val) {
    case 'all': case 'any': case '*': return { invert: p.invert, any: true };
    case '1': case 'icmp': return { invert: p.invert, name: 'icmp' };
    case '58': case 'icmpv6': case 'ipv6-icmp': return { invert: p.invert, name: 'ipv6-icmp' };
    case 'tcpudp': return [{ invert: p.invert, name: 'tcp' }, { invert: p.invert, name: 'udp' }];
    case '6': return { invert: p.invert, name: 'tcp' };
    case '17': return { invert: p.invert, name: 'udp' };
    // fw4 prints other names bare after `meta l4proto`; only protocol-name characters are safe there
    default: return /^[a-z0-9][a-z0-9._+-]*$/.test(val) ? { invert: p.invert, name: val } : null;
  }
}

export function parseMac(value: string): MacAddress | null {
  const rv = parseInvert(value);
  const m = rv && /^([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})$/i.exec(rv.val);
  if (!rv || !m) return null;
  return { invert: rv.invert, mac: m.slice(1).map((h) => h.toLowerCase().padStart(2, '0')).join(':') };
}

export function parsePort(value: string): PortRange | null {
  const rv = parseInvert(value);
  const m = rv && /^([0-9]{1,5})([-:]([0-9]{1,5}))?$/.exec(rv.val);
  if (!rv || !m) return null;
  const min = Number(m[1]);
  const max = m[3] !== undefined ? Number(m[3]) : min;
  if (min > max || max > 65535) return null;
  return { invert: rv.invert, min, max };
}

/** Address syntax without interface names; `undefined` when the text is not an address at all. */
export function parseSubnetLiteral(subnet: string): Address | null | undefined {
  const parts = subnet.split('/');
  if (parts.length === 2) {
    const a = parseIp(parts[0]!);
    if (!a) return null;
    const m = parseIp(parts[1]!);
    const family = a.length === 16 ? 6 : 4;
    if (m) {
      if (m.length !== a.length) return null;
      let bits = bitsFromMask(parts[1]!);
      if (bits === null) {
        bits = -1;
        for (let i = 0; i < a.length; i++) a[i]! &= m[i]!;
      }
      return { family, addr: formatIp(a), mask: formatIp(m), bits };
    }
    // ucode's `+x` must give an integer here
    if (!/^\s*[+-]?(\d+|0x[0-9a-f]+)\s*$/i.test(parts[1]!) && parts[1]!.trim() !== '') return null;
    const b = ucNumber(parts[1]!);
    return { family, addr: formatIp(a), mask: maskFromBits(b, a.length === 16), bits: Math.max(-1, b) };
  }
  if (parts.length !== 1) return null;
  const range = parts[0]!.split('-');
  if (range.length === 2) {
    const a = parseIp(range[0]!);
    const b = parseIp(range[1]!);
    if (a && b && a.length === b.length) {
      return { family: a.length === 16 ? 6 : 4, addr: formatIp(a), addr2: formatIp(b), range: true };
    }
    return null;
  }
  if (range.length === 1) {
    const a = parseIp(range[0]!);
    if (a) {
      const v6 = a.length === 16;
      return { family: v6 ? 6 : 4, addr: formatIp(a), mask: maskFromBits(a.length * 8, v6), bits: a.length * 8 };
    }
    return undefined;
  }
  return null;
}

export function parseIcmpType(value: string): IcmpType | null {
  const v4 = Object.hasOwn(ICMP4_TYPES, value) ? ICMP4_TYPES[value] : undefined;
  const v6 = Object.hasOwn(ICMP6_TYPES, value) ? ICMP6_TYPES[value] : undefined;
  if (v4 || v6) {
    const rv: IcmpType = { family: v4 && v6 ? 0 : v4 ? 4 : 6 };
    if (v4) [rv.type, rv.codeMin, rv.codeMax] = v4;
    if (v6) [rv.type6, rv.code6Min, rv.code6Max] = v6;
    return rv;
  }
  const m = /^([0-9]+)(\/([0-9]+))?$/.exec(value);
  if (!m) return null;
  const type = Number(m[1]);
  const codeMin = m[3] ? Number(m[3]) : 0;
  const codeMax = m[3] ? codeMin : 0xff;
  if (type > 0xff || codeMin > 0xff) return null;
  return { family: 0, type, codeMin, codeMax, type6: type, code6Min: codeMin, code6Max: codeMax };
}

export function parseLimit(value: string): Limit | null {
  const rv = parseInvert(value);
  const m = rv && /^([0-9]+)(\/([a-z]+))?$/.exec(rv.val);
  if (!rv || !m) return null;
  const unit = m[3] ? parseEnum(m[3], ['second', 'minute', 'hour', 'day'] as const) : 'second';
  if (!unit) return null;
  return { invert: rv.invert, rate: Number(m[1]), unit };
}

export function parseTime(value: string): TimeOfDay | null {
  const t = /^([0-9]{1,2})(:([0-9]{1,2})(:([0-9]{1,2}))?)?$/.exec(value);
  if (!t) return null;
  const hour = Number(t[1]);
  const min = Number(t[3] ?? 0);
  const sec = Number(t[5] ?? 0);
  if (hour > 23 || min > 59 || sec > 59) return null;
  return { hour, min, sec };
}

export function parseDate(value: string): DateStamp | null {
  const d = /^([0-9]{4})(-([0-9]{1,2})(-([0-9]{1,2})(T([0-9:]+))?)?)?$/.exec(value);
  if (!d) return null;
  const year = Number(d[1]);
  if (year < 1970 || year > 2038 || Number(d[3] ?? 0) > 12 || Number(d[5] ?? 0) > 31) return null;
  const t = parseTime(d[7] ?? '0');
  if (!t) return null;
  return { year, month: Number(d[3] ?? 0) || 1, day: Number(d[5] ?? 0) || 1, ...t };
}

export function splitWords(value: string): string[] {
  const v = value.trim();
  return v === '' ? [] : v.split(/[ \t]+/);
}

export function parseWeekdays(value: string): Weekdays | null {
  const rv = parseInvert(value);
  if (!rv) return null;
  const days = new Set<string>();
  for (const word of splitWords(rv.val)) {
    const day = parseEnum(word, WEEKDAYS);
    if (!day) return null;
    days.add(day);
  }
  return { invert: rv.invert, days: [...days] };
}

export function parseMonthdays(value: string): Monthdays | null {
  const rv = parseInvert(value);
  if (!rv) return null;
  const days: number[] = [];
  for (const word of splitWords(rv.val)) {
    const day = ucNumber(word);
    if (day < 1 || day > 31) return null;
    days.push(day);
  }
  return days.length ? { invert: rv.invert, days } : null;
}

export function parseMark(value: string): Mark | null {
  const rv = parseInvert(value);
  const m = rv && /^(0?x?[0-9a-f]+)(\/(0?x?[0-9a-f]+))?$/i.exec(rv.val);
  if (!rv || !m) return null;
  const mark = ucNumber(m[1]!);
  if (Number.isNaN(mark) || mark > 0xffffffff) return null;
  let mask = 0xffffffff;
  if (m[3]) {
    mask = ucNumber(m[3]);
    if (Number.isNaN(mask) || mask > 0xffffffff) return null;
  }
  return { invert: rv.invert, mark, mask };
}

export function parseDscp(value: string): Dscp | null {
  const rv = parseInvert(value);
  if (!rv) return null;
  const val = rv.val.toUpperCase();
  if (Object.hasOwn(DSCP_CLASSES, val)) return { invert: rv.invert, dscp: DSCP_CLASSES[val]! };
  const n = ucNumber(val);
  if (Number.isNaN(n) || n < 0 || n > 0x3f) return null;
  return { invert: rv.invert, dscp: n };
}

export function parseIpsetType(value: string): IpsetType | null {
  const m = /^(src|dst|dest)_(.+)$/.exec(value);
  const t = parseEnum(m ? m[2]! : value, ['ip', 'port', 'mac', 'net', 'set'] as const);
  return t ? [!m || m[1] === 'src' ? 'src' : 'dst', t] : null;
}

export { applyMask };
