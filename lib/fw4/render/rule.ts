// One filter/mangle rule or one NAT rule as fw4's rule.uc and redirect.uc print it.
import { cidr, hex, hostText, portText } from '../options/format.js';
import type { RuleSpec } from '../compile/types.js';
import type { Address, Family, Limit } from '../options/types.js';
import { datestamp, ipproto, nfproto, quote, set, timeOfDay } from './format.js';

/** The zone whose named log limit applies to a rule's log statement. */
export interface LogZone { name: string; logLimit?: Limit }

function masked(family: Family, dir: 'saddr' | 'daddr', list: readonly Address[] | undefined): string {
  let s = '';
  if (!list) return s;
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    s += `${ipproto(family)} ${dir} & ${a.mask} ${a.invert ? '!=' : '=='} ${a.addr} `;
  }
  return s;
}

function addressMatches(r: RuleSpec): string {
  const ip = ipproto(r.family);
  let s = '';
  if (r.saddrsPos) s += `${ip} saddr ${set(r.saddrsPos)} `;
  if (r.saddrsNeg) s += `${ip} saddr != ${set(r.saddrsNeg)} `;
  s += masked(r.family, 'saddr', r.saddrsMasked);
  if (r.daddrsPos) s += `${ip} daddr ${set(r.daddrsPos)} `;
  if (r.daddrsNeg) s += `${ip} daddr != ${set(r.daddrsNeg)} `;
  s += masked(r.family, 'daddr', r.daddrsMasked);
  const p = r.proto.name;
  if (r.sportsPos) s += `${p} sport ${set(r.sportsPos)} `;
  if (r.sportsNeg) s += `${p} sport != ${set(r.sportsNeg)} `;
  if (r.dportsPos) s += `${p} dport ${set(r.dportsPos)} `;
  if (r.dportsNeg) s += `${p} dport != ${set(r.dportsNeg)} `;
  if (r.smacsPos) s += `ether saddr ${set(r.smacsPos)} `;
  if (r.smacsNeg) s += `ether saddr != ${set(r.smacsNeg)} `;
  return s;
}

function limitText(l: Limit): string {
  return `${l.rate}/${l.unit}`;
}

/** helper, limit, time, mark and set matches: the same in both templates. */
function stateMatches(r: RuleSpec, withIcmpAndDscp: boolean): string {
  let s = '';
  if (withIcmpAndDscp) {
    const icmp = r.family === 4 ? 'icmp' : 'icmpv6';
    if (r.icmpTypes) s += `${icmp} type ${set(r.icmpTypes)} `;
    if (r.icmpCodes) s += `${icmp} type . ${icmp} code ${set(r.icmpCodes, true)} `;
  }
  if (r.helper) s += `ct helper${r.helper.invert ? ' !=' : ''} ${quote(r.helper.name, true)} `;
  if (r.limit) s += `limit rate ${limitText(r.limit)}${r.limitBurst ? ` burst ${r.limitBurst} packets` : ''} `;
  if (r.startDate && r.stopDate) s += `meta time ${datestamp(r.startDate)}-${datestamp(r.stopDate)} `;
  else if (r.startDate) s += `meta time >= ${datestamp(r.startDate)} `;
  else if (r.stopDate) s += `meta time <= ${datestamp(r.stopDate)} `;
  if (r.startTime && r.stopTime) s += `meta hour ${timeOfDay(r.startTime)}-${timeOfDay(r.stopTime)} `;
  else if (r.startTime) s += `meta hour >= ${timeOfDay(r.startTime)} `;
  else if (r.stopTime) s += `meta hour <= ${timeOfDay(r.stopTime)} `;
  if (r.weekdays) s += `meta day${r.weekdays.invert ? ' !=' : ''} ${set(r.weekdays.days)} `;
  if (r.mark && r.mark.mask < 0xffffffff) {
    s += `meta mark and ${hex(r.mark.mask)} ${r.mark.invert ? '!=' : '=='} ${hex(r.mark.mark)} `;
  }
  if (r.mark && r.mark.mask === 0xffffffff) s += `meta mark${r.mark.invert ? ' !=' : ''} ${hex(r.mark.mark)} `;
  if (withIcmpAndDscp && r.dscp) s += `${ipproto(r.family)} dscp${r.dscp.invert ? ' !=' : ''} ${hex(r.dscp.dscp)} `;
  if (r.ipset) s += `${r.ipset.fields.join(' . ')}${r.ipset.invert ? ' !=' : ''} @${r.ipset.name} `;
  return s;
}

