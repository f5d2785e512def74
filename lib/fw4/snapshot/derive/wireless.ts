// Wireless interfaces joined to the network's interfaces: netifd's wireless handling adds each
// `wifi-iface` to the interfaces named by its `network` option, as a bridge port when the
// interface's device is a bridge, else as the interface's own device (a client uplink, `wwan`).
// What fw4 sees of them: bridge ports (flowtable lower devices) and the devices of unbridged ones.
import { sectionRefs } from '../../../uci/section-refs.js';
import type { UciPackage } from '../../../uci/types.js';
import { words } from './addresses.js';
import { DEVICE_NAME, isDisabled, MAX_IFNAME, scalar } from './naming.js';
import type { NetworkPlan } from './network.js';

// OpenWrt's mac80211 scripts (23.05 and later) name an interface without `ifname` PHY-MODEn.
const MODE_PREFIX: Record<string, string> = { ap: 'ap', sta: 'sta', adhoc: 'ibss', mesh: 'mesh', monitor: 'mon' };

/** Adds the wireless interfaces to the plan; returns the names it had to assume. */
export function joinWireless(plan: NetworkPlan, wireless: UciPackage): string[] {
  const assumed: string[] = [];
  const refs = sectionRefs(wireless.sections);
  const counts = new Map<string, number>();
  wireless.sections.forEach((s, i) => {
    if (s.type !== 'wifi-iface' || isDisabled(s.options.get('disabled'))) return;
    const radio = scalar(s.options.get('device')) ?? 'radio0';
    const radioSection = wireless.sections.find((r) => r.type === 'wifi-device' && r.name === radio);
    if (isDisabled(radioSection?.options.get('disabled'))) return;
    const mode = scalar(s.options.get('mode')) ?? 'ap';
    const prefix = MODE_PREFIX[mode] ?? mode;
    const key = `${radio}/${prefix}`;
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    let name = scalar(s.options.get('ifname'));
    if (name === undefined) {
      const phy = /^radio([0-9]+)$/.exec(radio);
      name = `phy${phy ? phy[1] : '0'}-${prefix}${n}`;
      assumed.push(`wireless.${refs[i]}: no ifname, taken to be '${name}' (the mac80211 scripts' PHY-MODEn name for ${radio})`);
    }
    if (!DEVICE_NAME.test(name) || name.length > MAX_IFNAME) {
      plan.problems.push(`wireless.${refs[i]}.ifname: '${name}' is not a device name the kernel accepts; left out`);
      return;
    }
    for (const net of words(s.options.get('network'))) {
      const iface = plan.interfaces.find((x) => x.name === net);
      if (!iface) continue;
      const dev = iface.device !== undefined ? plan.devices.get(iface.device) : undefined;
      if (!plan.devices.has(name)) plan.devices.set(name, { name, kind: 'wireless', lower: [] });
      if (dev?.kind === 'bridge') dev.lower.push(name);
      else if (iface.device === undefined) {
        iface.device = name;
        iface.l3Device ??= name;
      }
    }
  });
  return assumed;
}
