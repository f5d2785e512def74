// The offload report on hand-made configs: each finding kind is raised exactly when its
// condition holds, and the base config (offloading on, nothing in its way) yields none.
import { describe, expect, it } from 'vitest';
import { FINDING_KINDS, hardwareCapabilityEntries, KINDS, offloadReport, probeHardwareCapability, renderOffloadReport, type OffloadReport } from '../../lib/fw4/offload/report.js';
import { compileFirewall, LiveSystemView, RecordingView, SnapshotView } from '../../lib/fw4/index.js';
import { hwOffloadProbe } from '../../lib/fw4/compile/flowtable.js';
import { parseDocument } from '../../lib/uci/index.js';
import { BASE, BASE_HW, FTP_HELPER, LAN_WAN, report, snapshot, type SnapshotSpec } from './offload-report.fixtures.js';

const kinds = (r: OffloadReport) => r.findings.map((f) => `${f.section}${f.name !== undefined ? ` (${f.name})` : ''} ${f.kind}`);
const of = (r: OffloadReport, kind: string) => r.findings.filter((f) => f.kind === kind);

const WEB_RULE = `
config rule
	option name 'Allow-Web'
	option src 'wan'
	option dest 'lan'
	option proto 'tcp'
	option dest_port '80'
	option target 'ACCEPT'
`;

describe('offload report: the base config', () => {
  it('software offloading with nothing in its way: paths offloaded, no findings', () => {
    const r = report(BASE);
    expect(r.mode).toBe('software');
    expect(r.requested).toEqual({ software: true, hardware: false, selective: [] });
    expect(r.devices).toEqual([{ name: 'eth0', zones: ['lan'] }, { name: 'eth1', zones: ['wan'] }]);
    expect(r.fallback).toBeUndefined();
    expect(r.paths).toEqual([
      { src: 'lan', dest: 'lan', offload: 'software', reasons: [] },
      { src: 'lan', dest: 'wan', offload: 'software', reasons: [] },
      { src: 'wan', dest: 'lan', offload: 'none', reasons: ['nothing is forwarded from wan to lan'] },
      { src: 'wan', dest: 'wan', offload: 'none', reasons: ['nothing is forwarded from wan to wan'] },
    ]);
    expect(r.findings).toEqual([]);
  });

  it('offloading off: every path says so, no findings', () => {
    const r = report(BASE.replace("option flow_offloading '1'", "option flow_offloading '0'"));
    expect(r.mode).toBe('none');
    expect(r.devices).toEqual([]);
    expect(new Set(r.paths.map((p) => `${p.offload}: ${p.reasons.join()}`))).toEqual(new Set(['none: flow offloading is off (defaults flow_offloading)']));
    expect(r.findings).toEqual([]);
  });

  it('a rule accepting forwarded TCP narrows a path to what it accepts', () => {
    const r = report(BASE + WEB_RULE);
    expect(r.paths.find((p) => p.src === 'wan' && p.dest === 'lan')).toEqual({
      src: 'wan', dest: 'lan', offload: 'software', reasons: ['only what @rule[0] (Allow-Web) accepts'],
    });
    expect(r.findings).toEqual([]);
  });

  it('every kind is documented', () => {
    expect(FINDING_KINDS).toHaveLength(12);
    for (const k of FINDING_KINDS) expect(KINDS[k].when.length).toBeGreaterThan(40);
  });
});

