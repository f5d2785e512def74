// Must show (issue 16): a config made by hand (zones, a PPPoE wan, a VLAN guest network, a
// bridge, wireless) renders without a snapshot, and nft -c in a fresh network namespace accepts
// the ruleset; what this machine's kernel lacks (flowtables, the rtsp helper) is stripped first,
// as test/fw4/kernel.test.ts does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultHelpers, deriveSnapshot, diagnosticText, SnapshotView, translateFirewall } from '../../../lib/fw4/index.js';
import { parseDocument } from '../../../lib/uci/index.js';
import { probeKernelGaps, stripUnsupported } from '../kernel/environment.js';
import { netnsUnavailable, nftCheck } from '../kernel/netns.js';

const read = (file: string) => parseDocument(readFileSync(new URL(`fixtures/handmade/${file}`, import.meta.url), 'utf8'), { name: file }).toPackage();
const unavailable = netnsUnavailable();

function render() {
  const helpers = defaultHelpers();
  const system = new SnapshotView(deriveSnapshot({ network: read('network'), wireless: read('wireless'), helpers }));
  return translateFirewall({ firewall: read('firewall'), helpers, system });
}

describe('a hand-made config without a snapshot', () => {
  it('renders every zone on the devices netifd would bring up; only reflection waits for the PPPoE address', () => {
    const r = render();
    // the wan address exists only once PPPoE is up: fw4 cannot reflect the redirect without it
    expect(r.diagnostics.map(diagnosticText)).toEqual(Array(2).fill('Section @redirect[0] (Web-server) external address range cannot be determined, disabling reflection'));
    expect(r.text).toContain('define lan_devices = { "br-lan", "vpn" }');
    expect(r.text).toContain('define lan_subnets = { 192.168.1.0/24, fd00:1::/64, 10.9.0.0/24 }');
    expect(r.text).toContain('define guest_devices = { "br-lan.10" }');
    expect(r.text).toContain('define wan_devices = { "pppoe-wan" }');
    // mtu_fix needs kernel 4.10: the assumed current kernel keeps the wan zone
    expect(r.text).toContain('oifname "pppoe-wan" tcp flags syn / syn,fin,rst tcp option maxseg size set rt mtu comment "!fw4: Zone wan IPv4/IPv6 egress MTU fixing"');
  });

  it.skipIf(unavailable !== null)(`is accepted by nft -c in a network namespace with its devices ${unavailable ? `(skipped: ${unavailable})` : ''}`, () => {
    const { text } = stripUnsupported(render().text, probeKernelGaps());
    const verdict = nftCheck(text, ['br-lan', 'br-lan.10', 'pppoe-wan', 'vpn']);
    expect(verdict.errors).toBe('');
    expect(verdict.accepted).toBe(true);
  });
});
