// uci-fw4's selective offloading (`option offload` on zone, rule, forwarding): fw4's bytes
// without it, a `handle_offload` chain with it, and the seed's example loaded by the kernel.
import { describe, expect, it } from 'vitest';
import { describeGaps, probeKernelGaps, stripUnsupported } from './kernel/environment.js';
import { creatableDevices, netnsUnavailable, nftCheck, vethAvailable } from './kernel/netns.js';
import { BASE, render, report } from './offload-report.fixtures.js';

const NETS = { nets: [{ name: 'lan', device: 'eth0' }, { name: 'wan', device: 'eth1' }, { name: 'guest', device: 'eth2' }] };

const GUEST = (extra: string) => `
config zone
	option name 'guest'
	list network 'guest'
	option input 'REJECT'
	option output 'ACCEPT'
	option forward 'REJECT'${extra}

config forwarding
	option src 'guest'
	option dest 'wan'
`;

const DSCP_EXCLUDED = `
config rule
	option name 'Bulk-DSCP'
	option src 'lan'
	option dest 'wan'
	option proto 'tcp'
	option dest_port '6881-6889'
	option target 'DSCP'
	option set_dscp 'CS1'
	option offload '0'
`;

/** The seed's example: a forward chain offloading established `tcp dport { 80, 443 }` flows, policy drop. */
export const SEED_EXAMPLE = `
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
	option forward 'DROP'
	option auto_helper '0'

config zone
	option name 'wan'
	list network 'wan'
	option input 'DROP'
	option output 'ACCEPT'
	option forward 'DROP'
	option masq '1'

config rule
	option name 'Allow-Web'
	option src 'lan'
	option dest 'wan'
	option proto 'tcp'
	list dest_port '80'
	list dest_port '443'
	option target 'ACCEPT'
	option offload '1'
`;

function lines(text: string, from: string, to: string): string {
  return text.slice(text.indexOf(from), text.indexOf(to, text.indexOf(from)) + to.length);
}

describe('selective offloading: rendering', () => {
  it("without the option the ruleset keeps fw4's single offload statement and no extra chain", () => {
    const { text } = render(BASE + GUEST(''), NETS);
    expect(text).toContain('\t\tmeta l4proto { tcp, udp } flow offload @ft;\n\t\tct state vmap');
    expect(text).not.toContain('handle_offload');
  });

  it("option offload '0' on a zone: its flows return before the catch-all flow offload", () => {
    const plain = render(BASE + GUEST(''), NETS).text;
    const { text, diagnostics } = render(BASE + GUEST("\n\toption offload '0'"), NETS);
    expect(diagnostics).toEqual([]);
    expect(lines(text, '\tchain handle_offload {', '\t}\n')).toBe(`\tchain handle_offload {
		ct direction reply return comment "!fw4: Decide on original-direction packets"
		iifname "eth2" return comment "!fw4: guest: offload '0'"
		oifname "eth2" return comment "!fw4: guest: offload '0'"
		flow offload @ft comment "!fw4: Offload all other flows"
	}
`);
    // everything else is fw4's text
    const jump = '\t\tmeta l4proto { tcp, udp } jump handle_offload comment "!fw4: uci-fw4 selective flow offloading"\n';
    const chain = lines(text, '\tchain handle_offload {', '\t}\n\n');
    expect(text.replace(jump, '\t\tmeta l4proto { tcp, udp } flow offload @ft;\n').replace(chain, '')).toBe(plain);
  });

  it("option offload '0' on a forwarding excludes that zone pair only", () => {
    const cfg = (BASE + GUEST('')).replace("option dest 'wan'\n\nconfig zone", "option dest 'wan'\n\toption offload '0'\n\nconfig zone");
    const { text } = render(cfg, NETS);
    expect(text).toContain('\t\tiifname "eth0" oifname "eth1" return comment "!fw4: Accept lan to wan forwarding"\n');
    const r = report(cfg, NETS);
    expect(r.paths.find((p) => p.src === 'lan' && p.dest === 'wan')).toEqual({
      src: 'lan', dest: 'wan', offload: 'none', reasons: ["option offload '0' on @forwarding[0]"],
    });
    expect(r.paths.find((p) => p.src === 'guest' && p.dest === 'wan')!.offload).toBe('software');
  });

  it("option offload '0' on a DSCP rule keeps its flows on the slow path, where the DSCP keeps applying", () => {
    const cfg = BASE + DSCP_EXCLUDED;
    // fw4 renders DSCP rules per family, and so the exclusion
    expect(render(cfg).text).toContain('\t\tmeta nfproto ipv4 iifname "eth0" oifname "eth1" tcp dport 6881-6889 return comment "!fw4: Bulk-DSCP"\n'
      + '\t\tmeta nfproto ipv6 iifname "eth0" oifname "eth1" tcp dport 6881-6889 return comment "!fw4: Bulk-DSCP"\n'
      + '\t\tflow offload @ft comment "!fw4: Offload all other flows"\n');
    const r = report(cfg);
    expect(r.paths.find((p) => p.src === 'lan' && p.dest === 'wan')!.reasons).toEqual(["except flows matching @rule[0] (Bulk-DSCP) (option offload '0')"]);
    // the finding stays: it describes the rule; the path shows the exception
    expect(r.findings.map((f) => f.kind)).toEqual(['per-packet-statement', 'mangle-after-offload']);
  });

  it('an invalid value rejects the section the way fw4 rejects invalid options', () => {
    const { diagnostics } = render(BASE + GUEST("\n\toption offload 'maybe'"), NETS);
    expect(diagnostics.map((d) => `${d.section?.id} ${d.message}`)).toEqual([
      "@zone[2] option 'offload' specifies invalid value 'maybe'",
      '@zone[2] skipped due to invalid options',
      "@forwarding[1] option 'src' specifies invalid value 'guest'",
      '@forwarding[1] skipped due to invalid options',
    ]);
  });
});