describe('device-not-in-flowtable', () => {
  const guest = (how: string) => `${BASE}
config zone
	option name 'guest'
	${how}
	option input 'DROP'
	option output 'ACCEPT'
	option forward 'DROP'

config forwarding
	option src 'guest'
	option dest 'wan'
`;
  const nets = [...LAN_WAN, { name: 'guest', device: 'eth2' }];

  it('a zone defined by a device only contributes nothing to the flowtable', () => {
    const r = report(guest("list device 'eth2'"), { nets });
    expect(kinds(r)).toEqual(['@zone[2] (guest) device-not-in-flowtable']);
    expect(r.findings[0]!.message).toContain('Packets arriving through zone guest are never offloaded: it is defined by `device` or `subnet` options only');
    expect(r.paths.find((p) => p.src === 'guest' && p.dest === 'wan')).toEqual({
      src: 'guest', dest: 'wan', offload: 'software',
      reasons: ['only packets arriving through wan are offloaded: guest has no device in the flowtable'],
    });
  });

  it('a network whose device does not exist', () => {
    const r = report(guest("list network 'guest'"), { nets, present: ['eth0', 'eth1'] });
    expect(kinds(r)).toEqual(['@zone[2] (guest) device-not-in-flowtable']);
    expect(r.findings[0]!.message).toContain('its devices (eth2) do not exist in /sys/class/net');
  });

  it('offloading requested but no device exists: no flowtable at all, and every forwarding zone says why', () => {
    const r = report(BASE, { present: [] });
    expect(r.mode).toBe('none');
    expect(r.paths.every((p) => p.reasons.join() === 'the flowtable has no devices')).toBe(true);
    expect(kinds(r)).toEqual(['@zone[0] (lan) device-not-in-flowtable', '@zone[1] (wan) device-not-in-flowtable']);
    expect(r.findings[1]!.message).toContain('its devices (eth1) do not exist in /sys/class/net');
  });

  it('an interface name with control characters, joined to the zone by its data, never reaches the message', () => {
    const r = report(guest(''), { nets: [...LAN_WAN, { name: 'x\n- @zone[0] (lan) [notrack]', device: '', zone: 'guest' }] });
    expect(kinds(r)).toEqual(['@zone[2] (guest) device-not-in-flowtable']);
    expect(r.findings[0]!.message).not.toContain('\n');
  });

  it('not raised when the device exists, nor for a zone that forwards nothing', () => {
    expect(report(guest("list network 'guest'"), { nets }).findings).toEqual([]);
    const idle = guest("list device 'eth2'").replace(/config forwarding\n\toption src 'guest'\n\toption dest 'wan'\n/, '');
    expect(report(idle, { nets }).findings).toEqual([]);
  });
});

describe('hw-fallback', () => {
  it('explains which device refused flags offload', () => {
    const r = report(BASE_HW, { system: hardwareCapabilityEntries({ eth0: true, eth1: false }) });
    expect(r.mode).toBe('software');
    expect(kinds(r)).toEqual(['@defaults[0] hw-fallback']);
    expect(r.fallback).toBe(r.findings[0]!.message);
    expect(r.fallback).toMatch(/^Hardware offloading was requested but is not used: eth1 does not accept `flags offload`/);
    expect(r.devices).toEqual([
      { name: 'eth0', zones: ['lan'], hardwareCapable: true },
      { name: 'eth1', zones: ['wan'], hardwareCapable: false },
    ]);
  });

  it("names a named defaults section as fw4 does (its name, not @defaults[0])", () => {
    const r = report(BASE_HW.replace('config defaults\n', "config defaults 'main'\n"), { system: hardwareCapabilityEntries({ eth0: true, eth1: false }) });
    expect(kinds(r)).toEqual(['main hw-fallback']);
  });

  it('devices that work alone but not together', () => {
    const system = hardwareCapabilityEntries({ eth0: true, eth1: true });
    for (const k of Object.keys(system)) if (k.includes('"eth0", "eth1"')) system[k] = 1;
    expect(report(BASE_HW, { system }).fallback).toContain('the kernel refused `flags offload` for eth0 and eth1 together although each passes the probe alone');
  });

  it('not raised when every device accepts it: hardware mode', () => {
    const r = report(BASE_HW, { system: hardwareCapabilityEntries({ eth0: true, eth1: true }) });
    expect(r.mode).toBe('hardware');
    expect(r.devices.every((d) => d.hardwareCapable)).toBe(true);
    expect(r.findings).toEqual([]);
  });
});

describe('not-tcp-udp', () => {
  const rule = (proto: string, dest = "\n\toption dest 'lan'") => `${BASE}
config rule
	option name 'Allow-Proto'
	option src 'wan'${dest}
	option proto '${proto}'
	option target 'ACCEPT'
`;
  it('a forwarded ICMP or ESP accept', () => {
    expect(kinds(report(rule('icmp')))).toEqual(['@rule[0] (Allow-Proto) not-tcp-udp']);
    expect(report(rule('esp')).findings[0]!.message).toMatch(/^ESP traffic accepted by this rule is never offloaded/);
    expect(report(rule('all')).findings[0]!.message).toMatch(/^The non-TCP\/UDP part of the traffic/);
    expect(report(rule('icmp')).paths.find((p) => p.src === 'wan' && p.dest === 'lan')!.offload).toBe('none');
  });
  it("not for TCP, nor for ICMP to the router, nor for a forwarding to '*'", () => {
    expect(report(rule('tcp')).findings).toEqual([]);
    expect(report(rule('icmp', '')).findings).toEqual([]);
    expect(report(BASE.replace("option dest 'wan'", "option dest '*'")).findings).toEqual([]);
  });
});

