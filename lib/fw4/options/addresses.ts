// Address lists split by family and grouped by masking, as fw4 needs them for nft matches.
import { applyMask } from './ip.js';
import { cidr } from './format.js';
import type { Address, AddressGroup, Family, NetworkMatch } from './types.js';

/** Addresses of a list of network matches, per family, each carrying its match's negation. */
export interface SplitAddresses {
  v4?: Address[];
  v6?: Address[];
  /** The single family present, 0 for both; undefined when there are no addresses. */
  family?: Family;
}

export function splitByFamily(matches: readonly NetworkMatch[] | undefined): SplitAddresses {
  const rv: SplitAddresses = {};
  if (!matches) return rv;
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i]!;
    const addrs = m.addrs ?? [];
    for (let j = 0; j < addrs.length; j++) if (addrs[j]!.family === 4) (rv.v4 ??= []).push({ ...addrs[j]!, invert: m.invert });
    for (let j = 0; j < addrs.length; j++) if (addrs[j]!.family === 6) (rv.v6 ??= []).push({ ...addrs[j]!, invert: m.invert });
  }
  if (rv.v4 || rv.v6) rv.family = !rv.v4 !== !rv.v6 ? (rv.v4 ? 4 : 6) : 0;
  return rv;
}

export function addressesOf(split: SplitAddresses, family: 4 | 6): Address[] | undefined {
  return family === 4 ? split.v4 : split.v6;
}

function orUndefined<T>(x: T[]): T[] | undefined {
  return x.length ? x : undefined;
}

const NO_ADDRESSES: AddressGroup[] = Object.freeze([Object.freeze([undefined, undefined, undefined] as const)]) as unknown as AddressGroup[];

/**
 * Non-contiguous masks need bitwise matches that cannot share a set: each such address gets
 * its own group; plain addresses share one (fw4's subnets_group_by_masking).
 */
export function groupByMasking(addrs: readonly Address[] | undefined): AddressGroup[] {
  // most rules match no address: one shared answer, nothing allocated (callers only read groups)
  if (!addrs || addrs.length === 0) return NO_ADDRESSES;
  const plain: Address[] = [];
  const nc: Address[] = [];
  const invertPlain: Address[] = [];
  const invertMasked: Address[] = [];
  const list = addrs ?? [];
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    if (a.bits === -1 && !a.invert) nc.push(a);
    else if (!a.invert) plain.push(a);
    else if (a.bits === -1) invertMasked.push(a);
    else invertPlain.push(a);
  }
  const groups: AddressGroup[] = nc.map((a) => [undefined, orUndefined(invertPlain), [a, ...invertMasked]] as const);
  if (plain.length) groups.push([plain, orUndefined(invertPlain), orUndefined(invertMasked)]);
  else if (!groups.length) groups.push([undefined, orUndefined(invertPlain), orUndefined(invertMasked)]);
  return groups;
}

export function hostAddress(a: Address): Address {
  const bits = a.family === 4 ? 32 : 128;
  return { family: a.family, addr: applyMask(a.addr, bits) ?? a.addr, bits };
}

export function mapCidr(addrs: readonly Address[] | undefined): string[] | undefined {
  return addrs ? addrs.map(cidr) : undefined;
}
