// Reading what the guest saw (conntrack lines, counters, what the server received) and what the
// offload report predicts for the same flow, in the same terms: where the flow is offloaded.
import type { OffloadFinding, OffloadReport } from '../../lib/fw4/index.js';
import type { Flow } from './scenarios.js';

export interface Snapshot {
  /** /proc/net/nf_conntrack */
  conntrack: string;
  /** `conntrack -L` (after the last phase only). */
  listing: string | null;
  ruleset: { nftables: Record<string, unknown>[] };
}

export interface FlowObservation {
  /** Packets sent by the end of each phase. */
  sent: number[];
  /** TCP: bytes, UDP: datagrams received by the server (null for ICMP). */
  received: number | null;
  /** UDP: the TOS byte of each datagram received. */
  tos: number[] | null;
  /** The router's state after each phase. */
  snapshots: Snapshot[];
  error?: string;
}

/** Offloaded in both directions, only for packets in the original direction, or not at all. */
export type Offload = 'both' | 'original' | 'none';

/** Kinds that keep a flow off the flowtable whatever the path says. */
const NEVER = new Set(['not-tcp-udp', 'conntrack-helper', 'notrack', 'ipsec']);

export interface Prediction {
  offload: Offload;
  why: string;
  /** Findings about the section the flow belongs to. */
  findings: OffloadFinding[];
}

export function predict(report: OffloadReport, flow: Flow): Prediction {
  const path = report.paths.find((p) => p.src === flow.src && p.dest === flow.dest);
  if (!path) throw new Error(`no path ${flow.src} -> ${flow.dest} in the report`);
  const findings = flow.section === undefined ? [] : report.findings.filter((f) => f.name === flow.section);
  if (path.offload === 'none') return { offload: 'none', why: path.reasons.join('; '), findings };
  const never = findings.find((f) => NEVER.has(f.kind));
  if (never) return { offload: 'none', why: `${never.section} [${never.kind}]`, findings };
  const label = (r: string) => flow.section !== undefined && r.includes(`(${flow.section})`);
  const except = path.reasons.find((r) => r.startsWith('except flows matching') && label(r));
  if (except) return { offload: 'none', why: except, findings };
  const only = path.reasons.find((r) => r.startsWith('only flows matching'));
  if (only && !label(only)) return { offload: 'none', why: only, findings };
  const partial = path.reasons.find((r) => r.startsWith('only packets arriving through'));
  if (partial) {
    const through = /^only packets arriving through (\S+) are offloaded/.exec(partial)?.[1];
    return { offload: through === flow.src ? 'original' : 'none', why: partial, findings };
  }
  return { offload: 'both', why: `path ${flow.src} -> ${flow.dest}: ${path.offload}${only ? `, ${only}` : ''}`, findings };
}

/** The conntrack line of a flow (either format): its original tuple's destination (and port, or ICMP echo). */
export function conntrackLine(conntrack: string, flow: Flow): string | undefined {
  return conntrack.split('\n').find((line) => {
    const dst = /\bdst=(\S+)/.exec(line)?.[1];
    if (dst !== flow.connect || !new RegExp(`^(ipv4 +\\d+ +)?${flow.proto} `).test(line)) return false;
    if (flow.proto === 'icmp') return /\btype=8\b/.test(line);
    return /\bdport=(\d+)/.exec(line)?.[1] === String(flow.port);
  });
}

interface NftRule {
  chain: string;
  table: string;
  comment?: string;
  expr: Record<string, unknown>[];
}

function rules(snap: Snapshot): NftRule[] {
  return snap.ruleset.nftables.flatMap((o) => ('rule' in o ? [o.rule as NftRule] : []));
}

function packets(rule: NftRule): number {
  const counter = rule.expr.find((e) => 'counter' in e)?.counter as { packets: number } | undefined;
  return counter?.packets ?? 0;
}

/** The observer's counters for flow `index`: packets reaching the forward hook each way. */
export function hookCounters(snap: Snapshot, index: number): { original: number; reply: number } {
  const get = (dir: string) => rules(snap).filter((r) => r.table === 'vmobs' && r.comment === `flow${index} ${dir}`).reduce((n, r) => n + packets(r), 0);
  return { original: get('original'), reply: get('reply') };
}

/** Packets counted by fw4's rules of a section (by its name, as fw4's comment carries it). */
export function sectionCounter(snap: Snapshot, name: string): number {
  return rules(snap).filter((r) => r.table === 'fw4' && r.comment === `!fw4: ${name}`).reduce((n, r) => n + packets(r), 0);
}

export interface Observed {
  offload: Offload;
  line: string;
  /** Forward-hook packets per direction after phase 1 and phase 2. */
  hook: { original: number; reply: number }[];
}

export function observedOffload(obs: FlowObservation, index: number, flow: Flow): Observed {
  const [first, second] = obs.snapshots;
  if (!first || !second) throw new Error(`flow ${flow.name}: ${obs.error ?? 'no snapshots'}`);
  const line = conntrackLine(second.conntrack, flow);
  const hook = [hookCounters(first, index), hookCounters(second, index)];
  const grew = (dir: 'original' | 'reply') => hook[1]![dir] > hook[0]![dir];
  let offload: Offload = 'none';
  if (line?.includes('[OFFLOAD]')) offload = !grew('original') && !grew('reply') ? 'both' : !grew('original') ? 'original' : 'none';
  return { offload, line: line ?? '(no conntrack entry)', hook };
}
