// The notes uci-fw4 prints beside fw4's warnings: what a derived system assumed, which zone
// subnets it cannot know, and, for a snapshot that lacks the kernel version, what that causes.
import type { Zone } from '../../load/model.js';
import type { DerivedFacts, SystemView } from '../types.js';
import { SnapshotView } from '../view.js';

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
 * What a recorded snapshot lacks, named before fw4's own warnings when they show its consequence:
 * with no /proc/version fw4 reads kernel 0, and reports only that a zone with mtu_fix or an
 * ipset matching 'net' requires a newer kernel (then every rule naming that zone is invalid).
 */
export function snapshotNotes(view: SystemView, warnings: readonly string[]): string[] {
  if (view.readFile('/proc/version') || !warnings.some((w) => w.includes('requires kernel'))) return [];
  return [
    'the snapshot has no /proc/version: fw4 takes the kernel version as 0, so zones with mtu_fix are ' +
      "skipped (they need 4.10) and every rule naming such a zone is then invalid; ipset match 'net' needs 5.6",
  ];
}

/**
 * The notes for a rendering on `system`: a derived system's assumptions and unknown zone subnets
 * (per interface when `zones` is not given), else what the snapshot lacks that `warnings` show.
 * The CLI and the server's firewall object both say exactly these.
 */
export function systemNotes(system: SystemView, warnings: readonly string[], zones?: readonly Pick<Zone, 'name' | 'network'>[]): string[] {
  const facts = system instanceof SnapshotView ? system.snapshot.derived : undefined;
  return facts ? derivedNotes(facts, zones) : snapshotNotes(system, warnings);
}

/** Notes as printed on stderr before fw4's warnings: one `note: ` line each. */
export function notesText(notes: readonly string[]): string {
  return notes.map((n) => `note: ${n}\n`).join('');
}
