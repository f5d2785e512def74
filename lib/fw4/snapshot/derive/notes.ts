// The notes uci-fw4 prints beside fw4's warnings: what a derived system assumed, which zone
// subnets it cannot know, and, for a snapshot that lacks the kernel version, what that causes.
import type { Zone } from '../../load/model.js';
import type { DerivedFacts, SystemView } from '../types.js';

/** The assumptions and gaps of a derived system, and the zones whose subnets are unknown. */
export function derivedNotes(facts: DerivedFacts, zones: readonly Pick<Zone, 'name' | 'network'>[]): string[] {
  const notes = [
    `no snapshot: the system is derived from the confdir's ${facts.from.join(' and ')} config, assuming:`,
    ...facts.assumptions.map((a) => `  ${a}`),
    ...facts.problems,
  ];
  for (const z of zones) {
    const unknown = z.network.filter((n) => !n.invert && n.device !== undefined && facts.runtime[n.device]);
    for (const n of unknown) {
      notes.push(`zone '${z.name}': the subnets of interface '${n.device}' are unknown (${facts.runtime[n.device!]!.join('; ')})`);
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
