// schemas/firewall is the one option table: it must list exactly fw4's options
// (fw4-features.md §5: 180 entries, 21 unsupported, 2 deprecated, 6 required), and ajv must
// accept and refuse values with the same parsers the loader uses.
import { describe, expect, it } from 'vitest';
import { OPTION_SPECS, schemaViolations, type OptionSpec } from '../../lib/fw4/index.js';
import { parseDocument } from '../../lib/uci/index.js';

describe('schemas/firewall', () => {
  // uci-fw4's own extension options are marked and left out of fw4's table
  const fw4Only = (list: readonly OptionSpec[]) => list.filter((s) => !s.extension);
  const specs = fw4Only(Object.values(OPTION_SPECS).flat());

  it('lists fw4\'s 180 option entries with their flags', () => {
    const counts = Object.fromEntries(Object.entries(OPTION_SPECS).map(([t, s]) => [t, fw4Only(s).length]));
    expect(counts).toEqual({ helper: 6, defaults: 21, zone: 24, forwarding: 5, rule: 37, redirect: 34, nat: 28, include: 8, ipset: 17 });
    expect(specs).toHaveLength(180);
    expect(specs.filter((s) => s.unsupported)).toHaveLength(21);
    expect(specs.filter((s) => s.deprecated).map((s) => s.name)).toEqual(['_name', '_name']);
    expect(specs.filter((s) => s.required)).toHaveLength(6);
    expect(new Set(specs.map((s) => s.name)).size).toBe(99);
  });

  it('keeps fw4\'s defaults and dynamic defaults', () => {
    const zone = new Map(OPTION_SPECS.zone.map((s) => [s.name, s]));
    expect(zone.get('input')?.defaultFrom).toBe('defaults.input');
    expect(OPTION_SPECS.rule.find((s) => s.name === 'proto')).toMatchObject({ default: 'tcpudp', list: true, flatten: true });
    expect(OPTION_SPECS.nat.find((s) => s.name === 'snat_ip')).toMatchObject({ noInvert: true });
    expect(OPTION_SPECS.ipset.find((s) => s.name === 'timeout')?.default).toBe('-1');
  });

  it('validates values with the loader\'s parsers, lists item by item', () => {
    const pkg = parseDocument(`
config rule
	option proto 'tcp udp'
	option dest_port '80 443:445'
	option src_port '80 http'
	option target 'ACC'
	option family 'ipv7'
	option icmp_type 'echo-request'
	list src_ip '10.0.0.0/8'
	list src_ip 'lan'
`, { name: 'firewall' }).toPackage();
    expect(schemaViolations(pkg).map((v) => v.option).sort()).toEqual(['family', 'src_port']);
  });
});
