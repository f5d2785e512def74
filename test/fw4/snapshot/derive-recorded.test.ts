// Must show (issue 16): for every fw4-corpus case and fw4-bench config, the ruleset rendered on
// the system derived from a network config against the one rendered on the recorded snapshot.
// The corpus and bench cases all run on the router of fw4's test suite; fixtures/
// fw4-testsuite.network is that router's network config. Each difference must be explained by a
// fact only the running router knows: RUNTIME_FACTS copies exactly that fact from the recording
// into the derived snapshot, and with all of them applied both renderings must be identical,
// warnings included.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultHelpers, deriveSnapshot, diagnosticText, mockKey, readMocksDir, SnapshotView, translateFirewall,
  type SystemSnapshot,
} from '../../../lib/fw4/index.js';
import { parseDocument, type UciPackage } from '../../../lib/uci/index.js';
import { printCases, sharedAvailable } from '../kernel/cases.js';

const FIXTURE = new URL('fixtures/fw4-testsuite.network', import.meta.url);

function parse(file: string | URL, name: string): UciPackage {
  return parseDocument(readFileSync(file, 'utf8'), { name }).toPackage();
}

type Dump = { interface: { interface: string; [k: string]: unknown }[] };

function dumpOf(s: SystemSnapshot): Dump {
  return s.ubus!['network.interface~dump'] as Dump;
}

/** Copies `field` of interface `iface` from the recorded dump into the derived one. */
function copyInterfaceField(iface: string, field: string) {
  return (derived: SystemSnapshot, recorded: SystemSnapshot) => {
    const from = dumpOf(recorded).interface.find((i) => i.interface === iface);
    const to = dumpOf(derived).interface.find((i) => i.interface === iface);
    if (!from || !to) throw new Error(`interface ${iface} missing`);
    to[field] = from[field];
  };
}

// fw4 reads these from the router's file system; a derived system has only the confdir
const SYSTEM_PATHS = ['_proc_version', '_sys_class_net_', '_sys_module_'];

function copyRouterFiles(derived: SystemSnapshot, recorded: SystemSnapshot): void {
  for (const [key, text] of Object.entries(recorded.files ?? {})) {
    if (!SYSTEM_PATHS.some((p) => mockKey(key).startsWith(p))) derived.files![key] = text;
  }
}

function keepRecordedFlags(derived: SystemSnapshot, recorded: SystemSnapshot): void {
  const kept = new Set(Object.keys(recorded.files ?? {}).map(mockKey));
  for (const key of Object.keys(derived.files!)) if (key.endsWith('/flags') && !kept.has(mockKey(key))) delete derived.files![key];
}

interface RuntimeFact { name: string; why: string; apply: (derived: SystemSnapshot, recorded: SystemSnapshot) => void }

const RUNTIME_FACTS: RuntimeFact[] = [
  { name: 'wan-pppoe-address', why: "wan is proto pppoe: its IPv4 address (10.11.12.194/24) is given by the PPPoE peer", apply: copyInterfaceField('wan', 'ipv4-address') },
  { name: 'wan6-dhcpv6-address', why: 'wan6 is proto dhcpv6: its address (2001:db8:54:321::2/64) comes from the DHCPv6 server', apply: copyInterfaceField('wan6', 'ipv6-address') },
  { name: 'lan-prefix-assignment', why: 'lan has ip6assign 60: netifd assigns its prefixes from the delegated and ULA prefixes', apply: copyInterfaceField('lan', 'ipv6-prefix-assignment') },
  { name: 'guest-prefix-assignment', why: 'guest has ip6assign 60: the same, for guest', apply: copyInterfaceField('guest', 'ipv6-prefix-assignment') },
  { name: 'kernel-version', why: 'the router runs Linux 5.4.101 (5.10.113 in one case), derive assumes a current 6.6: ipset match \'net\' needs 5.6', apply: (d, r) => { d.files!['/proc/version'] = new SnapshotView(r).readFile('/proc/version')!; } },
  { name: 'flags-not-recorded', why: 'the recording has /sys/class/net/DEV/flags of br-lan only (and lo in one case), so fw4 took lo for an ordinary device there; derive writes every device\'s flags', apply: keepRecordedFlags },
  { name: 'router-files', why: 'files on the router, not in the confdir: include scripts and ipset loadfiles', apply: copyRouterFiles },
];