describe("the seed's example as UCI", () => {
  const { text, diagnostics } = render(SEED_EXAMPLE);

  it('renders a narrower flow offload match for tcp dport { 80, 443 }', () => {
    expect(diagnostics).toEqual([]);
    expect(text).toContain('\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\n'
      + '\t\tmeta l4proto { tcp, udp } jump handle_offload comment "!fw4: uci-fw4 selective flow offloading"\n');
    expect(lines(text, '\tchain handle_offload {', '\t}\n')).toBe(`\tchain handle_offload {
		ct direction reply return comment "!fw4: Decide on original-direction packets"
		iifname "eth0" oifname "eth1" tcp dport { 80, 443 } flow offload @ft comment "!fw4: Allow-Web"
	}
`);
  });

  it('the report: lan to wan offloads only Allow-Web, nothing else is offloaded', () => {
    const r = report(SEED_EXAMPLE);
    expect(r.requested.selective).toEqual([{ section: '@rule[0]', name: 'Allow-Web', offload: true }]);
    expect(r.paths.map((p) => `${p.src}>${p.dest} ${p.offload}: ${p.reasons.join('; ')}`)).toEqual([
      'lan>lan none: nothing is forwarded from lan to lan',
      "lan>wan software: only what @rule[0] (Allow-Web) accepts; only flows matching @rule[0] (Allow-Web) (option offload '1')",
      'wan>lan none: nothing is forwarded from wan to lan',
      'wan>wan none: nothing is forwarded from wan to wan',
    ]);
    expect(r.findings).toEqual([]);
  });

  const unavailable = netnsUnavailable();
  it.skipIf(unavailable !== null)(`is accepted by the kernel in a fresh netns${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
    const gaps = probeKernelGaps();
    const stripped = stripUnsupported(text, gaps);
    const devices = vethAvailable() ? creatableDevices(['eth0', 'eth1']) : [];
    const verdict = nftCheck(stripped.text, devices);
    console.log(`seed example: ${verdict.accepted ? 'accepted' : 'refused'}; ${[...describeGaps(gaps), `devices: ${devices.join(', ') || 'none'}`].join('; ')}`);
    expect(verdict.errors).toBe('');
    expect(verdict.accepted).toBe(true);
    // on this kernel exactly the flowtable block and the opt-in line go
    if (gaps.flowtables) expect(stripped.removed).toBe(2);
    // the exclusions of a zone and of a DSCP rule with offload '0' load as well
    const others = [render(BASE + GUEST("\n\toption offload '0'"), NETS).text, render(BASE + DSCP_EXCLUDED).text];
    for (const other of others) {
      expect(nftCheck(stripUnsupported(other, gaps).text, vethAvailable() ? creatableDevices(['eth0', 'eth1', 'eth2']) : []).errors).toBe('');
    }
  });
});
