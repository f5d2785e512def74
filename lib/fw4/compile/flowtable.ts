// Flowtable devices as fw4 resolves them: hardware offload over lower devices (probed with
// `nft -c`), else software offload over the zones' existing physical devices; and whether one
// is loaded already.
import type { Zone } from '../load/model.js';
import type { DiagnosticSink } from '../load/diagnostics.js';
import type { SystemView } from '../snapshot/types.js';
import type { Flowtable } from './types.js';
import { UNSAFE_TEXT } from '../load/options.js';

type DeviceStatus = Record<string, { devtype?: string } | undefined>;

/** Bridges resolve to their ports and VLANs to their parents, recursively; others stay. */
export function lowerDevices(view: SystemView, status: DeviceStatus, device: string): string[] {
  const entries = view.openDir(`/sys/class/net/${device}`);
  if (!entries) return [];
  const devtype = status[device]?.devtype;
  if (devtype !== 'vlan' && devtype !== 'bridge') return [device];
  const out: string[] = [];
  for (const e of entries) {
    // a name that could not be printed inside one quoted string is no device fw4 can use
    if (e.startsWith('lower_') && !UNSAFE_TEXT.test(e)) out.push(...lowerDevices(view, status, e.slice(6)));
  }
  return out;
}

function sortedUnique(list: string[]): string[] {
  return [...new Set(list)].sort();
}

/** The probe fw4 runs before trusting hardware offload, byte for byte. */
export function hwOffloadProbe(devices: readonly string[]): string {
  const test = `\n\t\tadd table inet fw4-hw-offload-test;\n\t\tadd flowtable inet fw4-hw-offload-test ft {\n\t\t\thook ingress priority 0;\n\t\t\tdevices = { "${devices.join('", "')}" };\n\t\t\tflags offload;\n\t\t}\n\t`;
  return `/usr/sbin/nft -c '${test.replaceAll("'", "'\\''")}' 2>/dev/null`;
}

export interface OffloadSettings { flowOffloading: boolean; flowOffloadingHw: boolean }

/** The flowtable to render (undefined: none), warning when hardware offload falls back. */
export function resolveFlowtable(
  settings: OffloadSettings, zones: readonly Zone[], view: SystemView, sink: DiagnosticSink,
): Flowtable | undefined {
  if (!settings.flowOffloading) return undefined;
  if (settings.flowOffloadingHw) {
    const reply = view.ubus('network.device', 'status');
    const status = (typeof reply === 'object' && reply !== null ? reply : {}) as DeviceStatus;
    let devices: string[] | null = null;
    for (const z of zones) for (const dev of z.relatedPhysdevs) (devices ??= []).push(...lowerDevices(view, status, dev));
    if (devices) {
      const hw = sortedUnique(devices);
      if (view.system(hwOffloadProbe(hw)) === 0) return { devices: hw, hardware: true };
      sink.plain('Hardware flow offloading unavailable, falling back to software offloading');
    }
  }
  const devices: string[] = [];
  for (const z of zones) for (const dev of z.relatedPhysdevs) if (view.access(`/sys/class/net/${dev}`)) devices.push(dev);
  return { devices: sortedUnique(devices), hardware: false };
}

const NFT_FLOWTABLES = '/usr/sbin/nft --terse --json list flowtables inet';

/** Whether fw4's flowtable is loaded already (then the ruleset deletes it first: ruleset.uc L10-12). */
export function hasFlowtable(view: SystemView, sink: DiagnosticSink): boolean {
  const text = view.commandOutput(NFT_FLOWTABLES);
  // fw4 on a router always has nft to ask; a snapshot without its answer (one written by hand, an
  // empty one) means no flowtable loaded, not fw4's popen failure message (issue 16)
  if (text === null) return false;
  let items: unknown;
  try {
    items = (JSON.parse(text) as { nftables?: unknown })?.nftables;
  } catch (e) {
    sink.raw(`Unable to parse nftables JSON output: ${(e as Error).message}\n`);
    return false;
  }
  if (!Array.isArray(items)) return false;
  return items.some((item) => {
    const ft = (item as { flowtable?: { table?: string; name?: string } } | null)?.flowtable;
    return ft?.table === 'fw4' && ft.name === 'ft';
  });
}