interface Rendering { text: string; warnings: string }

function render(firewall: UciPackage, helpers: UciPackage, snapshot: SystemSnapshot): Rendering {
  const r = translateFirewall({ firewall, helpers, system: new SnapshotView(snapshot) });
  return { text: r.text, warnings: r.diagnostics.map(diagnosticText).join('') };
}

describe.skipIf(!sharedAvailable())('derived system against the recorded snapshot (needs ../shared)', () => {
  const network = parse(FIXTURE, 'network');
  const cases = printCases();

  it('every case renders identically once the run-time facts are applied, and each fact explains some difference', () => {
    const needed = new Map<string, string[]>(RUNTIME_FACTS.map((f) => [f.name, []]));
    const identical: string[] = [];
    for (const c of cases) {
      const firewall = parse(join(c.dir, 'config/firewall'), 'firewall');
      const helpersFile = join(c.dir, 'config/helpers');
      const helpers = existsSync(helpersFile) ? parse(helpersFile, 'helpers') : defaultHelpers();
      const recorded = readMocksDir(join(c.dir, 'mocks'));
      const expected = render(firewall, helpers, recorded);
      const derive = (facts: RuntimeFact[]) => {
        const derived = deriveSnapshot({ network, helpers });
        for (const f of facts) f.apply(derived, recorded);
        return render(firewall, helpers, derived);
      };
      expect(derive(RUNTIME_FACTS), c.name).toEqual(expected);
      if (JSON.stringify(derive([])) === JSON.stringify(expected)) identical.push(c.name);
      // a fact explains a difference when leaving it out (all others applied) changes the rendering
      for (const f of RUNTIME_FACTS) {
        if (JSON.stringify(derive(RUNTIME_FACTS.filter((g) => g !== f))) !== JSON.stringify(expected)) needed.get(f.name)!.push(c.name);
      }
    }
    console.log([
      `derived vs recorded: ${identical.length}/${cases.length} cases identical with nothing but the network config`,
      ...RUNTIME_FACTS.map((f) => `  ${f.name}: changes ${needed.get(f.name)!.length} case(s) (${f.why}): ${needed.get(f.name)!.join(', ')}`),
    ].join('\n'));
    expect(cases.length).toBe(34);
    for (const f of RUNTIME_FACTS) expect(needed.get(f.name)!.length, f.name).toBeGreaterThan(0);
    expect(identical.length).toBe(20);
  });
});

// The embedded example (examples/config, examples/snapshot.json): a confdir with a network config
// and a snapshot recorded for it.
describe('the example confdir, derived against its snapshot', () => {
  const root = new URL('../../../examples/', import.meta.url);
  const network = parse(new URL('config/network', root), 'network');
  const firewall = parse(new URL('config/firewall', root), 'firewall');
  const recorded = JSON.parse(readFileSync(new URL('snapshot.json', root), 'utf8')) as SystemSnapshot;
  const facts: RuntimeFact[] = [
    { name: 'wan-dhcp-address', why: 'wan is proto dhcp', apply: copyInterfaceField('wan', 'ipv4-address') },
    { name: 'wan6-dhcpv6-address', why: 'wan6 is proto dhcpv6', apply: copyInterfaceField('wan6', 'ipv6-address') },
    { name: 'lan-prefix-assignment', why: 'lan has ip6assign 60 (from ula_prefix)', apply: copyInterfaceField('lan', 'ipv6-prefix-assignment') },
    {
      name: 'helper-modules', why: 'the router has no conntrack helper modules installed; derive assumes fw4\'s default helpers loaded',
      apply: (d) => { for (const key of Object.keys(d.stat!)) if (key.startsWith('/sys/module/')) delete d.stat![key]; },
    },
  ];
  const helpers = defaultHelpers();
  const derive = (list: RuntimeFact[]) => {
    const derived = deriveSnapshot({ network, helpers });
    for (const f of list) f.apply(derived, recorded);
    return render(firewall, helpers, derived);
  };

  it('renders identically once the run-time facts are applied, and needs each of them', () => {
    const expected = render(firewall, helpers, recorded);
    expect(derive(facts)).toEqual(expected);
    for (const f of facts) expect(derive(facts.filter((g) => g !== f)), f.name).not.toEqual(expected);
  });
});
