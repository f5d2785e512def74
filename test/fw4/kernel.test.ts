import { beforeAll, describe, expect, it } from 'vitest';
import { printCases, sharedAvailable, translateCase, type PrintCase } from './kernel/cases.js';
import { classifyFailure, type FailureKind } from './kernel/classify.js';
import { describeGaps, probeKernelGaps, stripUnsupported, type KernelGaps } from './kernel/environment.js';
import { creatableDevices, netnsUnavailable, nftCheck, vethAvailable } from './kernel/netns.js';
import { ENVIRONMENTAL } from './kernel/classify.js';
import { long, ruleset } from './verify/fixtures.js';
import { findKernelRefusals, fixKernelRefusals, refusalContext, type RefusalKind } from '../../lib/fw4/verify/index.js';
import { defaultHelpers, readMocksDir, SnapshotView, translateFirewall } from '../../lib/fw4/index.js';
import { GENERATED_MOCKS, generatedConfigs } from './kernel/generated.js';

// Each of these loads 34 rulesets (one of 4,500 lines) into fresh namespaces: slow on a busy machine.
const LOAD_TIMEOUT = 300_000;
const shared = sharedAvailable();
const unavailable = netnsUnavailable();

// Verified here: fw4's own output of these cases is refused by the kernel, for these reasons.
const FW4_REFUSED: Record<string, FailureKind[]> = {
  '02_zones__06_family_selections': ['custom-helper'],
  '02_zones__08_log_limit': ['port-mapping'],
  '03_rules__11_log': ['port-mapping'],
  '06_includes__01_nft_includes': ['missing-include'],
  '06_includes__04_disabled_include': ['missing-include'],
  '06_includes__05_automatic_includes': ['missing-include'],
  'rules-100': ['port-mapping'],
  'rules-1000': ['port-mapping'],
};

interface Outcome {
  name: string;
  accepted: boolean;
  kinds: FailureKind[];
  firstError: string;
}

function loadAll(cases: PrintCase[], gaps: KernelGaps, withDevices: boolean, render: (c: PrintCase) => string): Outcome[] {
  return cases.map((c) => {
    const { text } = stripUnsupported(render(c), gaps);
    const verdict = nftCheck(text, withDevices ? creatableDevices(c.devices) : []);
    return {
      name: c.name,
      accepted: verdict.accepted,
      kinds: verdict.accepted ? [] : classifyFailure(verdict.errors, text),
      firstError: verdict.errors.split('\n').find((l) => l.includes('Error:')) ?? '',
    };
  });
}

function report(title: string, outcomes: Outcome[], notes: string[]): void {
  const accepted = outcomes.filter((o) => o.accepted).length;
  const lines = [`${title}: the kernel accepts ${accepted}/${outcomes.length}`, ...notes.map((n) => `  note: ${n}`)];
  for (const o of outcomes.filter((o) => !o.accepted)) lines.push(`  refused ${o.name} [${o.kinds.join(', ')}] ${o.firstError}`);
  console.log(lines.join('\n'));
}

function refusedMap(outcomes: Outcome[]): Record<string, FailureKind[]> {
  return Object.fromEntries(outcomes.filter((o) => !o.accepted).map((o) => [o.name, o.kinds]));
}

