// Findings about sections whose packets or statements change once flows are offloaded: rules,
// redirects, nat sections, zone helpers and nftables includes.
import { hex, portText } from '../../options/format.js';
import { FORWARDED_MANGLE_CHAINS, isForwardChain, isTcpUdp, offloadOption, selectsFlows } from '../../compile/offload.js';
import type { RuleSpec } from '../../compile/types.js';
import { DSCP_CLASSES } from '../../options/tables.js';
import type { Analysis } from './context.js';
import { KINDS } from './kinds.js';
import { forwardsFrom } from './paths.js';
import { accepts, bySection, protocolLabel, sectionOf } from './sections.js';
import type { OffloadFinding } from './types.js';

const SUGGEST_SLOW_PATH = "add `option offload '0'` (uci-fw4) to this section to keep its flows on the slow path";

function finding(first: RuleSpec, kind: OffloadFinding['kind'], message: string, suggestion?: string): OffloadFinding {
  return { ...sectionOf(first.origin), kind, message, ...(suggestion ? { suggestion } : {}) };
}

function notTcpUdp(group: RuleSpec[]): OffloadFinding | null {
  // a forwarding accepts every protocol by design; only rules choose one
  const others = group.filter((r) => r.kind === 'rule' && isForwardChain(r.chain) && accepts(r) && r.target !== undefined && !isTcpUdp(r));
  if (!others.length) return null;
  const protocols = [...new Set(others.map(protocolLabel))];
  return finding(group[0]!, 'not-tcp-udp', KINDS['not-tcp-udp'].message({ protocols, partly: others.some((r) => r.proto.any === true) }));
}

function perPacket(group: RuleSpec[]): OffloadFinding | null {
  const mangle = group.filter((r) => FORWARDED_MANGLE_CHAINS.has(r.chain));
  if (mangle.length) {
    const statements = [...new Set(mangle.flatMap((r) => [r.counter ? 'counter' : '', r.log ? 'log' : '', r.limit ? 'limit' : '']).filter(Boolean))];
    if (!statements.length) return null;
    return finding(group[0]!, 'per-packet-statement', KINDS['per-packet-statement'].message({ statements, udpOnly: false }), SUGGEST_SLOW_PATH);
  }
  // TCP is offloaded once established, when the ct state map already keeps it from forward rules
  const udp = group.filter((r) => isForwardChain(r.chain) && accepts(r) && (r.proto.name === 'udp' || r.proto.any === true));
  const statements = [...new Set(udp.flatMap((r) => [r.log ? 'log' : '', r.limit ? 'limit' : '']).filter(Boolean))];
  if (!statements.length) return null;
  return finding(group[0]!, 'per-packet-statement', KINDS['per-packet-statement'].message({ statements, udpOnly: true }), SUGGEST_SLOW_PATH);
}

function dscpName(value: number): string {
  const name = Object.entries(DSCP_CLASSES).find(([, v]) => v === value)?.[0];
  return name ? `${name} (${value})` : String(value);
}

function mangle(group: RuleSpec[]): OffloadFinding | null {
  const r = group.find((x) => FORWARDED_MANGLE_CHAINS.has(x.chain) && (x.setXmark || x.setDscp));
  if (!r) return null;
  const what = r.setDscp ? `The DSCP value ${dscpName(r.setDscp.dscp)} set by this rule` : `The mark ${hex(r.setXmark!.mark)} set by this rule`;
  return finding(r, 'mangle-after-offload', KINDS['mangle-after-offload'].message({ what }), SUGGEST_SLOW_PATH);
}

function helperTarget(group: RuleSpec[]): OffloadFinding | null {
  const r = group.find((x) => x.target === 'helper' && x.setHelper);
  if (!r) return null;
  return finding(r, 'conntrack-helper', KINDS['conntrack-helper'].message({ what: 'Connections matching this rule', helpers: [r.setHelper!] }));
}

function notrack(group: RuleSpec[]): OffloadFinding | null {
  const r = group.find((x) => x.target === 'notrack');
  return r ? finding(r, 'notrack', KINDS.notrack.message()) : null;
}

const IKE_PORTS = [500, 4500];

function coversIke(r: RuleSpec): boolean {
  if (r.proto.name !== 'udp') return false;
  if (!r.dportsPos) return false;
  return r.dportsPos.some((p) => {
    const [lo, hi = lo] = p.split('-').map(Number);
    return IKE_PORTS.some((port) => lo! <= port && port <= hi!);
  });
}

