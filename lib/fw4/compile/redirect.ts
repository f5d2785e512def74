// parse_redirect: DNAT port forwards (with NAT reflection) and SNAT redirects.
import { OPTION_SPECS } from '../schema.js';
import type { DiagnosticSink } from '../load/diagnostics.js';
import type { Address, HelperRef, Ipset, ZoneRef } from '../load/model.js';
import { parseEnabledSection, type ParseContext, type SectionInput } from '../load/options.js';
import { applyMask } from '../options/ip.js';
import type { Family, Limit, MacAddress, NetworkMatch, PortRange, Protocol } from '../options/types.js';
import { addressesOf, groupByMasking, hostAddress, splitByFamily, type SplitAddresses } from '../options/addresses.js';
import { assignMatchFields, assignStateFields, logPrefix, macs, protocolsAndSet, ruleSetField, sectionDefault } from './common.js';
import { inferFamily } from '../options/family.js';
import { newRule, type RuleSpec } from './types.js';

type Group = Parameters<typeof assignMatchFields>[1];

function sameSubnet(a: Address, zoneAddr: Address): boolean {
  return applyMask(a.addr, zoneAddr.mask ?? '') === applyMask(zoneAddr.addr, zoneAddr.mask ?? '');
}

export function compileRedirect(
  input: SectionInput, sectionId: string, ctx: ParseContext, ipsets: readonly Ipset[], sink: DiagnosticSink,
): RuleSpec[] {
  const ref = input.ref;
  const o = parseEnabledSection(input, OPTION_SPECS.redirect, ctx, sink, sectionDefault(sectionId));
  if (!o) return [];
  let target = o.get('target') as string;
  if (target !== 'dnat' && target !== 'snat') {
    sink.warn(ref, 'has invalid target specified, defaulting to dnat');
    target = 'dnat';
  }
  const name = o.get('name') as string;
  const matched = protocolsAndSet(o, ipsets, ref, sink);
  if (!matched) return [];
  const { protos, ipset } = matched;
  const src = o.get('src') as ZoneRef | undefined;
  let dest = o.get('dest') as ZoneRef | undefined;
  const destIp = o.get('dest_ip') as NetworkMatch | undefined;
  const srcDip = o.get('src_dip') as NetworkMatch | undefined;
  const srcMac = o.get('src_mac') as MacAddress[] | undefined;
  const helper = o.get('helper') as HelperRef | undefined;
  const reflection = o.get('reflection') !== false;
  const reflectionSrc = o.get('reflection_src') as string;
  let destPort = o.get('dest_port') as PortRange | undefined;
  const srcDport = o.get('src_dport') as PortRange | undefined;

  if (target === 'dnat') {
    if (!src) return void sink.warn(ref, 'has no source specified'), [];
    if (src.any) return void sink.warn(ref, "must not have source '*' for dnat target"), [];
    if (destIp?.invert) return void sink.warn(ref, "must not specify a negated 'dest_ip' value"), [];
    if ((destIp?.addrs ?? []).some((a) => a.bits === -1)) {
      return void sink.warn(ref, "must not use non-contiguous masks in 'dest_ip'"), [];
    }
    if (!dest && destIp) {
      found: for (const zone of ctx.zones) {
        for (const zoneAddr of zone.relatedSubnets) {
          for (const a of destIp.addrs ?? []) {
            if (a.family !== zoneAddr.family || !sameSubnet(a, zoneAddr)) continue;
            dest = { any: false, zone };
            sink.warn(ref, `does not specify a destination, assuming '${zone.name}'`);
            break found;
          }
        }
      }
    }
    destPort ??= srcDport;
    if (reflection && dest?.zone && src.zone!.masq) {
      dest.zone.dflags.add('accept').add('dnat').add('snat');
    }
    if (helper) src.zone!.dflags.add('helper');
    src.zone!.dflags.add(target);
  } else {
    if (!dest) return void sink.warn(ref, 'has no destination specified'), [];
    if (dest.any) return void sink.warn(ref, "must not have destination '*' for snat target"), [];
    if (!srcDip) return void sink.warn(ref, "has no 'src_dip' option specified"), [];
    if (srcDip.invert) return void sink.warn(ref, "must not specify a negated 'src_dip' value"), [];
    if ((srcDip.addrs ?? []).some((a) => a.bits === -1)) {
      return void sink.warn(ref, "must not use non-contiguous masks in 'src_dip'"), [];
    }
    if (srcMac) return void sink.warn(ref, "must not use 'src_mac' option for snat target"), [];
    if (helper) return void sink.warn(ref, "must not use 'helper' option for snat target"), [];
    dest.zone!.dflags.add(target);
  }

  // what every rule of the section has, reflection rules included
  const shared = newRule(ref, 'redirect', name, false);
  assignStateFields(shared, o);
  shared.helper = helper ? { name: helper.name, invert: helper.invert } : undefined;
  const main: RuleSpec = { ...shared };
  main.counter = o.get('counter') !== false;
  main.log = logPrefix(o.get('log') as string | undefined, name);
  main.logLimit = o.get('log_limit') as Limit | undefined;
  main.smacsPos = macs(srcMac, false);
  main.smacsNeg = macs(srcMac, true);
  const out: RuleSpec[] = [];

  const addRule = (
    fields: RuleSpec,
    family: Family, proto: Protocol, saddrs: Group, daddrs: Group, raddrs: Address[] | undefined,
    sport: PortRange | undefined, dport: PortRange | undefined, rport: PortRange | undefined,
    set: Ipset | undefined, kind: 'dnat' | 'snat', zoneName: string,
  ): void => {
    const setField = ruleSetField(set, matched.setMatch, proto.name, ref, sink);
    if (setField === 'skip') return;
    const r: RuleSpec = { ...fields };
    r.family = family;
    r.proto = proto;
    assignMatchFields(r, saddrs, daddrs, sport ? [sport] : undefined, dport ? [dport] : undefined);
    r.hasPorts = !!(sport || dport || rport);
    r.raddr = raddrs?.[0];
    r.rport = rport;
    r.ipset = setField;
    r.target = kind;
    r.chain = kind === 'dnat' ? `dstnat_${zoneName}` : `srcnat_${zoneName}`;
    const zone = ctx.zones.find((z) => z.name === zoneName);
    zone?.dflags.add(kind);
    if (kind === 'dnat' && !r.raddr) r.target = 'redirect';
    out.push(r);
  };

  for (const proto of protos) {
    let family = o.get('family') as Family | undefined | null;
    if (proto.name === 'ipv6-icmp') family = 6;
    const tcpudp = proto.name === 'tcp' || proto.name === 'udp';
    let sip: SplitAddresses, dip: SplitAddresses, rip: SplitAddresses;
    let sport: PortRange | undefined, dport: PortRange | undefined, rport: PortRange | undefined;
    const srcIp = o.get('src_ip') as NetworkMatch | undefined;
    const one = (m: NetworkMatch | undefined) => splitByFamily(m ? [m] : undefined);
    if (target === 'dnat') {
      sip = one(srcIp); dip = one(srcDip); rip = one(destIp);
      if (tcpudp) { sport = o.get('src_port') as PortRange | undefined; dport = srcDport; rport = destPort; }
    } else {
      sip = one(srcIp); dip = one(destIp); rip = one(srcDip);
      if (tcpudp) { sport = o.get('src_port') as PortRange | undefined; dport = destPort; rport = srcDport; }
    }
    const inferred = inferFamily(family, [
      [ipset, 'set match'], [sip, 'source IP'], [dip, 'destination IP'], [rip, 'rewrite IP'],
      [src?.zone, 'source zone'], [dest?.zone, 'destination zone'], [helper, 'helper match'],
    ]);
    if (typeof inferred === 'string') {
      sink.warn(ref, `${inferred}, skipping`);
      continue;
    }
    family = inferred;

    if (target === 'dnat' && reflection && (rip.v4?.length || rip.v6?.length) && src?.zone && dest?.zone) {
      const eaddrs = dip.family !== undefined ? dip
        : splitByFamily([{ invert: false, addrs: src.zone.relatedSubnets.map(hostAddress) }]);
      const rzones = ((o.get('reflection_zone') as ZoneRef[] | undefined) ?? [dest]);
      for (const rzone of rzones) {
        // fw4 compares the family of the zone reference object, which has none: never skipped
        const rz = rzone.zone!;
        const iaddrs = splitByFamily([{ invert: false, addrs: rz.relatedSubnets }]);
        const refaddrs = reflectionSrc === 'internal' ? iaddrs : eaddrs;
        for (const f of [4, 6] as const) {
          const rips = addressesOf(rip, f);
          if (!(f === 6 ? src.zone.masq6 : src.zone.masq) || !rips?.length) continue;
          let snatAddr = addressesOf(refaddrs, f)?.[0];
          if (reflectionSrc === 'internal') {
            for (const zoneAddr of rz.relatedSubnets) {
              if (zoneAddr.family !== rips[0]!.family || !sameSubnet(rips[0]!, zoneAddr)) continue;
              snatAddr = zoneAddr;
              break;
            }
          }
          if (!snatAddr) {
            sink.warn(ref, `${reflectionSrc || 'external'} rewrite IP cannot be determined, disabling reflection`);
          } else if (!addressesOf(iaddrs, f)?.length) {
            sink.warn(ref, 'internal address range cannot be determined, disabling reflection');
          } else if (!addressesOf(eaddrs, f)?.length) {
            sink.warn(ref, 'external address range cannot be determined, disabling reflection');
          } else {
            const refl: RuleSpec = { ...shared };
            refl.name = `${name} (reflection)`;
            for (const s of groupByMasking(addressesOf(iaddrs, f))) {
              for (const d of groupByMasking(addressesOf(eaddrs, f))) {
                addRule({ ...refl, srcZone: rz.name }, f, proto, s, d, rips, sport, dport, rport, undefined, 'dnat', rz.name);
              }
            }
            for (const d of groupByMasking(rips)) {
              for (const s of groupByMasking(addressesOf(iaddrs, f))) {
                addRule({ ...refl, destZone: rz.name }, f, proto, s, d, [hostAddress(snatAddr)], undefined, rport, undefined, undefined, 'snat', rz.name);
              }
            }
          }
        }
      }
    }

    if ((rip.v4?.length ?? 0) > 1 || (rip.v6?.length ?? 0) > 1) {
      sink.warn(ref, 'specifies multiple rewrite addresses, using only first one');
    }
    const has4 = !!(sip.v4?.length || dip.v4?.length || rip.v4?.length);
    const has6 = !!(sip.v6?.length || dip.v6?.length || rip.v6?.length);
    const zoneName = target === 'dnat' ? src!.zone!.name : dest!.zone!.name;
    const fields: RuleSpec = { ...main };
    fields.srcZone = src?.zone?.name;
    fields.destZone = dest?.zone?.name;
    if (!family && !has4 && !has6) {
      // an unspecified family means IPv4 only, unless `family any` was asked for
      addRule(fields, family === null ? 4 : family, proto, [], [], undefined, sport, dport, rport, ipset, target as 'dnat' | 'snat', zoneName);
      continue;
    }
    for (const f of [4, 6] as const) {
      if ((family && family !== f) || (has4 || has6) && !(f === 4 ? has4 : has6)) continue;
      for (const s of groupByMasking(addressesOf(sip, f))) {
        for (const d of groupByMasking(addressesOf(dip, f))) {
          addRule(fields, f, proto, s, d, addressesOf(rip, f), sport, dport, rport, ipset, target as 'dnat' | 'snat', zoneName);
        }
      }
    }
  }
  return out;
}