describe('conntrack-helper', () => {
  const modules = ['nf_conntrack_ftp'];
  it("a zone's automatic helpers", () => {
    const r = report(BASE, { modules }, FTP_HELPER);
    expect(kinds(r)).toEqual(['@zone[0] (lan) conntrack-helper']);
    expect(r.findings[0]!.message).toBe(
      "Connections from zone lan to the helpers' ports get the conntrack helper ftp (tcp 21) and are never offloaded: "
      + 'the kernel keeps connections with a helper on the slow path, so they are forwarded through the full firewall at software speed.');
  });
  it('a rule with target helper', () => {
    const cfg = `${BASE.replace("option forward 'ACCEPT'", "option forward 'ACCEPT'\n\toption auto_helper '0'")}
config rule
	option name 'FTP-Helper'
	option src 'lan'
	option proto 'tcp'
	option dest_port '2121'
	option target 'HELPER'
	option set_helper 'ftp'
`;
    expect(kinds(report(cfg, { modules }, FTP_HELPER))).toEqual(['@rule[0] (FTP-Helper) conntrack-helper']);
  });
  it('not when the module is not loaded, auto_helper is off, or the zone masquerades', () => {
    expect(report(BASE, {}, FTP_HELPER).findings).toEqual([]);
    expect(report(BASE.replace("option forward 'ACCEPT'", "option forward 'ACCEPT'\n\toption auto_helper '0'"), { modules }, FTP_HELPER).findings).toEqual([]);
    expect(report(BASE.replace("option forward 'ACCEPT'", "option forward 'ACCEPT'\n\toption masq '1'"), { modules }, FTP_HELPER).findings).toEqual([]);
  });
});

describe('nat-port-mapping', () => {
  const redirect = (from: string, to: string) => `
config redirect
	option name 'SSH-In'
	option src 'wan'
	option dest 'lan'
	option proto 'tcp'
	option src_dport '${from}'
	option dest_ip '192.168.1.10'
	option dest_port '${to}'
	option reflection '0'
`;
  const hw = { system: hardwareCapabilityEntries({ eth0: true, eth1: true }) };
  it('a port-mapping DNAT under hardware offloading', () => {
    const r = report(BASE_HW + redirect('2222', '22'), hw);
    expect(kinds(r)).toEqual(['@redirect[0] (SSH-In) nat-port-mapping']);
    expect(r.findings[0]!.message).toMatch(/^Port forward from port 2222 to 192\.168\.1\.10:22: the hardware does not take NAT with port mapping/);
  });
  it('an SNAT nat section rewriting ports', () => {
    const nat = `
config nat
	option name 'SNAT-Ports'
	option src 'wan'
	option proto 'udp'
	option target 'SNAT'
	option snat_ip '203.0.113.2'
	option snat_port '40000-40100'
`;
    expect(kinds(report(BASE_HW + nat, hw))).toEqual(['@nat[0] (SNAT-Ports) nat-port-mapping']);
  });
  it('its note lands on the zone pairs the redirect applies to, not on others', () => {
    const r = report(BASE_HW + redirect('2222', '22'), hw);
    const note = '@redirect[0] (SSH-In): its port-mapped NAT is not offloaded to hardware';
    expect(r.paths.map((p) => `${p.src}>${p.dest} ${p.offload}: ${p.reasons.join('; ')}`)).toEqual([
      'lan>lan hardware: ',
      'lan>wan hardware: ',
      `wan>lan hardware: only what @redirect[0] (SSH-In) accepts; ${note}`,
      'wan>wan none: nothing is forwarded from wan to wan',
    ]);
  });
  it('not without a port change, nor under software offloading', () => {
    expect(report(BASE_HW + redirect('22', '22'), hw).findings).toEqual([]);
    expect(report(BASE + redirect('2222', '22')).findings).toEqual([]);
  });
});

