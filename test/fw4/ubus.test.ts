// Firewall objects that interfaces and services register over ubus go through the same parsers
// as config sections, named `ubus:IFACE[PROTO] TYPE N` / `ubus:SERVICE[INSTANCE] TYPE N`.
import { describe, expect, it } from 'vitest';
import { defaultHelpers, formatDiagnostic, SnapshotView, translateFirewall, type SystemSnapshot } from '../../lib/fw4/index.js';
import { parseDocument } from '../../lib/uci/index.js';

const snapshot: SystemSnapshot = {
  ubus: {
    'network.interface~dump': { interface: [
      { interface: 'wan', proto: 'dhcp', device: 'eth1', l3_device: 'eth1', 'ipv4-address': [{ address: '10.0.0.2', mask: 24 }], data: { zone: 'wan', firewall: [
        { type: 'rule', proto: 'udp', dest_port: '68', target: 'ACCEPT', src: 'wan' },
        { type: 'redirect', src: 'wan', proto: 'tcp', src_dport: '80', dest_ip: '192.168.1.10' },
        { proto: 'tcp' },
      ] } },
    ] },
    'service~get_data~type-firewall': { miniupnpd: {
      firewall: [{ type: 'ipset', name: 'upnp', match: ['dst_net'], family: 'ipv4' }],
      inst1: { firewall: [{ type: 'nat', src: 'wan', target: 'BOGUS' }] },
    } },
  },
  files: { '/proc/version': 'Linux version 5.15.0 (x)' },
  commands: { '/usr/sbin/nft --terse --json list flowtables inet': '{"nftables": []}' },
};

describe('ubus-provided firewall objects', () => {
  const config = "config zone\n\toption name 'lan'\n\nconfig zone\n\toption name 'wan'\n\toption masq '1'\n";
  const r = translateFirewall({ firewall: parseDocument(config, { name: 'firewall' }).toPackage(), helpers: defaultHelpers(), system: new SnapshotView(snapshot) });

  it('adds interfaces to the zone named in data.zone', () => {
    expect(r.text).toContain('\tdefine wan_devices = { "eth1" }\n\tdefine wan_subnets = { 10.0.0.0/24 }\n');
  });

  it('renders interface rules with the interface device and fw4\'s names', () => {
    expect(r.text).toContain('\t\tiifname "eth1" udp dport 68 counter accept comment "!fw4: ubus:wan[dhcp] rule 0"\n');
    expect(r.text).toContain('\t\tmeta nfproto ipv4 tcp dport 80 counter dnat 192.168.1.10:80 comment "!fw4: ubus:wan[dhcp] redirect 1"\n');
  });

  it('declares service sets and ignores objects without a type', () => {
    expect(r.text).toContain('\tset upnp {\n\t\ttype ipv4_addr\n\t\tauto-merge\n\t\tflags interval\n\t}\n');
    expect(r.text).not.toContain('rule 2');
  });

  it('words warnings as "ubus TYPE (NAME) …"', () => {
    expect(r.diagnostics.map((d) => formatDiagnostic(d)).join('')).toBe(
      "[!] ubus redirect (ubus:wan[dhcp] redirect 1) specifies unknown option 'device'\n"
      + "[!] ubus nat (ubus:miniupnpd[inst1] nat 0) option 'target' specifies invalid value 'BOGUS'\n"
      + '[!] ubus nat (ubus:miniupnpd[inst1] nat 0) skipped due to invalid options\n');
  });
});
