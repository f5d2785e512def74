// What the analysis needs from the compiled firewall: the mode the ruleset ends up in and, per
// zone, the flowtable devices its networks contribute (fw4's own device resolution, reused).
import type { Ruleset } from '../../compile/types.js';
import type { Diagnostic, SectionRef } from '../../load/diagnostics.js';
import type { Defaults, Zone } from '../../load/model.js';
import type { SystemView } from '../../snapshot/types.js';
import { lowerDevices } from '../../compile/flowtable.js';
import type { OffloadMode } from './types.js';

/** fw4's warning when the hardware probe fails (fw4.uc L531). */
export const FALLBACK_WARNING = 'Hardware flow offloading unavailable, falling back to software offloading';

export interface AnalysisInput {
  ruleset: Ruleset;
  diagnostics: readonly Diagnostic[];
  /** The loaded defaults section: what the user asked for. */
  defaults: Pick<Defaults, 'flowOffloading' | 'flowOffloadingHw' | 'forward'>;
  /** The defaults section, for findings about what it asks for. */
  defaultsOrigin?: SectionRef;
  system: SystemView;
}

export interface Analysis extends AnalysisInput {
  mode: OffloadMode;
  fellBack: boolean;
  zones: readonly Zone[];
  zoneByName: ReadonlyMap<string, Zone>;
  /** Per zone name: the flowtable devices that carry its packets. */
  zoneDevices: ReadonlyMap<string, string[]>;
  /** `network.device status`, for bridge and VLAN resolution. */
  deviceStatus: Record<string, { devtype?: string } | undefined>;
}

function deviceStatus(view: SystemView): Record<string, { devtype?: string } | undefined> {
  const reply = view.ubus('network.device', 'status');
  return typeof reply === 'object' && reply !== null ? (reply as Record<string, { devtype?: string }>) : {};
}

/** The devices a zone would put into a flowtable of the given kind (before the existence check). */
export function zoneCandidates(zone: Zone, hardware: boolean, view: SystemView, status: Analysis['deviceStatus']): string[] {
  if (!hardware) return zone.relatedPhysdevs.filter((d) => view.access(`/sys/class/net/${d}`));
  return zone.relatedPhysdevs.flatMap((d) => lowerDevices(view, status, d));
}

export function analyse(input: AnalysisInput): Analysis {
  const ft = input.ruleset.flowtable;
  const mode: OffloadMode = !ft || !ft.devices.length ? 'none' : ft.hardware ? 'hardware' : 'software';
  const status = deviceStatus(input.system);
  const zones = input.ruleset.zones;
  const inTable = new Set(ft?.devices ?? []);
  const zoneDevices = new Map<string, string[]>();
  for (const z of zones) {
    const devices = mode === 'none' ? [] : zoneCandidates(z, mode === 'hardware', input.system, status).filter((d) => inTable.has(d));
    zoneDevices.set(z.name, [...new Set(devices)]);
  }
  return {
    ...input,
    mode,
    fellBack: input.diagnostics.some((d) => d.message === FALLBACK_WARNING),
    zones,
    zoneByName: new Map(zones.map((z) => [z.name, z])),
    zoneDevices,
    deviceStatus: status,
  };
}