describe('per-packet-statement and mangle-after-offload', () => {
  const dscp = (src: string, dest: string) => `${BASE}
config rule
	option name 'Mark-Bulk'
	option src '${src}'${dest ? `\n\toption dest '${dest}'` : ''}
	option proto 'tcp'
	option dest_port '6881'
	option target 'DSCP'
	option set_dscp 'CS1'
`;
  const udp = (proto: string, extra: string) => `${BASE}
config rule
	option name 'Game'
	option src 'wan'
	option dest 'lan'
	option proto '${proto}'
	option dest_port '27015'${extra}
	option target 'ACCEPT'
`;
  it('a DSCP rule on forwarded traffic: its value and its counter stop applying', () => {
    const r = report(dscp('lan', 'wan'));
    expect(kinds(r)).toEqual(['@rule[0] (Mark-Bulk) per-packet-statement', '@rule[0] (Mark-Bulk) mangle-after-offload']);
    expect(of(r, 'mangle-after-offload')[0]!.message).toMatch(/^The DSCP value CS1 \(8\) set by this rule is applied only to the first packets/);
    expect(of(r, 'per-packet-statement')[0]!.message).toMatch(/^Its counter acts only on the first packets/);
    expect(of(r, 'mangle-after-offload')[0]!.suggestion).toContain("option offload '0'");
  });
  it('a mark on traffic to the router is not affected', () => {
    expect(report(dscp('lan', '')).findings).toEqual([]);
  });
  it('limit and log on a forwarded UDP accept', () => {
    const r = report(udp('udp', "\n\toption limit '10/second'\n\toption log '1'"));
    expect(kinds(r)).toEqual(['@rule[0] (Game) per-packet-statement']);
    expect(r.findings[0]!.message).toMatch(/^Its log and limit sees only the first packets of each UDP flow/);
  });
  it('not for TCP (forward rules only ever see unestablished packets), nor for a plain counter', () => {
    expect(report(udp('tcp', "\n\toption limit '10/second'\n\toption log '1'")).findings).toEqual([]);
    expect(report(udp('udp', '')).findings).toEqual([]);
  });
});

describe('bridge-isolation', () => {
  const spec = (isolated: string): SnapshotSpec => ({
    nets: [{ name: 'lan', device: 'br-lan' }, { name: 'wan', device: 'eth1' }],
    present: ['br-lan', 'lan1', 'lan2', 'eth1'],
    devtypes: { 'br-lan': 'bridge' },
    lower: { 'br-lan': ['lan1', 'lan2'] },
    files: { '/sys/class/net/lan2/brport/isolated': `${isolated}\n`, '/sys/class/net/lan1/brport/isolated': '0\n' },
    system: hardwareCapabilityEntries({ eth1: true, lan1: true, lan2: true }),
  });
  it('an isolated port in a hardware flowtable', () => {
    const r = report(BASE_HW, spec('1'));
    expect(r.devices.map((d) => d.name)).toEqual(['eth1', 'lan1', 'lan2']);
    expect(kinds(r)).toEqual(['@zone[0] (lan) bridge-isolation']);
    expect(r.findings[0]!.message).toMatch(/^lan2 is an isolated port of br-lan/);
  });
  it('not without isolation, nor under software offloading', () => {
    expect(report(BASE_HW, spec('0')).findings).toEqual([]);
    expect(report(BASE, spec('1')).findings).toEqual([]);
  });
});

describe('ipsec', () => {
  const input = (proto: string, port = '') => `${BASE}
config rule
	option name 'Allow-IPsec'
	option src 'wan'
	option proto '${proto}'${port ? `\n\toption dest_port '${port}'` : ''}
	option target 'ACCEPT'
`;
  it('ESP or IKE accepted to the router: it terminates tunnels', () => {
    expect(kinds(report(input('esp')))).toEqual(['@rule[0] (Allow-IPsec) ipsec']);
    expect(kinds(report(input('udp', '4500')))).toEqual(['@rule[0] (Allow-IPsec) ipsec']);
  });
  /** BASE with an accepting zone `vpn`, on `network` when given. */
  const withVpnZone = (network?: string) => `${BASE}
config zone
	option name 'vpn'${network ? `\n\tlist network '${network}'` : ''}
	option input 'ACCEPT'
	option output 'ACCEPT'
	option forward 'ACCEPT'
`;
  it('an xfrm interface in a zone', () => {
    const r = report(withVpnZone('vpn0'), { nets: [...LAN_WAN, { name: 'vpn0', device: 'ipsec0', proto: 'xfrm' }] });
    expect(kinds(r)).toEqual(['@zone[2] (vpn) ipsec']);
    expect(r.findings[0]!.message).toMatch(/^Zone vpn holds the IPsec tunnel interface vpn0 \(xfrm\): traffic the router decrypts/);
  });
  it('an interface name with control characters never reaches the report', () => {
    const r = report(withVpnZone(), { nets: [...LAN_WAN, { name: 'x\n- @zone[0] (lan) [notrack]', device: 'ipsec0', proto: 'xfrm', zone: 'vpn' }] });
    expect(r.findings.filter((f) => f.kind === 'ipsec')).toEqual([]);
  });
  it('a dump entry that is not an object is skipped, as fw4 print skips it', () => {
    const snap = snapshot({ nets: [...LAN_WAN, { name: 'vpn0', device: 'ipsec0', proto: 'xfrm' }] });
    (snap.ubus!['network.interface~dump'] as { interface: unknown[] }).interface.unshift(null, 'lan');
    const system = new SnapshotView(snap);
    const firewall = parseDocument(withVpnZone('vpn0'), { name: 'firewall', file: 'firewall' }).toPackage();
    expect(kinds(offloadReport(compileFirewall({ firewall, system }), system))).toEqual(['@zone[2] (vpn) ipsec']);
  });
  it('not for other input rules, nor for forwarded ESP (passthrough: not-tcp-udp only)', () => {
    expect(report(input('udp', '53')).findings).toEqual([]);
    expect(kinds(report(`${BASE}
config rule
	option name 'ESP-Pass'
	option src 'wan'
	option dest 'lan'
	option proto 'esp'
	option target 'ACCEPT'
`))).toEqual(['@rule[0] (ESP-Pass) not-tcp-udp']);
  });
});

