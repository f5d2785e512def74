// nft value formatting exactly as fw4 prints it (quote, set, hex, timestamps).
import type { DateStamp, Family, TimeOfDay } from '../options/types.js';

const BARE = /^([0-9A-Fa-f:./-]+)( \. [0-9A-Fa-f:./-]+)*$/;

/** Values that look like numbers/addresses stay bare; others are quoted with `"` turned into `'`. */
export function quote(value: string | number, force = false): string {
  const s = String(value);
  if (force || !BARE.test(s)) return `"${s.replaceAll('"', "'")}"`;
  return s;
}

/** A single value bare, several (or `force`) as `{ a, b }`; duplicates dropped. */
export function set(values: readonly (string | number)[], force = false): string {
  if (values.length === 1 && !force) return quote(String(values[0]));
  const seen = new Set<string>();
  let text = '';
  for (let i = 0; i < values.length; i++) {
    const k = String(values[i]);
    if (seen.has(k)) continue;
    seen.add(k);
    text += seen.size === 1 ? quote(k) : `, ${quote(k)}`;
  }
  if (force || seen.size !== 1) return `{ ${text} }`;
  return text;
}

export function ipproto(family: Family): string {
  return family === 4 ? 'ip' : family === 6 ? 'ip6' : 'null';
}

export function nfproto(family: Family): string {
  return family === 4 ? 'ipv4' : family === 6 ? 'ipv6' : 'null';
}

export function nfprotoHuman(family: Family): string {
  return family === 4 ? 'IPv4' : family === 6 ? 'IPv6' : 'IPv4/IPv6';
}

const p2 = (n: number) => String(n).padStart(2, '0');

export function datestamp(d: DateStamp): string {
  return `"${String(d.year).padStart(4, '0')}-${p2(d.month)}-${p2(d.day)} ${p2(d.hour)}:${p2(d.min)}:${p2(d.sec)}"`;
}

export function timeOfDay(t: TimeOfDay): string {
  return `"${p2(t.hour)}:${p2(t.min)}:${p2(t.sec)}"`;
}
