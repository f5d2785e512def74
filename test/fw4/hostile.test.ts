// Hostile values (quotes, semicolons, newlines, braces) in names, comments, set entries and
// device names must never add or change statements: each is quoted harmlessly or rejected with
// a warning.
import { describe, expect, it } from 'vitest';
import { defaultHelpers, formatDiagnostic, SnapshotView, translateFirewall, type SystemSnapshot } from '../../lib/fw4/index.js';
import { parseDocument } from '../../lib/uci/index.js';

const snapshot: SystemSnapshot = {
  ubus: {
    'network.interface~dump': {
      interface: [
        { interface: 'lan', up: true, device: 'br-lan', l3_device: 'br-lan', 'ipv4-address': [{ address: '192.168.1.1', mask: 24 }], data: {} },
        { interface: 'evil', up: true, device: 'eth9', l3_device: 'eth9"; accept; "\n\t\tdrop', 'ipv4-address': [{ address: '10.0.0.1 } accept', mask: 24 }], data: {} },
      ],
    },
  },
  files: { '/proc/version': 'Linux version 5.15.0 (x)', '/etc/evil"; accept.nft': 'x' },
  commands: { '/usr/sbin/nft --terse --json list flowtables inet': '{"nftables": []}' },
};

function translate(config: string) {
  const firewall = parseDocument(config, { name: 'firewall' }).toPackage();
  const r = translateFirewall({ firewall, helpers: defaultHelpers(), system: new SnapshotView(snapshot) });
  const lines = r.diagnostics.map((d) => formatDiagnostic(d));
  // the snapshot's own warnings (its hostile interface) come with every config
  const fromSnapshot = (l: string) => l.startsWith('[!] ubus interface (evil) ');
  return { text: r.text, warnings: lines.filter((l) => !fromSnapshot(l)).join(''), snapshotWarnings: lines.filter(fromSnapshot) };
}

/** The ruleset with every quoted string emptied: what nft parses as structure. */
function structure(text: string): string[] {
  return text.split('\n').map((line) => line.replace(/"[^"\n]*"/g, '""'));
}

const base = `
config zone
	option name 'lan'
	list network 'lan'

config zone
	option name 'wan'
	list device 'eth1'

config ipset
	option name 'blocked'
	option match 'src_ip'
	list entry '192.0.2.1'
`;

/** A UCI string literal for any value (single quotes closed and reopened). */
const q = (v: string) => `'${v.replaceAll("'", "'\\''")}'`;

const hostile = [
  'x"; accept; "',
  'x\n\t\taccept comment "',
  'x } \n}\ntable inet evil {',
  "x'; drop; '",
];

const rule = (extra: string) => `\nconfig rule\n\toption src 'lan'\n\toption target 'ACCEPT'\n${extra}`;
const baseline = () => translate(base).text;

describe('hostile values never change the ruleset structure', () => {
  it.each(hostile)('rule name (comment) %j is quoted or the rule rejected', (value) => {
    const r = translate(base + rule(`\toption name ${q(value)}\n`));
    if (r.warnings) {
      expect(r.warnings).toContain("option 'name' specifies invalid value");
      expect(r.text).toBe(baseline());
    } else {
      expect(structure(r.text)).toEqual(structure(translate(base + rule("\toption name 'ok'\n")).text));
    }
  });

  it.each(hostile)('log prefix %j is quoted or the rule rejected', (value) => {
    const r = translate(base + rule(`\toption name 'ok'\n\toption log ${q(value)}\n`));
    if (r.warnings) {
      expect(r.warnings).toContain("option 'log' specifies invalid value");
      expect(r.text).toBe(baseline());
    } else {
      expect(structure(r.text)).toEqual(structure(translate(base + rule("\toption name 'ok'\n\toption log 'p'\n")).text));
    }
  });

  it.each(hostile)('zone name %j is rejected', (value) => {
    const r = translate(`${base}\nconfig zone\n\toption name ${q(value)}\n\tlist device 'eth2'\n`);
    expect(r.warnings).toContain("option 'name' specifies invalid value");
    expect(r.warnings).toContain('skipped due to invalid options');
    expect(r.text).toBe(baseline());
  });

  it.each(hostile)('device name %j stays inside one quoted string or the zone is rejected', (value) => {
    const r = translate(`${base}\nconfig zone\n\toption name 'dmz'\n\tlist device ${q(value)}\n`);
    if (r.warnings) {
      expect(r.warnings).toContain("option 'device' specifies invalid value");
      expect(r.text).toBe(baseline());
    } else {
      expect(structure(r.text)).toEqual(structure(translate(`${base}\nconfig zone\n\toption name 'dmz'\n\tlist device 'eth2'\n`).text));
    }
  });

  it.each(hostile)('set entry %j is ignored or the set rejected', (value) => {
    const r = translate(`${base}\tlist entry ${q(value)}\n`);
    if (r.warnings.includes('ignoring invalid ipset entry')) {
      expect(r.text).toBe(baseline());
    } else {
      expect(r.warnings).toContain("option 'entry' specifies invalid value");
      expect(r.text).toBe(translate(base.slice(0, base.indexOf('config ipset'))).text);
    }
  });

  it.each(hostile)('set comment %j is quoted or the set rejected', (value) => {
    const r = translate(`${base}\toption comment ${q(value)}\n`);
    if (r.warnings) {
      expect(r.warnings).toContain("option 'comment' specifies invalid value");
      expect(r.text).toBe(translate(base.slice(0, base.indexOf('config ipset'))).text);
    } else {
      expect(structure(r.text)).toEqual(structure(translate(`${base}\toption comment 'c'\n`).text));
    }
  });

  it('warnings show control characters escaped, so they cannot forge lines', () => {
    const r = translate(base + rule("\toption name 'x\n[!] forged'\n"));
    expect(r.warnings.split('\n').filter((l) => l.startsWith('[!] forged'))).toEqual([]);
    expect(r.warnings).toContain("(x\\n[!] forged) option 'name' specifies invalid value 'x\\n[!] forged'");
  });

  it('a protocol name with statement syntax is rejected', () => {
    const r = translate(base + rule("\toption name 'p'\n\tlist proto 'icmp;accept'\n"));
    expect(r.warnings).toContain("option 'proto' specifies invalid value 'icmp;accept'");
    expect(r.text).toBe(baseline());
  });

  it('an include path with a quote is rejected', () => {
    const r = translate(`${base}\nconfig include\n\toption type 'nftables'\n\toption path '/etc/evil"; accept.nft'\n`);
    expect(r.warnings).toContain("option 'path' specifies invalid value");
    expect(r.text).toBe(baseline());
  });

  it('hostile device names and addresses from ubus are dropped', () => {
    const r = translate(`${base}\nconfig zone\n\toption name 'bad'\n\tlist network 'evil'\n`);
    expect(r.text).not.toContain('drop\n');
    expect(r.text).not.toContain('} accept');
    expect(r.text).toContain('define bad_devices = { "eth9" }');
    expect(r.text).toContain('define bad_subnets = {  }');
    // as docs/fw4.md promises: each dropped value gets fw4's "specifies invalid value" warning
    expect(r.snapshotWarnings).toEqual([
      "[!] ubus interface (evil) option 'ipv4-address' specifies invalid value '10.0.0.1 } accept/24'\n",
      `[!] ubus interface (evil) option 'l3_device' specifies invalid value 'eth9"; accept; "\\n\t\tdrop'\n`,
    ]);
  });
});
