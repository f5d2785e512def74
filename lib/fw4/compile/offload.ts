// uci-fw4's `offload` option (an extension beyond fw4, rendered by render/offload.ts, reported on
// by offload/report): its values per section and the sections it selects. The schema entry makes
// the loader validate it like any fw4 bool (a bad value rejects the section with fw4's "specifies
// invalid value" warning); this reads the validated values back for the compiler.
import type { UciPackage } from '../../uci/types.js';
import type { SectionRef } from '../load/diagnostics.js';
import type { Zone } from '../load/model.js';
import { parseBool } from '../options/values.js';
import type { Ruleset, RuleSpec } from './types.js';

const TYPES = new Set(['zone', 'rule', 'forwarding']);

/** `{ offloadOptions }` for the ruleset when some section sets the option, else nothing at all. */
export function offloadOptions(firewall: UciPackage): Pick<Ruleset, 'offloadOptions'> {
  const values = new Map<number, boolean>();
  for (const s of firewall.sections) {
    const raw = s.options.get('offload');
    if (!TYPES.has(s.type) || typeof raw !== 'string') continue;
    const value = parseBool(raw);
    if (value !== null) values.set(s.index, value);
  }
  return values.size ? { offloadOptions: values } : {};
}

/** The option's value on the section `ref` comes from, if set. */
export function offloadOption(rs: Ruleset, ref: SectionRef | undefined): boolean | undefined {
  if (!ref || ref.package !== 'firewall') return undefined;
  return rs.offloadOptions?.get(ref.index);
}

/** Filter chains that forwarded packets traverse: `forward` and `forward_ZONE`. */
export function isForwardChain(chain: string): boolean {
  return chain === 'forward' || chain.startsWith('forward_');
}

/** Mangle chains whose rules see every forwarded packet until its flow is offloaded. */
export const FORWARDED_MANGLE_CHAINS: ReadonlySet<string> = new Set(['mangle_forward', 'mangle_prerouting', 'mangle_postrouting']);

export function isTcpUdp(r: RuleSpec): boolean {
  return r.proto.name === 'tcp' || r.proto.name === 'udp';
}


/** A section's compiled form with its `offload` value. */
export interface Selected<T> { item: T; offload: boolean }

export interface Selection {
  zones: Selected<Zone>[];
  forwardings: Selected<RuleSpec>[];
  /** Rules with the option that can select flows: forwarded, TCP/UDP (or any protocol). */
  rules: Selected<RuleSpec>[];
  /** Some section says `offload '1'`: only selected flows are offloaded. */
  optIn: boolean;
}

function selected<T extends { origin?: Zone['origin'] }>(rs: Ruleset, items: readonly T[]): Selected<T>[] {
  const out: Selected<T>[] = [];
  for (const item of items) {
    const offload = offloadOption(rs, item.origin);
    if (offload !== undefined) out.push({ item, offload });
  }
  return out;
}

export function selectionOf(rs: Ruleset): Selection {
  const zones = selected(rs, rs.zones);
  const forwardings = selected(rs, rs.rules.filter((r) => r.kind === 'forwarding'));
  const rules = selected(rs, rs.rules.filter((r) => r.kind === 'rule' && selectsFlows(r)));
  const optIn = [...zones, ...forwardings, ...rules].some((s) => s.offload);
  return { zones, forwardings, rules, optIn };
}

/** Whether a rule's option can change offloading: it accepts, marks or sets DSCP on forwarded TCP or UDP. */
export function selectsFlows(r: RuleSpec): boolean {
  const accepted = isForwardChain(r.chain) && (r.target === 'accept' || r.jumpChain?.startsWith('accept_to_') === true);
  return (accepted || FORWARDED_MANGLE_CHAINS.has(r.chain)) && (r.proto.any === true || isTcpUdp(r));
}

/** Whether a forwarding or forward rule applies to traffic from zone `src` to zone `dest`. */
export function covers(r: RuleSpec, src: string, dest: string): boolean {
  const srcOk = r.srcZone === src || (r.srcZone === undefined && (r.chain === 'forward' || FORWARDED_MANGLE_CHAINS.has(r.chain)));
  return srcOk && (r.destZone === undefined || r.destZone === dest);
}
