// `derive`: the system netifd would bring up from a confdir's network config, as a snapshot, with
// everything it had to assume written into it (DerivedFacts) instead of silently invented.
import type { UciPackage } from '../../../uci/types.js';
import { defaultHelpers } from '../../default-helpers.js';
import type { SystemSnapshot } from '../types.js';
import { readNetwork } from './network.js';
import { ASSUMED_KERNEL, planSnapshot } from './snapshot.js';
import { joinWireless } from './wireless.js';

export { ASSUMED_KERNEL } from './snapshot.js';
export { derivedNotes, notesText, snapshotNotes, systemNotes } from './notes.js';

export interface DeriveInput {
  /** The `network` package. */
  network: UciPackage;
  /** The `wireless` package, when the confdir has one. */
  wireless?: UciPackage;
  /** The conntrack helper table in use (fw4's own when absent): its modules are taken as loaded. */
  helpers?: UciPackage;
}

/** The assumptions every derived system makes, in the words the notes print. */
export const ASSUMPTIONS: readonly string[] = [
  `kernel ${ASSUMED_KERNEL} (OpenWrt 24.10's; fw4 needs 4.10 for zone mtu_fix and 5.6 for ipset match 'net')`,
  'every interface is up and every device it names exists',
  'the kernel modules of every conntrack helper in the helper table are loaded',
  'no fw4 flowtable is loaded yet, and hardware flow offloading is accepted by every device',
  'no other service adds firewall rules or sets (procd firewall data), no files beyond the confdir ' +
    '(includes, /usr/share/nftables.d, ipset loadfile)',
];

function helperModules(helpers: UciPackage): string[] {
  return helpers.sections.flatMap((s) => {
    const m = s.type === 'helper' ? s.options.get('module') : undefined;
    return typeof m === 'string' && /^[A-Za-z0-9_-]+$/.test(m) ? [m] : [];
  });
}

/** The snapshot of the system `input.network` describes, with its DerivedFacts. */
export function deriveSnapshot(input: DeriveInput): SystemSnapshot {
  const plan = readNetwork(input.network);
  const wireless = input.wireless ? joinWireless(plan, input.wireless) : [];
  const runtime: Record<string, string[]> = {};
  for (const i of plan.interfaces) if (i.runtime.length) runtime[i.name] = i.runtime;
  return {
    ...planSnapshot(plan, helperModules(input.helpers ?? defaultHelpers())),
    derived: {
      from: ['network', ...(input.wireless ? ['wireless'] : [])],
      assumptions: [...ASSUMPTIONS, ...wireless],
      runtime,
      problems: plan.problems,
    },
  };
}
