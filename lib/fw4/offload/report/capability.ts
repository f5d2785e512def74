// Which devices accept a hardware flowtable. fw4 probes all devices at once; to explain a
// fallback, the report probes each one alone with the very same `nft -c` command. A snapshot
// records the answers where it records fw4's own probe (its `system` map, keyed by command line),
// and the live provider answers by running the command: `recordSnapshot` over a router keeps them.
import type { SystemSnapshot, SystemView } from '../../snapshot/types.js';
import { hwOffloadProbe } from '../../compile/flowtable.js';

/** Per device: whether `flags offload` is accepted for it alone. */
export function probeHardwareCapability(view: SystemView, devices: readonly string[]): Map<string, boolean> {
  return new Map(devices.map((d) => [d, view.system(hwOffloadProbe([d])) === 0]));
}

/**
 * The `system` entries a snapshot needs to say which devices accept `flags offload`: one per
 * device, plus fw4's probe over all of them (which fails when any one device refuses).
 */
export function hardwareCapabilityEntries(capable: Readonly<Record<string, boolean>>): NonNullable<SystemSnapshot['system']> {
  const devices = Object.keys(capable).sort();
  const entries: Record<string, number> = {};
  for (const d of devices) entries[hwOffloadProbe([d])] = capable[d] ? 0 : 1;
  entries[hwOffloadProbe(devices)] = devices.every((d) => capable[d]) ? 0 : 1;
  return entries;
}
