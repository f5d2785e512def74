// parse_nat: source NAT rules (masquerade, snat, accept) in the srcnat chains.
import { OPTION_SPECS } from '../schema.js';
import type { DiagnosticSink } from '../load/diagnostics.js';
import type { ZoneRef } from '../load/model.js';
import { parseEnabledSection, type ParseContext, type SectionInput } from '../load/options.js';
import type { Family, NetworkMatch, PortRange, Protocol } from '../options/types.js';
import { addressesOf, groupByMasking, splitByFamily } from '../options/addresses.js';
import { assignMatchFields, assignStateFields, ensureTcpUdp, logPrefix, sectionDefault } from './common.js';
import { inferFamily } from '../options/family.js';
import { newRule, type RuleSpec } from './types.js';

export function compileNat(input: SectionInput, sectionId: string, ctx: ParseContext, sink: DiagnosticSink): RuleSpec[] {
  const ref = input.ref;
  const o = parseEnabledSection(input, OPTION_SPECS.nat, ctx, sink, sectionDefault(sectionId));
  if (!o) return [];
  let target = o.get('target') as string;
  if (!['accept', 'snat', 'masquerade'].includes(target)) {
    sink.warn(ref, 'has invalid target specified, defaulting to masquerade');
    target = 'masquerade';
  }
  const snatIp = o.get('snat_ip') as NetworkMatch | undefined;
  const snatPort = o.get('snat_port') as PortRange | undefined;
  const srcPort = o.get('src_port') as PortRange | undefined;
  const destPort = o.get('dest_port') as PortRange | undefined;
  const protos = (o.get('proto') as Protocol[] | undefined) ?? [];
  if (target === 'snat' && !snatIp && !snatPort) {
    sink.warn(ref, "needs either 'snat_ip' or 'snat_port' for target snat, ignoring section");
    return [];
  } else if (target !== 'snat' && snatIp) {
    sink.warn(ref, "must not use 'snat_ip' for non-snat target, ignoring section");
    return [];
  } else if (target !== 'snat' && snatPort) {
    sink.warn(ref, "must not use 'snat_port' for non-snat target, ignoring section");
    return [];
  }
  if ((snatPort || srcPort || destPort) && !ensureTcpUdp(protos)) {
    sink.warn(ref, 'specifies ports but no UDP/TCP protocol, ignoring section');
    return [];
  }
  if (snatIp && (snatIp.addrs ?? []).some((a) => a.bits === -1 || a.invert)) {
    sink.warn(ref, "must not use inversion or non-contiguous masks in 'snat_ip', ignoring section");
    return [];
  }
  const name = o.get('name') as string;
  const src = o.get('src') as ZoneRef | undefined;
  const base = newRule(ref, 'nat', name, o.get('counter') !== false);
  base.target = target;
  base.device = o.get('device') as string | undefined;
  base.log = logPrefix(o.get('log') as string | undefined, name);
  assignStateFields(base, o);
  base.srcZone = src?.zone?.name;
  base.chain = src?.zone ? `srcnat_${src.zone.name}` : 'srcnat';
  const srcIp = o.get('src_ip') as NetworkMatch | undefined;
  const destIp = o.get('dest_ip') as NetworkMatch | undefined;
  const out: RuleSpec[] = [];
  for (const proto of protos) {
    const sip = splitByFamily(srcIp ? [srcIp] : undefined);
    const dip = splitByFamily(destIp ? [destIp] : undefined);
    const rip = splitByFamily(snatIp ? [snatIp] : undefined);
    const tcpudp = proto.name === 'tcp' || proto.name === 'udp';
    const sport = tcpudp ? srcPort : undefined;
    const dport = tcpudp ? destPort : undefined;
    const rport = tcpudp ? snatPort : undefined;
    if ((rip.v4?.length ?? 0) > 1 || (rip.v6?.length ?? 0) > 1) {
      sink.warn(ref, 'specifies multiple rewrite addresses, using only first one');
    }
    const inferred = inferFamily(o.get('family') as Family | undefined, [
      [sip, 'source IP'], [dip, 'destination IP'], [rip, 'rewrite IP'], [src?.zone, 'source zone'],
    ]);
    if (typeof inferred === 'string') {
      sink.warn(ref, `${inferred}, skipping`);
      continue;
    }
    if (src?.zone) src.zone.dflags.add('snat');
    const has4 = !!(sip.v4?.length || dip.v4?.length || rip.v4?.length);
    const has6 = !!(sip.v6?.length || dip.v6?.length || rip.v6?.length);
    // an unspecified family means IPv4 unless only IPv6 addresses are given
    const family: Family = inferred ?? (has6 && !has4 ? 6 : 4);
    const add = (fam: Family, saddrs: Parameters<typeof assignMatchFields>[1], daddrs: Parameters<typeof assignMatchFields>[2], raddrs: typeof rip.v4) => {
      const r: RuleSpec = { ...base };
      r.family = fam;
      r.proto = proto;
      assignMatchFields(r, saddrs, daddrs, sport ? [sport] : undefined, dport ? [dport] : undefined);
      r.hasPorts = !!(sport || dport);
      r.raddr = raddrs?.[0];
      r.rport = rport;
      out.push(r);
    };
    if (!family && !has4 && !has6) {
      add(0, [], [], undefined);
      continue;
    }
    for (const f of [4, 6] as const) {
      if (family !== 0 && family !== f) continue;
      for (const s of groupByMasking(addressesOf(sip, f))) {
        for (const d of groupByMasking(addressesOf(dip, f))) add(f, s, d, addressesOf(rip, f));
      }
    }
  }
  return out;
}
