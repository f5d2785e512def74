// The per-zone statements: jumps into zone chains, verdicts, NAT leakage guard, masquerade, MSS fix.
import type { Zone, ZoneMatch } from '../load/model.js';
import { cidr } from '../options/format.js';
import { ipproto, nfproto, nfprotoHuman, quote, set } from './format.js';
import type { AddressGroup, Family } from '../options/types.js';

export function zoneMatch(rule: ZoneMatch, egress: boolean): string {
  const dev = egress ? 'oifname' : 'iifname';
  const dir = egress ? 'daddr' : 'saddr';
  const ip = ipproto(rule.family);
  let s = '';
  if (rule.devicesPos) s += `${dev} ${set(rule.devicesPos)} `;
  if (rule.devicesNeg) s += `${dev} != ${set(rule.devicesNeg)} `;
  for (const w of rule.devicesNegWildcard ?? []) s += `${dev} != ${quote(w)} `;
  if (rule.subnetsPos) s += `${ip} ${dir} ${set(rule.subnetsPos)} `;
  if (rule.subnetsNeg) s += `${ip} ${dir} != ${set(rule.subnetsNeg)} `;
  for (const a of rule.subnetsMasked ?? []) s += `${ip} ${dir} & ${a.mask} ${a.invert ? '!=' : '=='} ${a.addr} `;
  return s;
}

function familyPrefix(family: Family): string {
  return family ? `meta nfproto ${nfproto(family)} ` : '';
}

export type JumpDirection = 'input' | 'output' | 'forward' | 'helper' | 'dstnat' | 'srcnat' | 'notrack';

export function renderZoneJump(zone: Zone, rule: ZoneMatch, direction: JumpDirection): string {
  const egress = direction === 'output' || direction === 'srcnat';
  return `${familyPrefix(rule.family)}${zoneMatch(rule, egress)}jump ${direction}_${zone.name} comment "!fw4: Handle ${zone.name} ${nfprotoHuman(rule.family)} ${direction} ${direction === 'helper' ? 'assignment' : 'traffic'}"\n`;
}

export function renderZoneVerdict(zone: Zone, rule: ZoneMatch, egress: boolean, verdict: string, log = zone.log): string {
  const head = `${familyPrefix(rule.family)}${zoneMatch(rule, egress)}`;
  const prefix = `"${verdict} ${zone.name} ${egress ? 'out' : 'in'}: "`;
  if (verdict !== 'accept' && log & 1 && zone.logLimit) {
    return `${head}limit name "${zone.name}.log_limit" log prefix ${prefix}\n\t\t${renderZoneVerdict(zone, rule, egress, verdict, 0)}`;
  }
  let s = head;
  if (zone.counter) s += 'counter ';
  if (verdict !== 'accept' && log & 1) s += `log prefix ${prefix} `;
  if (verdict === 'reject') return `${s}jump handle_reject comment "!fw4: reject ${zone.name} ${nfprotoHuman(rule.family)} traffic"\n`;
  return `${s}${verdict} comment "!fw4: ${verdict} ${zone.name} ${nfprotoHuman(rule.family)} traffic"\n`;
}

export function renderDropInvalid(zone: Zone, rule: ZoneMatch, log = zone.log): string {
  let head = zone.masq !== zone.masq6 ? `meta nfproto ${nfproto(zone.masq ? 4 : 6)} ` : '';
  head += `${zoneMatch(rule, true)}ct state invalid `;
  const prefix = `"drop ${zone.name} invalid ct state: "`;
  if (log & 1 && zone.logLimit) {
    return `${head}limit name "${zone.name}.log_limit" log prefix ${prefix}\n\t\t${renderDropInvalid(zone, rule, 0)}`;
  }
  let s = head;
  if (zone.counter) s += 'counter ';
  if (log & 1) s += `log prefix ${prefix} `;
  return `${s}drop comment "!fw4: Prevent NAT leakage"\n`;
}

function masqAddrs(family: 4 | 6, dir: 'saddr' | 'daddr', g: AddressGroup): string {
  const ip = ipproto(family);
  let s = '';
  if (g[0]) s += `${ip} ${dir} ${set(g[0].map(cidr))} `;
  if (g[1]) s += `${ip} ${dir} != ${set(g[1].map(cidr))} `;
  for (const a of g[2] ?? []) s += `${ip} ${dir} & ${a.mask} ${a.invert ? '!=' : '=='} ${a.addr} `;
  return s;
}

export function renderMasquerade(zone: Zone, family: 4 | 6, saddrs: AddressGroup, daddrs: AddressGroup): string {
  return `meta nfproto ${nfproto(family)} ${masqAddrs(family, 'saddr', saddrs)}${masqAddrs(family, 'daddr', daddrs)}masquerade comment "!fw4: Masquerade ${nfprotoHuman(family)} ${zone.name} traffic"\n`;
}

export function renderMssFix(zone: Zone, rule: ZoneMatch, egress: boolean): string {
  let s = `${familyPrefix(rule.family)}${zoneMatch(rule, egress)}tcp flags syn / syn,fin,rst tcp option maxseg size set rt mtu `;
  if (zone.log & 2) s += `log prefix "MSSFIX ${zone.name} out: " `;
  return `${s}comment "!fw4: Zone ${zone.name} ${nfprotoHuman(rule.family)} ${egress ? 'egress' : 'ingress'} MTU fixing"\n`;
}