describe('notrack, include-on-offloaded-path, offload-option-ignored', () => {
  it('a notrack rule, and not when offloading is off', () => {
    const notrack = `
config rule
	option name 'No-Track'
	option src 'lan'
	option proto 'udp'
	option dest_port '53'
	option target 'NOTRACK'
`;
    expect(kinds(report(BASE + notrack))).toEqual(['@rule[0] (No-Track) notrack']);
    expect(report(BASE.replace("option flow_offloading '1'", "option flow_offloading '0'") + notrack).findings).toEqual([]);
  });
  it('an nftables include in a chain offloaded packets skip, not in input', () => {
    const inc = (chain: string) => `${BASE}
config include
	option type 'nftables'
	option path '/etc/shape.nft'
	option position 'chain-append'
	option chain '${chain}'
`;
    const files = { '/etc/shape.nft': 'meta mark set 1\n' };
    expect(kinds(report(inc('mangle_forward'), { files }))).toEqual(['@include[0] include-on-offloaded-path']);
    expect(report(inc('input'), { files }).findings).toEqual([]);
  });
  it('the offload option where it changes nothing', () => {
    const rule = (dest: string) => `
config rule
	option name 'Opt'
	option src 'wan'${dest}
	option proto 'tcp'
	option dest_port '80'
	option target 'ACCEPT'
	option offload '0'
`;
    expect(kinds(report(BASE + rule('')))).toEqual(['@rule[0] (Opt) offload-option-ignored']);
    const off = BASE.replace("option flow_offloading '1'", "option flow_offloading '0'");
    expect(kinds(report(off + rule("\n\toption dest 'lan'")))).toEqual(['@rule[0] (Opt) offload-option-ignored']);
    expect(report(BASE + rule("\n\toption dest 'lan'")).findings).toEqual([]);
  });
});

describe('text form', () => {
  it('a table of zone pairs, then the findings with their suggestion', () => {
    const text = renderOffloadReport(report(`${BASE}
config rule
	option name 'Mark-Bulk'
	option src 'lan'
	option dest 'wan'
	option proto 'tcp'
	option target 'DSCP'
	option set_dscp 'CS1'
	option counter '0'
`));
    expect(text).toBe(`Flow offloading: software (requested: software)
Flowtable devices: eth0 (lan), eth1 (wan)

FROM  TO   OFFLOAD   WHY
lan   lan  software
lan   wan  software  @rule[0] (Mark-Bulk): its mark/DSCP applies to the first packets only
wan   lan  none      nothing is forwarded from wan to lan
wan   wan  none      nothing is forwarded from wan to wan

Findings (1):
- @rule[0] (Mark-Bulk) [mangle-after-offload]
  The DSCP value CS1 (8) set by this rule is applied only to the first packets of each connection: once the flow is offloaded, later packets keep their original value, so QoS, traffic shaping or policy routing that relies on it stops seeing them.
  Suggestion: add \`option offload '0'\` (uci-fw4) to this section to keep its flows on the slow path.
`);
  });
});

describe('hardware capability: probed live, recorded, replayed', () => {
  it("the live provider runs fw4's probe per device; a recorded snapshot answers the same", () => {
    // `nft -c` only checks; the loopback device never takes a hardware flowtable
    const recorder = new RecordingView(new LiveSystemView());
    const live = probeHardwareCapability(recorder, ['lo']);
    expect(live).toEqual(new Map([['lo', false]]));
    const snap = recorder.snapshot();
    expect(Object.keys(snap.system ?? {})).toEqual([hwOffloadProbe(['lo'])]);
    expect(probeHardwareCapability(new SnapshotView(snap), ['lo'])).toEqual(live);
  });
});
