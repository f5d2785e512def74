// Flowtable devices as fw4 picks them (fw4-features.md §10): software offload over existing
// physical devices, hardware offload over lower devices after an `nft -c` probe, and the
// fallback with its warning when the probe fails.
import { describe, expect, it } from 'vitest';
import { defaultHelpers, formatDiagnostic, hwOffloadProbe, SnapshotView, translateFirewall, type SystemSnapshot } from '../../lib/fw4/index.js';
import { parseDocument } from '../../lib/uci/index.js';

const ifaces = [
  { interface: 'lan', device: 'br-lan', l3_device: 'br-lan', 'ipv4-address': [{ address: '192.168.1.1', mask: 24 }] },
  { interface: 'wan', device: 'eth1', l3_device: 'pppoe-wan', 'ipv4-address': [{ address: '10.11.12.194', mask: 24 }] },
];

function snapshot(extra: Partial<SystemSnapshot> = {}): SystemSnapshot {
  return {
    ubus: {
      'network.interface~dump': { interface: ifaces },
      'network.device~status': { 'br-lan': { devtype: 'bridge' }, eth1: { devtype: 'ethernet' }, lan1: {}, lan2: {} },
    },
    files: { '/proc/version': 'Linux version 5.15.0 (x)' },
    stat: { '/sys/class/net/br-lan': { type: 'directory' }, '/sys/class/net/eth1': { type: 'directory' } },
    dirs: { '/sys/class/net/br-lan': ['lower_lan1', 'lower_lan2'], '/sys/class/net/eth1': [], '/sys/class/net/lan1': [], '/sys/class/net/lan2': [] },
    commands: { '/usr/sbin/nft --terse --json list flowtables inet': '{"nftables": []}' },
    ...extra,
  };
}

function render(hw: boolean, snap: SystemSnapshot, lanNetwork = 'lan') {
  const config = `config defaults\n\toption flow_offloading '1'\n\toption flow_offloading_hw '${hw ? 1 : 0}'\n\n`
    + `config zone\n\toption name 'lan'\n\tlist network '${lanNetwork}'\n\nconfig zone\n\toption name 'wan'\n\tlist network 'wan'\n`;
  const r = translateFirewall({ firewall: parseDocument(config, { name: 'firewall' }).toPackage(), helpers: defaultHelpers(), system: new SnapshotView(snap) });
  return { text: r.text, warnings: r.diagnostics.map((d) => formatDiagnostic(d)).join(''), flowtable: r.ruleset.flowtable };
}

const flowtable = (devices: string, hw: boolean) =>
  `\tflowtable ft {\n\t\thook ingress priority 0;\n\t\tdevices = ${devices};\n\t\tcounter;\n${hw ? '\t\tflags offload;\n' : ''}\t}\n\n\n`;

describe('flow offloading', () => {
  it('software: the zones\' existing physical devices, bridges as they are', () => {
    const r = render(false, snapshot());
    expect(r.text).toContain(flowtable('{ "br-lan", "eth1" }', false));
    expect(r.text).toContain('\t\ttype filter hook forward priority filter; policy drop;\n\n\t\tmeta l4proto { tcp, udp } flow offload @ft;\n');
    expect(r.warnings).toBe('');
  });

  it('hardware: bridges resolve to their ports, with flags offload', () => {
    const r = render(true, snapshot());
    expect(r.text).toContain(flowtable('{ "eth1", "lan1", "lan2" }', true));
    expect(r.warnings).toBe('');
  });

  it('hardware probe failing: fw4\'s warning, then the software flowtable', () => {
    const probe = hwOffloadProbe(['eth1', 'lan1', 'lan2']);
    const r = render(true, snapshot({ system: { [probe]: 1 } }));
    expect(r.warnings).toBe('[!] Hardware flow offloading unavailable, falling back to software offloading\n');
    expect(r.text).toContain(flowtable('{ "br-lan", "eth1" }', false));
  });

  it('the probe is the nft command fw4 runs', () => {
    expect(hwOffloadProbe(['eth1', "it's"])).toBe(
      "/usr/sbin/nft -c '\n\t\tadd table inet fw4-hw-offload-test;\n\t\tadd flowtable inet fw4-hw-offload-test ft {\n"
      + '\t\t\thook ingress priority 0;\n\t\t\tdevices = { "eth1", "it\'\\\'\'s" };\n\t\t\tflags offload;\n\t\t}\n\t\' 2>/dev/null');
  });

  it('a negated network contributes no offload device', () => {
    const r = render(true, snapshot(), '!lan');
    expect(r.flowtable).toEqual({ devices: ['eth1'], hardware: true });
  });

  it('no devices in /sys: no flowtable and no offload rule', () => {
    const r = render(false, snapshot({ stat: {}, dirs: {} }));
    expect(r.text).not.toContain('flowtable');
    expect(r.text).not.toContain('flow offload');
  });

  it('an existing flowtable is deleted first', () => {
    const r = render(false, snapshot({ commands: { '/usr/sbin/nft --terse --json list flowtables inet': '{"nftables": [{"flowtable": {"family": "inet", "table": "fw4", "name": "ft"}}]}' } }));
    expect(r.text.startsWith('table inet fw4\nflush table inet fw4\ndelete flowtable inet fw4 ft\n\ntable inet fw4 {\n')).toBe(true);
  });
});