function ipsecEndpoint(group: RuleSpec[]): OffloadFinding | null {
  const toRouter = group.filter((r) => (r.chain === 'input' || r.chain.startsWith('input_')) && accepts(r) && r.target !== undefined);
  const r = toRouter.find((x) => ['esp', 'ah', '50', '51'].includes(String(x.proto.name)) || coversIke(x));
  if (!r) return null;
  return finding(r, 'ipsec', KINDS.ipsec.message({ what: `This rule lets IPsec (${coversIke(r) ? 'IKE' : protocolLabel(r)}) reach the router, so it may terminate tunnels` }));
}

function optionIgnored(a: Analysis, group: RuleSpec[]): OffloadFinding | null {
  if (offloadOption(a.ruleset, group[0]!.origin) === undefined) return null;
  let why: string | null = null;
  if (a.mode === 'none') why = 'flow offloading is off, so nothing is offloaded anyway';
  else if (group[0]!.kind === 'rule' && !group.some(selectsFlows)) why = 'only rules that accept, mark or set DSCP on forwarded TCP or UDP traffic select flows';
  return why ? finding(group[0]!, 'offload-option-ignored', KINDS['offload-option-ignored'].message({ why })) : null;
}

/** A DNAT that changes the port, or an SNAT that rewrites ports. */
function portMapping(r: RuleSpec): string | null {
  if (!r.rport) return null;
  const to = portText(r.rport);
  if (r.kind === 'redirect' && r.target === 'dnat') {
    const from = r.dportsPos?.join(', ');
    if (from === to) return null;
    return `Port forward ${from ? `from port ${from}` : 'of every port'} to ${r.raddr ? `${r.raddr.addr}:` : 'port '}${to}`;
  }
  if (r.target === 'snat') return `Source NAT rewriting source ports to ${to}`;
  return null;
}

function natPortMapping(group: RuleSpec[]): OffloadFinding | null {
  for (const r of group) {
    const what = portMapping(r);
    if (what) return finding(r, 'nat-port-mapping', KINDS['nat-port-mapping'].message({ what }));
  }
  return null;
}

/** Zones that assign conntrack helpers (automatic or listed) to what they forward. */
function zoneHelpers(a: Analysis): OffloadFinding[] {
  const out: OffloadFinding[] = [];
  for (const z of a.zones) {
    const rules = a.ruleset.rules.filter((r) => !r.origin && r.chain === `helper_${z.name}` && r.setHelper);
    if (!rules.length || !forwardsFrom(a, z)) continue;
    const helpers = [...new Set(rules.map((r) => `${r.setHelper} (${r.proto.name} ${r.dportsPos?.join(', ')})`))];
    out.push({
      ...sectionOf(z.origin), name: z.name, kind: 'conntrack-helper',
      message: KINDS['conntrack-helper'].message({ what: `Connections from zone ${z.name} to the helpers' ports`, helpers }),
    });
  }
  return out;
}

const SKIPPED_CHAINS = ['forward', 'mangle_forward', 'mangle_prerouting', 'mangle_postrouting'];

function includes(a: Analysis): OffloadFinding[] {
  return a.ruleset.includes
    .filter((i) => i.type === 'nftables' && i.chain && SKIPPED_CHAINS.includes(i.chain))
    .map((i) => ({
      ...(i.origin?.id ? sectionOf(i.origin) : { section: i.path }),
      kind: 'include-on-offloaded-path' as const,
      message: KINDS['include-on-offloaded-path'].message({ chain: i.chain! }),
    }));
}

/** Every finding about configured sections, in section order within each kind. */
export function ruleFindings(a: Analysis): OffloadFinding[] {
  const groups = bySection([...a.ruleset.rules, ...a.ruleset.redirects]);
  const out: OffloadFinding[] = [];
  const each = (f: (g: RuleSpec[]) => OffloadFinding | null) => {
    for (const g of groups) {
      const x = f(g);
      if (x) out.push(x);
    }
  };
  each((g) => optionIgnored(a, g));
  if (a.mode === 'none') return out;
  each(notTcpUdp);
  out.push(...zoneHelpers(a));
  each(helperTarget);
  if (a.mode === 'hardware') each(natPortMapping);
  each(perPacket);
  each(mangle);
  each(ipsecEndpoint);
  each(notrack);
  out.push(...includes(a));
  return out;
}