function l4proto(r: RuleSpec): string {
  if (r.proto.name === 'icmp') {
    if (!r.family) return set(['icmp', 'ipv6-icmp']);
    if (r.family === 6) return 'ipv6-icmp';
  }
  return String(r.proto.name);
}

function markSet(m: { mark: number; mask: number }): string {
  if (m.mask === 0xffffffff) return hex(m.mark);
  if (m.mark === 0) return `mark and ${hex(~m.mask)}`;
  if (m.mark === m.mask) return `mark or ${hex(m.mark)}`;
  if (m.mask === 0) return `mark xor ${hex(m.mark)}`;
  return `mark and ${hex(~m.mask)} xor ${hex(m.mark)}`;
}

/** Log statements with a rate limit get a line of their own before the rule (fw4 templates). */
function logLimitLine(log: string, limit: Limit | undefined, zone: LogZone | null): string | null {
  if (limit) return `limit rate ${limitText(limit)} log prefix ${quote(log, true)}`;
  if (zone?.logLimit) return `limit name "${zone.name}.log_limit" log prefix ${quote(log, true)}`;
  return null;
}

/** A filter-table rule, newline-terminated, without its leading indentation. */
export function renderRule(r: RuleSpec, zone: LogZone | null): string {
  let s = '';
  if (r.family && !r.hasAddrs) s += `meta nfproto ${nfproto(r.family)} `;
  if (!r.proto.any && !r.hasPorts && !r.icmpTypes && !r.icmpCodes) s += `meta l4proto ${l4proto(r)} `;
  if (r.iifnames) s += `iifname ${set(r.iifnames)} `;
  if (r.oifnames) s += `oifname ${set(r.oifnames)} `;
  s += addressMatches(r) + stateMatches(r, true);
  if (r.log) {
    const line = logLimitLine(r.log, r.logLimit, zone);
    if (line) return `${s}${line}\n\t\t${renderRule({ ...r, log: undefined }, zone)}`;
  }
  if (r.counter) s += 'counter ';
  if (r.log) s += `log prefix ${quote(r.log, true)} `;
  if (r.target === 'mark' && r.setXmark) s += `meta mark set ${markSet(r.setXmark)} `;
  else if (r.target === 'dscp' && r.setDscp) s += `${ipproto(r.family)} dscp set ${hex(r.setDscp.dscp)} `;
  else if (r.target === 'notrack') s += 'notrack ';
  else if (r.target === 'helper') s += `ct helper set ${quote(r.setHelper ?? '', true)} `;
  else if (r.jumpChain) s += `jump ${r.jumpChain} `;
  else if (r.target) s += `${r.target} `;
  return `${s}comment ${quote(`!fw4: ${r.name}`, true)}\n`;
}

/** A NAT rule (redirect or nat section), newline-terminated, without its leading indentation. */
export function renderRedirect(r: RuleSpec, zone: LogZone | null): string {
  let s = '';
  if (r.family && !r.hasAddrs) s += `meta nfproto ${nfproto(r.family)} `;
  if (!r.proto.any && !r.hasPorts) s += `meta l4proto ${r.proto.name === 'icmp' && r.family === 6 ? 'ipv6-icmp' : r.proto.name} `;
  if (r.device) s += `oifname ${quote(r.device, true)} `;
  s += addressMatches(r) + stateMatches(r, false);
  if (r.log) {
    const line = logLimitLine(r.log, r.logLimit, zone);
    if (line) return `${s}${line}\n\t\t${renderRedirect({ ...r, log: undefined }, zone)}`;
  }
  if (r.counter) s += 'counter ';
  if (r.log) s += `log prefix ${quote(r.log, true)} `;
  if (r.target === 'redirect') {
    s += `redirect${r.rport ? ` to ${portText(r.rport)}` : ''}`;
  } else if (r.target === 'accept' || r.target === 'masquerade') {
    s += `${r.target}`;
  } else {
    s += `${r.target} ${r.raddr ? hostText(r.raddr, r.rport !== undefined) : ''}${r.rport ? `:${portText(r.rport)}` : ''}`;
  }
  return `${s} comment ${quote(`!fw4: ${r.name}`, true)}\n`;
}

export { cidr };
