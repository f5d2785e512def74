// The notes uci-fw4 prints beside fw4's warnings: what a derived system assumed, which zone
// subnets it cannot know, and, for a snapshot that lacks the kernel version, what that causes.
import type { Zone } from '../../load/model.js';
import type { DerivedFacts, SystemView } from '../types.js';

/**
 * The assumptions and gaps of a derived system: with the zones of the firewall it renders, the
 * zones whose subnets are unknown; without, each interface with addresses only known at run time.
 */
export function derivedNotes(facts: DerivedFacts, zones?: readonly Pick<Zone, 'name' | 'network'>[]): string[] {
  const notes = [
    `no snapshot: the system is derived from the confdir's ${facts.from.join(' and ')} config, assuming:`,
    ...facts.assumptions.map((a) => `  ${a}`),
    ...facts.problems,
  ];
  const why = (iface: string) => facts.runtime[iface]!.join('; ');
  if (!zones) {
    for (const iface of Object.keys(facts.runtime)) notes.push(`interface '${iface}': ${why(iface)}`);
    return notes;
  }
  for (const z of zones) {
    for (const n of z.network) {
      if (n.invert || n.device === undefined || !facts.runtime[n.device]) continue;
      notes.push(`zone '${z.name}': subnets of interface '${n.device}' known only at run time are left out (${why(n.device)})`);
    }
  }
  return notes;
}

/**
 * What a recorded snapshot lacks that changes the ruleset, named before fw4's own warnings (which
 * only show the consequence): with no /proc/version fw4 reads kernel 0.
 */
export function snapshotNotes(view: SystemView): string[] {
  if (view.readFile('/proc/version')) return [];
  return [
    'the snapshot has no /proc/version: fw4 takes the kernel version as 0, so zones with mtu_fix are ' +
      "skipped (they need 4.10) and every rule naming such a zone is then invalid; ipset match 'net' needs 5.6",
  ];
}
