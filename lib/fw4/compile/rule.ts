// parse_rule: a `config rule` becomes one nft rule per protocol × family × masking group.
import { OPTION_SPECS } from '../schema.js';
import type { DiagnosticSink } from '../load/diagnostics.js';
import type { HelperRef, Ipset, ZoneRef } from '../load/model.js';
import { parseEnabledSection, type ParseContext, type SectionInput } from '../load/options.js';
import type { DeviceMatch, Dscp, Family, IcmpType, Limit, MacAddress, Mark, NetworkMatch, PortRange, Protocol } from '../options/types.js';
import { addressesOf, groupByMasking, splitByFamily } from '../options/addresses.js';
import { assignMatchFields, assignStateFields, logPrefix, macs, protocolsAndSet, ruleSetField, sectionDefault } from './common.js';
import { inferFamily } from '../options/family.js';
import { newRule, type RuleSpec } from './types.js';

const FAMILIES = [4, 6] as const;

export function compileRule(
  input: SectionInput, sectionId: string, ctx: ParseContext, ipsets: readonly Ipset[], sink: DiagnosticSink,
): RuleSpec[] {
  const ref = input.ref;
  const o = parseEnabledSection(input, OPTION_SPECS.rule, ctx, sink, sectionDefault(sectionId));
  if (!o) return [];
  const target = o.get('target') as string | undefined;
  const src = o.get('src') as ZoneRef | undefined;
  const dest = o.get('dest') as ZoneRef | undefined;
  const device = o.get('device') as DeviceMatch | undefined;
  const setHelper = o.get('set_helper') as HelperRef | undefined;
  if ((target === 'helper' || target === 'notrack') && !src?.zone) {
    sink.warn(ref, `must specify a source zone for target '${target}'`);
    return [];
  } else if (target === 'dscp' && !o.get('set_dscp')) {
    sink.warn(ref, "must specify option 'set_dscp' for target 'dscp'");
    return [];
  } else if (target === 'mark' && !o.get('set_mark') && !o.get('set_xmark')) {
    sink.warn(ref, "must specify option 'set_mark' or 'set_xmark' for target 'mark'");
    return [];
  } else if (target === 'helper' && !setHelper) {
    sink.warn(ref, "must specify option 'set_helper' for target 'helper'");
    return [];
  } else if (device?.any) {
    sink.warn(ref, "must not specify '*' as device");
    return [];
  }
  const name = o.get('name') as string;
  const log = logPrefix(o.get('log') as string | undefined, name);
  const matched = protocolsAndSet(o, ipsets, ref, sink);
  if (!matched) return [];
  const { protos, ipset } = matched;
  const helper = o.get('helper') as HelperRef | undefined;
  const dscp = o.get('dscp') as Dscp | undefined;
  const setMark = o.get('set_mark') as Mark | undefined;
  const icmpTypes = (o.get('icmp_type') as IcmpType[] | undefined) ?? [];
  const srcIp = o.get('src_ip') as NetworkMatch[] | undefined;
  const destIp = o.get('dest_ip') as NetworkMatch[] | undefined;
  const srcZone = src?.zone;
  const destZone = dest?.zone;
  const out: RuleSpec[] = [];

  const base = newRule(ref, 'rule', name, o.get('counter') !== false);
  base.srcZone = srcZone?.name;
  base.destZone = destZone?.name;
  base.smacsPos = macs(o.get('src_mac') as MacAddress[] | undefined, false);
  base.smacsNeg = macs(o.get('src_mac') as MacAddress[] | undefined, true);
  base.helper = helper ? { name: helper.name, invert: helper.invert } : undefined;
  assignStateFields(base, o);
  base.dscp = dscp;
  base.log = log;
  base.logLimit = o.get('log_limit') as Limit | undefined;
  base.target = target;
  base.setXmark = setMark
    ? { invert: setMark.invert, mark: setMark.mark, mask: (setMark.mark | setMark.mask) >>> 0 }
    : (o.get('set_xmark') as Mark | undefined);
  base.setDscp = o.get('set_dscp') as Dscp | undefined;
  base.setHelper = setHelper?.name;

  const addRule = (
    family: Family, proto: Protocol, saddrs: Parameters<typeof assignMatchFields>[1], daddrs: Parameters<typeof assignMatchFields>[2],
    sports: PortRange[] | undefined, dports: PortRange[] | undefined,
    types: IcmpType[] | null, codes: IcmpType[] | null,
  ): void => {
    const setField = ruleSetField(ipset, matched.setMatch, proto.name, ref, sink);
    if (setField === 'skip') return;
    const r: RuleSpec = { ...base };
    r.family = family;
    r.proto = proto;
    assignMatchFields(r, saddrs, daddrs, sports, dports);
    r.hasPorts = !!(sports?.length || dports?.length);
    r.icmpTypes = types?.length ? types.map((i) => (family === 4 ? i.type! : i.type6!)) : undefined;
    r.icmpCodes = codes?.length
      ? codes.map((i) => (family === 4 ? `${i.type} . ${i.codeMin}` : `${i.type6} . ${i.code6Min}`)) : undefined;
    r.ipset = setField;
    if (target === 'notrack') {
      r.chain = `notrack_${srcZone!.name}`;
      srcZone!.dflags.add('notrack');
    } else if (target === 'helper') {
      r.chain = `helper_${srcZone!.name}`;
      srcZone!.dflags.add('helper');
    } else if (target === 'mark' || target === 'dscp') {
      if ((src?.any && dest?.any) || (srcZone && destZone)) r.chain = 'mangle_forward';
      else if (src?.any && destZone) r.chain = 'mangle_postrouting';
      else if (srcZone && dest?.any) r.chain = 'mangle_prerouting';
      else if (src && !dest) r.chain = 'mangle_input';
      else r.chain = 'mangle_output';
      if (srcZone) {
        srcZone.dflags.add(target);
        if (srcZone.matchDevices.length) r.iifnames = srcZone.matchDevices;
      }
      if (destZone) {
        destZone.dflags.add(target);
        if (destZone.matchDevices.length) r.oifnames = destZone.matchDevices;
      }
    } else {
      r.chain = 'output';
      if (src) r.chain = srcZone ? `${dest ? 'forward' : 'input'}_${srcZone.name}` : dest ? 'forward' : 'input';
      if (dest && !src) r.chain = destZone ? `output_${destZone.name}` : 'output';
      if (target && destZone) {
        r.jumpChain = `${target}_to_${destZone.name}`;
        destZone.dflags.add(target);
      } else if (target && srcZone?.log && target !== 'accept') {
        r.jumpChain = `${target}_from_${srcZone.name}`;
        srcZone.sflags.add(target);
      } else if (target === 'reject') {
        r.jumpChain = 'handle_reject';
      }
    }
    if (device) {
      if (o.get('direction') === true) r.oifnames = [device.device!];
      else r.iifnames = [device.device!];
    }
    out.push(r);
  };

  for (let pi = 0; pi < protos.length; pi++) {
    const proto = protos[pi]!;
    let family = o.get('family') as Family | undefined | null;
    let itypes4: IcmpType[] | undefined;
    let itypes6: IcmpType[] | undefined;
    let sports: PortRange[] | undefined;
    let dports: PortRange[] | undefined;
    switch (proto.name) {
      case 'icmp':
        itypes4 = icmpTypes.filter((i) => !i.family || i.family === 4);
        itypes6 = icmpTypes.filter((i) => !i.family || i.family === 6);
        break;
      case 'ipv6-icmp':
        family = 6;
        itypes6 = icmpTypes.filter((i) => !i.family || i.family === 6);
        break;
      case 'tcp': case 'udp':
        sports = o.get('src_port') as PortRange[] | undefined;
        dports = o.get('dest_port') as PortRange[] | undefined;
        break;
    }
    const sip = splitByFamily(srcIp);
    const dip = splitByFamily(destIp);
    const inferred = inferFamily(family, [
      [ipset, 'set match'], [sip, 'source IP'], [dip, 'destination IP'],
      [srcZone, 'source zone'], [destZone, 'destination zone'],
      [helper, 'helper match'], [setHelper, 'helper to set'],
    ]);
    if (typeof inferred === 'string') {
      sink.warn(ref, `${inferred}, skipping`);
      continue;
    }
    const v4 = !!(sip.v4?.length || dip.v4?.length || itypes4?.length || dscp !== undefined);
    const v6 = !!(sip.v6?.length || dip.v6?.length || itypes6?.length || dscp !== undefined);
    const fam: Family = inferred ?? (v4 && !v6 ? 4 : v6 && !v4 ? 6 : 0);
    if (!fam && target !== 'dscp' && !v4 && !v6) {
      addRule(0, proto, [], [], sports, dports, null, null);
      continue;
    }
    for (let k = 0; k < FAMILIES.length; k++) {
      const f = FAMILIES[k]!;
      if (fam !== 0 && fam !== f) continue;
      const itypes = (f === 4 ? itypes4 : itypes6) ?? [];
      // fw4 tests the IPv4 code range for both families, so IPv6-only names count as codes
      const lo = (i: IcmpType) => i.codeMin === 0 && i.codeMax === 0xff;
      const types = itypes.filter(lo);
      const codes = itypes.filter((i) => !lo(i));
      const sgroups = groupByMasking(addressesOf(sip, f));
      const dgroups = groupByMasking(addressesOf(dip, f));
      for (let si = 0; si < sgroups.length; si++) {
        for (let di = 0; di < dgroups.length; di++) {
          if (types.length || !codes.length) addRule(f, proto, sgroups[si]!, dgroups[di]!, sports, dports, types, null);
          if (codes.length) addRule(f, proto, sgroups[si]!, dgroups[di]!, sports, dports, null, codes);
        }
      }
    }
  }
  return out;
}
