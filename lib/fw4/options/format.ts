// Option values as nft text, where the layers above print them (render) or name them (the
// offload report's findings): addresses, rewrite hosts, port ranges, marks.
import { applyMask } from './ip.js';
import type { Address, PortRange } from './types.js';

/** nft text of an address: host, masked network, `ADDR/MASK`, or range (fw4's cidr). */
export function cidr(a: Address): string {
  if (a.range) return `${a.addr}-${a.addr2}`;
  if ((a.family === 4 && a.bits === 32) || (a.family === 6 && a.bits === 128)) return a.addr;
  if ((a.bits ?? -1) >= 0) return `${applyMask(a.addr, a.bits!)}/${a.bits}`;
  return `${a.addr}/${a.mask}`;
}

/** A rewrite address (fw4's host): brackets for IPv6 followed by a port. */
export function hostText(a: Address, v6brackets: boolean): string {
  if (a.range) return `${a.addr}-${a.addr2}`;
  const masked = applyMask(a.addr, a.bits ?? 0);
  return a.family === 6 && v6brackets ? `[${masked}]` : `${masked}`;
}

export function portText(p: Pick<PortRange, 'min' | 'max'>): string {
  return p.min === p.max ? `${p.min}` : `${p.min}-${p.max}`;
}

export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}
