// Hand-made firewall configs and system snapshots for the offload report tests: a small router
// (lan on eth0, wan on eth1) whose base config raises no finding, and the pieces to add one
// condition at a time.
import { compileFirewall, SnapshotView, translateFirewall, type SystemSnapshot } from '../../lib/fw4/index.js';
import { offloadReport, type OffloadReport } from '../../lib/fw4/offload/report.js';
import { parseDocument } from '../../lib/uci/index.js';

export interface Net {
  name: string;
  device: string;
  proto?: string;
  zone?: string;
  ipv4?: string;
}

export interface SnapshotSpec {
  nets?: Net[];
  /** Devices that exist in /sys/class/net (default: every net's device). */
  present?: string[];
  /** `network.device status` devtypes. */
  devtypes?: Record<string, string>;
  /** Bridge or VLAN → its lower devices (`lower_X` entries). */
  lower?: Record<string, string[]>;
  files?: Record<string, string>;
  system?: Record<string, number>;
  /** Loaded conntrack helper modules. */
  modules?: string[];
}

export const LAN_WAN: Net[] = [
  { name: 'lan', device: 'eth0', ipv4: '192.168.1.1' },
  { name: 'wan', device: 'eth1', ipv4: '203.0.113.2' },
];

export function snapshot(spec: SnapshotSpec = {}): SystemSnapshot {
  const nets = spec.nets ?? LAN_WAN;
  const dirs: Record<string, string[]> = {};
  for (const d of spec.present ?? nets.map((n) => n.device)) dirs[`/sys/class/net/${d}`] = (spec.lower?.[d] ?? []).map((l) => `lower_${l}`);
  const stat: Record<string, { type: 'directory' }> = {};
  for (const m of spec.modules ?? []) stat[`/sys/module/${m}`] = { type: 'directory' };
  const status: Record<string, { devtype: string }> = {};
  for (const [dev, devtype] of Object.entries(spec.devtypes ?? {})) status[dev] = { devtype };
  return {
    format: 'uci-fw4-snapshot/1',
    ubus: {
      'network.interface~dump': {
        interface: nets.map((n) => ({
          interface: n.name, up: true, proto: n.proto ?? 'static', device: n.device, l3_device: n.device,
          'ipv4-address': n.ipv4 ? [{ address: n.ipv4, mask: 24 }] : [],
          data: n.zone ? { zone: n.zone } : {},
        })),
      },
      'network.device~status': status,
    },
    files: { '/proc/version': 'Linux version 6.6.0 (builder@openwrt) #0 SMP\n', ...spec.files },
    stat,
    dirs,
    commands: { '/usr/sbin/nft --terse --json list flowtables inet': '{"nftables": []}' },
    system: spec.system ?? {},
    systemDefault: 0,
    time: 1615382640,
  };
}

/** defaults + lan/wan zones + lan→wan forwarding: nothing in it hinders offloading. */
export const BASE = `
config defaults
	option input 'ACCEPT'
	option output 'ACCEPT'
	option forward 'DROP'
	option flow_offloading '1'

config zone
	option name 'lan'
	list network 'lan'
	option input 'ACCEPT'
	option output 'ACCEPT'
	option forward 'ACCEPT'

config zone
	option name 'wan'
	list network 'wan'
	option input 'DROP'
	option output 'ACCEPT'
	option forward 'DROP'
	option masq '1'

config forwarding
	option src 'lan'
	option dest 'wan'
`;

export const FTP_HELPER = `
config helper
	option name 'ftp'
	option description 'FTP passive connection tracking'
	option module 'nf_conntrack_ftp'
	option port '21'
	option proto 'tcp'
`;

function pkg(name: string, text: string) {
  return parseDocument(text, { name, file: name }).toPackage();
}

export function firewallInput(firewall: string, spec: SnapshotSpec = {}, helpers?: string) {
  return {
    firewall: pkg('firewall', firewall),
    ...(helpers !== undefined ? { helpers: pkg('helpers', helpers) } : {}),
    system: new SnapshotView(snapshot(spec)),
  };
}

export function report(firewall: string, spec: SnapshotSpec = {}, helpers?: string): OffloadReport {
  const input = firewallInput(firewall, spec, helpers);
  return offloadReport(compileFirewall(input), input.system);
}

export function render(firewall: string, spec: SnapshotSpec = {}, helpers?: string) {
  return translateFirewall(firewallInput(firewall, spec, helpers));
}

/** `BASE` with hardware offloading requested. */
export const BASE_HW = BASE.replace("option flow_offloading '1'", "option flow_offloading '1'\n\toption flow_offloading_hw '1'");