describe.skipIf(!shared)('kernel acceptance of rendered rulesets (needs ../shared)', () => {
  describe.skipIf(unavailable !== null)(`in a fresh network namespace${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
    let cases: PrintCase[] = [];
    let gaps: KernelGaps = { flowtables: false, rtspHelper: false };
    let notes: string[] = [];
    let veth = false;

    beforeAll(() => {
      cases = printCases();
      gaps = probeKernelGaps();
      veth = vethAvailable();
      notes = [...describeGaps(gaps), veth ? 'veth devices created as the snapshot names them' : 'ip cannot create veth devices here: loaded without devices'];
    });

    it("fw4's own output (expected.nft): exactly the pinned cases are refused", () => {
      const outcomes = loadAll(cases, gaps, veth, (c) => c.expected);
      report("fw4's expected.nft", outcomes, notes);
      expect(cases.length).toBe(34);
      expect(refusedMap(outcomes)).toEqual(FW4_REFUSED);
    }, LOAD_TIMEOUT);

    it("fw4's own output with --fix: only the environmental refusals remain", () => {
      const outcomes = loadAll(cases, gaps, veth, (c) => fixKernelRefusals(c.expected).text);
      report("fw4's expected.nft after --fix", outcomes, notes);
      const environmental = Object.entries(FW4_REFUSED).filter(([, kinds]) => kinds.every((k) => ENVIRONMENTAL.has(k)));
      expect(refusedMap(outcomes)).toEqual(Object.fromEntries(environmental));
    }, LOAD_TIMEOUT);

    it('our rendered output: exactly the cases refused as with fw4', () => {
      const outcomes = loadAll(cases, gaps, veth, (c) => translateCase(c).text);
      report('our fw4 print', outcomes, notes);
      expect(refusedMap(outcomes)).toEqual(FW4_REFUSED);
    }, LOAD_TIMEOUT);

    it('our output with --fix (protocols and sections from the compiled ruleset): only the environmental refusals remain', () => {
      const outcomes = loadAll(cases, gaps, veth, (c) => {
        const t = translateCase(c);
        return fixKernelRefusals(t.text, refusalContext(t.ruleset)).text;
      });
      report('our fw4 print --fix', outcomes, notes);
      const environmental = Object.entries(FW4_REFUSED).filter(([, kinds]) => kinds.every((k) => ENVIRONMENTAL.has(k)));
      expect(refusedMap(outcomes)).toEqual(Object.fromEntries(environmental));
    }, LOAD_TIMEOUT);

    it('generated configs: check predicts every refusal (and nothing else), --fix makes each loadable', () => {
      const system = new SnapshotView(readMocksDir(GENERATED_MOCKS));
      const tally = { configs: 0, refused: 0, predicted: 0, fixed: 0, falseAlarms: 0 };
      const wrong: string[] = [];
      const kinds = new Map<string, number>();
      for (const g of generatedConfigs()) {
        const t = translateFirewall({ firewall: g.firewall, helpers: defaultHelpers(), system });
        const { text } = stripUnsupported(t.text, gaps);
        const context = refusalContext(t.ruleset);
        const found = findKernelRefusals(text, context);
        const accepted = nftCheck(text).accepted;
        tally.configs++;
        if (accepted) {
          if (found.length) (tally.falseAlarms++, wrong.push(`false alarm: ${g.label}`));
          continue;
        }
        tally.refused++;
        if (found.length) tally.predicted++;
        else wrong.push(`missed: ${g.label}`);
        for (const r of found) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
        if (nftCheck(fixKernelRefusals(text, context).text).accepted) tally.fixed++;
        else wrong.push(`fix refused: ${g.label}`);
      }
      console.log(`generated configs: ${JSON.stringify(tally)} ${JSON.stringify(Object.fromEntries(kinds))}`);
      expect(wrong).toEqual([]);
      expect(tally).toEqual({ configs: 54, refused: 10, predicted: 10, fixed: 10, falseAlarms: 0 });
      expect(Object.fromEntries(kinds)).toEqual({ 'port-mapping-without-protocol': 15, 'family-conflict': 2 });
    }, LOAD_TIMEOUT);

    it('check finds a refusal in exactly the cases the kernel refuses for the ruleset itself', () => {
      const found = cases.filter((c) => findKernelRefusals(c.expected).length > 0).map((c) => c.name);
      const refused = Object.entries(FW4_REFUSED).filter(([, kinds]) => kinds.some((k) => !ENVIRONMENTAL.has(k)));
      expect(found).toEqual(refused.map(([name]) => name));
    });
  });
});

// One fw4-shaped line per refusal kind: the kernel refuses it with the words check reports,
// and accepts what --fix makes of it.
const NAT = 'type nat hook prerouting priority dstnat; policy accept;';
const REFUSED_LINES: Record<RefusalKind, string[]> = {
  'port-mapping-without-protocol': [NAT, 'meta nfproto ipv4 counter dnat 10.0.0.2:22 comment "!fw4: @redirect[0]"', 'meta nfproto ipv4 counter redirect to 8080 comment "!fw4: @redirect[1]"'],
  'family-conflict': ['meta nfproto ipv4 oifname "eth1" ip6 daddr 2001:db8::/32 ct state invalid counter drop comment "!fw4: Prevent NAT leakage"'],
  'empty-time-range': ['meta time "2021-05-01 00:00:00"-"2021-01-01 00:00:00" counter accept comment "!fw4: @rule[0]"'],
  'comment-too-long': [`counter accept comment "!fw4: ${long(123)}"`],
  'device-name-too-long': [`iifname { "eth0", "${long(16)}" } counter accept comment "!fw4: @rule[1]"`, `oifname != "${long(16)}" counter accept comment "!fw4: @rule[2]"`],
};

describe.skipIf(unavailable !== null)(`the kernel confirms each refusal check${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  for (const [kind, lines] of Object.entries(REFUSED_LINES)) {
    it(kind, () => {
      const text = ruleset({ [kind === 'port-mapping-without-protocol' ? 'dstnat' : 'input']: lines });
      const found = findKernelRefusals(text);
      expect(found.map((r) => r.kind)).toEqual(lines.filter((l) => l !== NAT).map(() => kind));
      const verdict = nftCheck(text);
      expect(verdict.accepted).toBe(false);
      for (const r of found) expect(verdict.errors).toContain(`ruleset:${r.line}:`);
      for (const r of found) expect(verdict.errors).toContain(`Error: ${r.nft}`);
      expect(nftCheck(fixKernelRefusals(text).text)).toEqual({ accepted: true, errors: '' });
    });
  }
});

describe('stripping what this kernel lacks', () => {
  const ruleset = [
    'table inet fw4 {',
    '\tflowtable ft {',
    '\t\thook ingress priority 0;',
    '\t\tdevices = { "eth0" };',
    '\t}',
    '\tct helper ftp {',
    '\t\ttype "ftp" protocol tcp;',
    '\t}',
    '\tct helper rtsp {',
    '\t\ttype "rtsp" protocol tcp;',
    '\t}',
    '\tchain forward {',
    '\t\tmeta l4proto { tcp, udp } flow offload @ft;',
    '\t\tmeta l4proto tcp tcp dport 554 ct helper set "rtsp" comment "!fw4: RTSP connection tracking"',
    '\t\tmeta l4proto tcp tcp dport 21 ct helper set "ftp" comment "!fw4: FTP"',
    '\t}',
    '}',
  ].join('\n');

  it('removes flowtable blocks and flow statements only when flowtables are missing', () => {
    const { text, removed } = stripUnsupported(ruleset, { flowtables: true, rtspHelper: false });
    expect(removed).toBe(2);
    expect(text).not.toContain('flow');
    expect(text).toContain('ct helper set "rtsp"');
  });

  it('removes the rtsp helper object and the rules that set it, nothing else', () => {
    const { text, removed } = stripUnsupported(ruleset, { flowtables: false, rtspHelper: true });
    expect(removed).toBe(2);
    expect(text).not.toContain('rtsp');
    expect(text).toContain('\tct helper ftp {\n\t\ttype "ftp" protocol tcp;\n\t}');
    expect(text).toContain('flow offload @ft');
  });
});
