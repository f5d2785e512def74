// fw4 behaviour outside the corpus that a bug-compatible translator keeps (fw4-features.md §8, §11).
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, Fw4RuntimeError, SnapshotView, translateFirewall, type SystemSnapshot } from '../../lib/fw4/index.js';
import { parseDocument } from '../../lib/uci/index.js';

const snapshot: SystemSnapshot = {
  ubus: { 'network.interface~dump': { interface: [
    { interface: 'lan', device: 'br-lan', l3_device: 'br-lan', 'ipv6-address': [{ address: 'fd00::1', mask: 64 }, { address: 'fd00::2', mask: 64 }] },
  ] } },
  files: { '/proc/version': 'Linux version 5.4.0 (x)' },
  stat: { '/sys/module/nf_conntrack_ftp': { type: 'directory' } },
  commands: { '/usr/sbin/nft --terse --json list flowtables inet': '{"nftables": []}' },
};

function run(firewall: string, helpers = '') {
  const r = translateFirewall({
    firewall: parseDocument(firewall, { name: 'firewall' }).toPackage(),
    helpers: parseDocument(helpers, { name: 'helpers' }).toPackage(),
    system: new SnapshotView(snapshot),
  });
  return { text: r.text, warnings: r.diagnostics.map((d) => formatDiagnostic(d)).join('') };
}

const FTP = "config helper\n\toption name 'ftp'\n\toption module 'nf_conntrack_ftp'\n\toption proto 'tcp'\n\toption port '21'\n\n";
const SIP = "config helper\n\toption name 'sip'\n\toption module 'nf_conntrack_sip'\n\toption proto 'udp'\n\toption port '5060'\n\n";

describe('fw4 quirks', () => {
  it('helper section warnings say "Section (null)"', () => {
    const r = run('', `${FTP}config helper\n\toption name 'bad'\n\toption proto 'tcp'\n\toption port 'x'\n`);
    expect(r.warnings).toBe("[!] Section (null) (bad) option 'port' specifies invalid value 'x'\n[!] Helper definition 'bad' skipped due to invalid options\n");
  });

  it('a helper with two protocols is dropped', () => {
    expect(run('', "config helper\n\toption name 'h'\n\toption proto 'tcp udp'\n").warnings).toBe("[!] Helper definition 'h' must not specify multiple protocols\n");
  });

  it('a helper without proto crashes fw4', () => {
    expect(() => run('', "config helper\n\toption name 'h'\n")).toThrow(Fw4RuntimeError);
  });

  it('an unavailable zone helper warns with \'null\' and keeps the zone', () => {
    const r = run("config zone\n\toption name 'lan'\n\tlist helper 'sip'\n", FTP + SIP);
    expect(r.warnings).toBe("[!] Section @zone[0] (lan) uses unavailable ct helper 'null'\n");
    expect(r.text).toContain('\tchain helper_lan {\n\t}\n');
  });

  it('a second defaults section is ignored with a warning', () => {
    const r = run("config defaults\n\toption input 'ACCEPT'\n\nconfig defaults\n\toption input 'DROP'\n");
    expect(r.warnings).toBe('[!] Section @defaults[1] : ignoring duplicate defaults section\n');
    expect(r.text).toContain('type filter hook input priority filter; policy accept;');
  });

  it('an invalid defaults option crashes fw4 after its warning', () => {
    expect(() => run("config defaults\n\toption input 'maybe'\n")).toThrow(Fw4RuntimeError);
  });

  it('mtu_fix needs kernel 4.10, net sets 5.6 (this kernel: 5.4)', () => {
    const r = run("config zone\n\toption name 'z'\n\tlist device 'eth0'\n\toption mtu_fix '1'\n\nconfig ipset\n\toption name 's'\n\toption match 'net'\n");
    expect(r.warnings).toBe("[!] Section @ipset[0] (s) match type 'net' requires kernel 5.6 or later\n");
    expect(r.text).toContain('tcp option maxseg size set rt mtu');
  });

  it('an IPv6 set entry naming an interface with two addresses warns', () => {
    const r = run("config ipset\n\toption name 's'\n\toption family 'ipv6'\n\toption match 'ip'\n\tlist entry 'lan'\n");
    expect(r.warnings).toBe("[!] Set entry 'lan' resolves to multiple addresses, using first one\n");
    expect(r.text).toContain('\t\telements = {\n\t\t\tfd00::1,\n\t\t}\n');
  });

  it('enum values match by prefix, case-insensitively', () => {
    const r = run("config zone\n\toption name 'z'\n\toption input 'rej'\n\toption forward 'A'\n");
    expect(r.text).toContain('\t\tjump reject_from_z\n');
    expect(r.text).toContain('\t\tjump accept_to_z\n');
  });

  it('section ids count every section of the type, disabled ones included', () => {
    const r = run("config rule\n\toption enabled '0'\n\nconfig rule\n\toption proto 'tcp'\n\toption dest_port 'x'\n");
    expect(r.warnings).toBe('[!] Section @rule[0] is disabled, ignoring section\n'
      + "[!] Section @rule[1] option 'dest_port' specifies invalid value 'x'\n[!] Section @rule[1] skipped due to invalid options\n");
  });
});
