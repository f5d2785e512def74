// Findings about zones and the machine: devices missing from the flowtable, the hardware
// fallback, isolated bridge ports, IPsec tunnel interfaces.
import { offloadOption } from '../../compile/offload.js';
import type { Zone } from '../../load/model.js';
import { UNSAFE_TEXT } from '../../load/options.js';
import { probeHardwareCapability } from './capability.js';
import { zoneCandidates, type Analysis } from './context.js';
import { KINDS } from './kinds.js';
import { forwardsAny } from './paths.js';
import { sectionOf } from './sections.js';
import type { OffloadFinding } from './types.js';

function zoneFinding(z: Zone, kind: OffloadFinding['kind'], message: string, suggestion?: string): OffloadFinding {
  return { ...sectionOf(z.origin), name: z.name, kind, message, ...(suggestion ? { suggestion } : {}) };
}

/**
 * The zone's network names that may be printed. fw4 adds every interface whose ubus data names
 * the zone, whatever its name, so a name with control characters stops here, where the
 * findings read them, not in one finding.
 */
function networkNames(z: Zone): string[] {
  return z.network.filter((n) => !n.invert && n.device && !UNSAFE_TEXT.test(n.device)).map((n) => n.device!);
}

function missingWhy(a: Analysis, z: Zone): string {
  if (!z.relatedPhysdevs.length) {
    if (!networkNames(z).length) return 'it is defined by `device` or `subnet` options only, and fw4 takes flowtable devices from `network` interfaces alone';
    return `its networks (${networkNames(z).join(', ')}) name no known interface with a device`;
  }
  if (a.defaults.flowOffloadingHw && !a.fellBack) return `its devices (${z.relatedPhysdevs.join(', ')}) resolve to no lower device in /sys/class/net`;
  return `its devices (${z.relatedPhysdevs.join(', ')}) do not exist in /sys/class/net`;
}

function devicesMissing(a: Analysis): OffloadFinding[] {
  return a.zones
    .filter((z) => !(a.zoneDevices.get(z.name) ?? []).length && offloadOption(a.ruleset, z.origin) !== false && forwardsAny(a, z))
    .map((z) => zoneFinding(z, 'device-not-in-flowtable', KINDS['device-not-in-flowtable'].message({ zone: z.name, why: missingWhy(a, z) })));
}

/** The devices fw4 probed for hardware offloading, in its order. */
export function hardwareCandidates(a: Analysis): string[] {
  return [...new Set(a.zones.flatMap((z) => zoneCandidates(z, true, a.system, a.deviceStatus)))].sort();
}

/** Why hardware offloading fell back to software, or undefined when it did not. */
export function fallbackReason(a: Analysis): string | undefined {
  if (!a.fellBack) return undefined;
  const devices = hardwareCandidates(a);
  const capable = probeHardwareCapability(a.system, devices);
  const refused = devices.filter((d) => !capable.get(d));
  return KINDS['hw-fallback'].message({ devices, refused: devices.length ? refused : null });
}

function bridgeIsolation(a: Analysis): OffloadFinding[] {
  const out: OffloadFinding[] = [];
  for (const z of a.zones) {
    const inTable = new Set(a.zoneDevices.get(z.name) ?? []);
    for (const bridge of z.relatedPhysdevs.filter((d) => a.deviceStatus[d]?.devtype === 'bridge')) {
      const ports = (a.system.openDir(`/sys/class/net/${bridge}`) ?? []).filter((e) => e.startsWith('lower_')).map((e) => e.slice(6));
      for (const port of ports) {
        if (!inTable.has(port) || a.system.readFile(`/sys/class/net/${port}/brport/isolated`)?.trim() !== '1') continue;
        out.push(zoneFinding(z, 'bridge-isolation', KINDS['bridge-isolation'].message({ port, bridge }),
          "add `option offload '0'` (uci-fw4) to this zone, or turn hardware offloading off, where isolation matters"));
      }
    }
  }
  return out;
}

interface Tunnel { interface: string; proto: string; zone: unknown }

const IPSEC_PROTOS = new Set(['xfrm', 'vti', 'vti6']);

/** The IPsec tunnel interfaces of `network.interface dump` whose names may be printed. */
function tunnelInterfaces(a: Analysis): Tunnel[] {
  const reply = a.system.ubus('network.interface', 'dump') as { interface?: unknown } | null;
  const out: Tunnel[] = [];
  for (const i of Array.isArray(reply?.interface) ? reply.interface : []) {
    // fw4 print skips entries that are not objects (load/system.ts): so does the report
    if (typeof i !== 'object' || i === null) continue;
    const { interface: name, proto, data } = i as { interface?: unknown; proto?: unknown; data?: { zone?: unknown } | null };
    if (typeof name !== 'string' || UNSAFE_TEXT.test(name) || typeof proto !== 'string' || !IPSEC_PROTOS.has(proto)) continue;
    out.push({ interface: name, proto, zone: data?.zone });
  }
  return out;
}

function ipsecInterfaces(a: Analysis): OffloadFinding[] {
  const ifaces = tunnelInterfaces(a);
  const out: OffloadFinding[] = [];
  for (const z of a.zones) {
    const names = new Set(networkNames(z));
    const tunnels = ifaces.filter((i) => names.has(i.interface) || i.zone === z.name);
    if (!tunnels.length) continue;
    const what = `Zone ${z.name} holds the IPsec tunnel interface${tunnels.length > 1 ? 's' : ''} ${tunnels.map((i) => `${i.interface} (${i.proto})`).join(', ')}`;
    out.push(zoneFinding(z, 'ipsec', KINDS.ipsec.message({ what })));
  }
  return out;
}

function zoneOptionIgnored(a: Analysis): OffloadFinding[] {
  if (a.mode !== 'none') return [];
  return a.zones
    .filter((z) => offloadOption(a.ruleset, z.origin) !== undefined)
    .map((z) => zoneFinding(z, 'offload-option-ignored', KINDS['offload-option-ignored'].message({ why: 'flow offloading is off, so nothing is offloaded anyway' })));
}

/** `fallback`: fallbackReason(a), computed once by the caller (it probes the system). */
export function systemFindings(a: Analysis, fallback: string | undefined): OffloadFinding[] {
  const out: OffloadFinding[] = [...zoneOptionIgnored(a)];
  if (fallback) out.push({ ...sectionOf(a.defaultsOrigin), kind: 'hw-fallback', message: fallback });
  // requested but without devices, fw4 renders no flowtable: that is the finding
  if (a.defaults.flowOffloading) out.push(...devicesMissing(a));
  if (a.mode === 'none') return out;
  if (a.mode === 'hardware') out.push(...bridgeIsolation(a));
  out.push(...ipsecInterfaces(a));
  return out;
}
