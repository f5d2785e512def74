// IPv4/IPv6 addresses as byte arrays, with the conversions fw4 relies on (ucode's iptoarr and
// arrtoip, which use inet_pton and inet_ntop).

export type IpBytes = number[];

function parseIpv4(text: string): IpBytes | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    // inet_pton refuses leading zeros and anything but 1-3 decimal digits
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function parseIpv6(text: string): IpBytes | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.indexOf('.', lastColon) >= 0) {
    // an embedded IPv4 tail counts as the last two groups
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4) return null;
    body = `${text.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const rest = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !rest) return null;
  let groups: number[];
  if (halves.length === 2) {
    if (head.length + rest.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    if (head.length !== 8) return null;
    groups = head;
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  return bytes;
}

/** inet_pton for either family (a `:` selects IPv6); null when invalid. */
export function parseIp(text: string): IpBytes | null {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** inet_ntop: dotted quad, or RFC 5952 text with the longest zero run compressed. */
export function formatIp(bytes: IpBytes): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  // glibc's inet_ntop (which the reference fw4 ran with) also prints IPv4-compatible addresses dotted
  if (groups.slice(0, 6).every((g) => g === 0) && groups[6] !== 0) return `::${bytes.slice(12).join('.')}`;
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** A prefix length as a mask; negative lengths give the inverted mask (fw4's to_mask). */
export function maskFromBits(bits: number, v6: boolean): string | null {
  let n = false;
  if (bits < 0) { n = true; bits = -bits; }
  if (bits > (v6 ? 128 : 32)) return null;
  const out: number[] = [];
  for (let i = 0; i < (v6 ? 16 : 4); i++) {
    const b = bits < 8 ? bits : 8;
    const m = (0xff << (8 - b)) & 0xff;
    out.push(n ? ~m & 0xff : m);
    bits -= b;
  }
  return formatIp(out);
}

/** Prefix length of a contiguous mask, or null for a non-contiguous one. */
export function bitsFromMask(mask: string): number | null {
  const a = parseIp(mask);
  if (!a) return null;
  let bits = 0;
  let zero = false;
  for (let i = 0; i < a.length; i++) {
    let v = a[i]!;
    zero ||= v === 0;
    while (!zero && v & 0x80) { v = (v << 1) & 0xff; bits++; }
    if (v) return null;
  }
  return bits;
}

/** The address with a prefix length or a mask applied; null when they do not fit. */
export function applyMask(addr: string, mask: number | string): string | null {
  const a = parseIp(addr);
  if (!a) return null;
  if (typeof mask === 'number') {
    let m = mask;
    for (let i = 0; i < a.length; i++) {
      const b = m < 8 ? m : 8;
      a[i]! &= (0xff << (8 - b)) & 0xff;
      m -= b;
    }
  } else {
    const m = parseIp(mask);
    if (!m || m.length !== a.length) return null;
    for (let i = 0; i < a.length; i++) a[i]! &= m[i]!;
  }
  return formatIp(a);
}
