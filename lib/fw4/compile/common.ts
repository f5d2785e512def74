// Pieces shared by rules, redirects and nat: logging, set lookups, protocol fix-ups, ports.
import type { DiagnosticSink, SectionRef } from '../load/diagnostics.js';
import type { Ipset } from '../load/model.js';
import type { ParsedOptions } from '../load/options.js';
import type { AddressGroup, DateStamp, Limit, MacAddress, Mark, PortRange, Protocol, SetMatch, TimeOfDay, Weekdays } from '../options/types.js';
import type { OptionSpec } from '../schema.js';
import { parseBool } from '../options/values.js';
import { mapCidr } from '../options/addresses.js';
import { portText } from '../options/format.js';
import type { RuleSpec } from './types.js';

/** `log 1` logs with the rule name as prefix, `log 0` not at all, anything else is the prefix. */
export function logPrefix(log: string | undefined, name: string): string | undefined {
  if (log === undefined) return undefined;
  const b = parseBool(log);
  if (b === true) return `${name}: `;
  if (b === false) return undefined;
  return log;
}

/** A set with a port field needs tcp/udp: `proto all` becomes tcp + udp (fw4's ensure_tcpudp). */
export function ensureTcpUdp(protos: Protocol[]): boolean {
  if (protos.some((p) => p.name === 'tcp' || p.name === 'udp')) return true;
  const rest = protos.filter((p) => !p.any);
  const any = protos.filter((p) => p.any);
  if (any.length && !rest.length) {
    protos.splice(0, protos.length, { name: 'tcp' }, { name: 'udp' });
    return true;
  }
  return false;
}

/** nft fields of a set match; null when the set cannot apply to this protocol; 'dst-mac' when unsupported. */
function setMatchFields(set: Ipset | undefined, match: SetMatch | undefined, proto: string | undefined): string[] | null | 'dst-mac' {
  if (!set || (set.types.includes('inet_service') && proto !== 'tcp' && proto !== 'udp')) return null;
  const fields: string[] = [];
  for (let i = 0; i < set.types.length; i++) {
    const dir = (match?.dir?.[i] || set.directions[i] || 'src') === 'src' ? 's' : 'd';
    switch (set.types[i]) {
      case 'ipv4_addr': fields[i] = `ip ${dir}addr`; break;
      case 'ipv6_addr': fields[i] = `ip6 ${dir}addr`; break;
      case 'ether_addr':
        if (dir !== 's') return 'dst-mac';
        fields[i] = 'ether saddr';
        break;
      case 'inet_service': fields[i] = `${proto} ${dir}port`; break;
    }
  }
  return fields;
}

/** The `ipset` field of a rule for one protocol; 'skip' (warned) when the set matches a destination MAC. */
export function ruleSetField(
  set: Ipset | undefined, match: SetMatch | undefined, proto: string | undefined, ref: SectionRef, sink: DiagnosticSink,
): RuleSpec['ipset'] | 'skip' {
  const fields = setMatchFields(set, match, proto);
  if (fields === 'dst-mac') {
    sink.warn(ref, 'destination MAC address matching not supported');
    return 'skip';
  }
  return fields && match ? { name: match.name, invert: match.invert, fields } : undefined;
}

function ports(list: PortRange[] | undefined, invert: boolean): string[] | undefined {
  if (!list) return undefined;
  let out: string[] | undefined;
  for (let i = 0; i < list.length; i++) if (list[i]!.invert === invert) (out ??= []).push(portText(list[i]!));
  return out;
}

/** Sets the address and port fields common to every rule kind. */
export function assignMatchFields(
  r: RuleSpec, saddrs: AddressGroup | readonly [], daddrs: AddressGroup | readonly [],
  sports: PortRange[] | undefined, dports: PortRange[] | undefined,
): void {
  r.hasAddrs = !!(saddrs[0] || saddrs[1] || saddrs[2] || daddrs[0] || daddrs[1] || daddrs[2]);
  r.saddrsPos = mapCidr(saddrs[0]);
  r.saddrsNeg = mapCidr(saddrs[1]);
  r.saddrsMasked = saddrs[2];
  r.daddrsPos = mapCidr(daddrs[0]);
  r.daddrsNeg = mapCidr(daddrs[1]);
  r.daddrsMasked = daddrs[2];
  r.sportsPos = ports(sports, false);
  r.sportsNeg = ports(sports, true);
  r.dportsPos = ports(dports, false);
  r.dportsNeg = ports(dports, true);
}

/** Rules, redirects and nats are named after their section id unless `name` is set. */
export function sectionDefault(sectionId: string): (spec: OptionSpec) => string | undefined {
  return (spec) => (spec.defaultFrom === 'section-id' ? sectionId : undefined);
}

/** The set a rule or redirect matches; false (with fw4's warning) when the section must be dropped. */
export function lookupSet(
  match: SetMatch | undefined, protos: Protocol[], ipsets: readonly Ipset[], ref: SectionRef, sink: DiagnosticSink,
): Ipset | undefined | false {
  if (!match) return undefined;
  const ipset = ipsets.find((s) => s.name === match.name);
  if (!ipset) {
    sink.warn(ref, `references unknown set '${match.name}'`);
    return false;
  }
  if (ipset.types.includes('inet_service') && !ensureTcpUdp(protos)) {
    sink.warn(ref, 'references named set with port match but no UDP/TCP protocol, ignoring section');
    return false;
  }
  return ipset;
}

/** The protocols and the set a rule or redirect matches; null when the set lookup dropped the section (warned). */
export function protocolsAndSet(
  o: ParsedOptions, ipsets: readonly Ipset[], ref: SectionRef, sink: DiagnosticSink,
): { protos: Protocol[]; setMatch: SetMatch | undefined; ipset: Ipset | undefined } | null {
  const protos = (o.get('proto') as Protocol[] | undefined) ?? [];
  const setMatch = o.get('ipset') as SetMatch | undefined;
  const ipset = lookupSet(setMatch, protos, ipsets, ref, sink);
  return ipset === false ? null : { protos, setMatch, ipset };
}

export function macs(list: MacAddress[] | undefined, invert: boolean): string[] | undefined {
  if (!list) return undefined;
  let out: string[] | undefined;
  for (let i = 0; i < list.length; i++) if (list[i]!.invert === invert) (out ??= []).push(list[i]!.mac);
  return out;
}

/** Sets the limit, time window and mark matches, read the same way for every rule kind. */
export function assignStateFields(r: RuleSpec, o: ParsedOptions): void {
  r.limit = o.get('limit') as Limit | undefined;
  r.limitBurst = o.get('limit_burst') as number | undefined;
  r.startDate = o.get('start_date') as DateStamp | undefined;
  r.stopDate = o.get('stop_date') as DateStamp | undefined;
  r.startTime = o.get('start_time') as TimeOfDay | undefined;
  r.stopTime = o.get('stop_time') as TimeOfDay | undefined;
  r.weekdays = o.get('weekdays') as Weekdays | undefined;
  r.mark = o.get('mark') as Mark | undefined;
}
