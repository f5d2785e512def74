// How the report names sections and reads the compiled rules: which chain sees forwarded
// traffic, which rule accepts it, which protocols a rule covers.
import type { RuleSpec } from '../../compile/types.js';
import type { SectionRef } from '../../load/diagnostics.js';
import type { OffloadFinding } from './types.js';

/** fw4's reference for a section (`@rule[3]`, a named section's name, `ubus rule`). */
export function sectionOf(ref: SectionRef | undefined): Pick<OffloadFinding, 'section' | 'name'> {
  if (!ref) return { section: '(generated)' };
  const section = ref.id ?? (ref.package === 'ubus' ? `ubus ${ref.type}` : '(null)');
  return { section, ...(ref.label !== undefined ? { name: ref.label } : {}) };
}

/** One entry per section: a section compiles to one RuleSpec per protocol × family. */
export function bySection(rules: readonly RuleSpec[]): RuleSpec[][] {
  const groups = new Map<SectionRef, RuleSpec[]>();
  for (const r of rules) {
    if (!r.origin) continue;
    const g = groups.get(r.origin);
    if (g) g.push(r);
    else groups.set(r.origin, [r]);
  }
  return [...groups.values()];
}

/** Whether the rule lets matching packets through (accept verdict, or no verdict at all). */
export function accepts(r: RuleSpec): boolean {
  if (r.jumpChain) return r.jumpChain.startsWith('accept_to_');
  return r.target === undefined || r.target === 'accept';
}

/** A protocol as a user reads it. */
export function protocolLabel(r: RuleSpec): string {
  if (r.proto.any) return 'non-TCP/UDP';
  const name = String(r.proto.name);
  if (name === 'icmp') return r.family === 6 ? 'ICMPv6' : 'ICMP';
  if (name === 'ipv6-icmp') return 'ICMPv6';
  return name.toUpperCase();
}
