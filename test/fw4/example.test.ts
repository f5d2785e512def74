// The README's first command: the embedded default router renders a clean ruleset.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultHelpers, SnapshotView, translateFirewall, type SystemSnapshot } from '../../lib/fw4/index.js';
import { parseDocument } from '../../lib/uci/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('examples/config with examples/snapshot.json', () => {
  const firewall = parseDocument(readFileSync(`${root}examples/config/firewall`, 'utf8'), { name: 'firewall' }).toPackage();
  const snapshot = JSON.parse(readFileSync(`${root}examples/snapshot.json`, 'utf8')) as SystemSnapshot;
  const result = translateFirewall({ firewall, helpers: defaultHelpers(), system: new SnapshotView(snapshot) });

  it('renders without warnings', () => {
    expect(result.diagnostics).toEqual([]);
  });

  it('matches lan on br-lan and wan on the wan device, with their addresses', () => {
    expect(result.text).toContain('\tdefine lan_devices = { "br-lan" }\n\tdefine lan_subnets = { 192.168.1.0/24, fd12:3456:789a::/60 }\n');
    expect(result.text).toContain('\tdefine wan_devices = { "wan" }\n\tdefine wan_subnets = { 203.0.113.0/24, 2001:db8:0:1::/64 }\n');
    expect(result.text).toContain('\t\toifname "wan" jump srcnat_wan comment "!fw4: Handle wan IPv4/IPv6 srcnat traffic"\n');
    expect(result.text).toContain('\t\tmeta nfproto ipv4 masquerade comment "!fw4: Masquerade IPv4 wan traffic"\n');
  });

  it('declares no conntrack helpers, as no helper module is loaded', () => {
    expect(result.text).not.toContain('ct helper');
  });
});
