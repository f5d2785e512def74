// The translator: UCI packages + system view → ruleset IR (in fw4's processing order, with its
// warnings) → nft text.
import { sectionRefs } from '../uci/section-refs.js';
import type { UciPackage, UciSection } from '../uci/types.js';
import { compileForwarding } from './compile/forwarding.js';
import { compileNat } from './compile/nat.js';
import { compileRedirect } from './compile/redirect.js';
import { compileRule } from './compile/rule.js';
import type { LoopbackSplit, Ruleset, RuleSpec, SetEntries } from './compile/types.js';
import { DiagnosticSink, type Diagnostic, type SectionRef } from './load/diagnostics.js';
import type { Defaults, Include, Ipset, Zone } from './load/model.js';
import type { ParseContext, SectionInput } from './load/options.js';
import { Fw4RuntimeError, loadDefaults, loadHelper, loadInclude, loadIpset, parseSetEntry } from './load/sections.js';
import { readKernelVersion, readUbus } from './load/system.js';
import { loadZone } from './load/zone.js';
import { resolveFlowtable } from './offload/devices.js';
import { offloadOptions } from './offload/report/option.js';
import { ucNumber } from './options/number.js';
import { renderRuleset } from './render/ruleset.js';
import type { SystemView } from './snapshot/types.js';

export interface FirewallInput {
  /** The `firewall` package. */
  firewall: UciPackage;
  /** The conntrack helper table (fw4's /usr/share/firewall4/helpers); none when absent. */
  helpers?: UciPackage;
  system: SystemView;
}

export interface CompiledFirewall {
  ruleset: Ruleset;
  /** The defaults section as loaded (what offloading was asked for, among others). */
  defaults: Defaults;
  /** The defaults section that was used, when the config has one. */
  defaultsOrigin?: SectionRef;
  /** Warnings in the order fw4 prints them. */
  diagnostics: Diagnostic[];
}

function toInput(pkg: UciPackage, section: UciSection, id: string | null): SectionInput {
  const name = section.options.get('name');
  // label undefined rather than absent: one object shape for every section (a conditional
  // spread took V8's slow path for each named section)
  const ref: SectionRef = {
    package: pkg.name, type: section.type, id, index: section.index,
    label: typeof name === 'string' && name !== '' ? name : undefined,
  };
  return { ref, values: section.options };
}

function isLoopbackAddr(addr: string): boolean {
  return addr.startsWith('127.') || addr === '::1' || addr === '::1/128';
}

function loopbackSplits(zones: readonly Zone[], view: SystemView): Map<string, LoopbackSplit[]> {
  const flags = new Map<string, boolean>();
  const isLoopbackDev = (dev: string) => {
    let v = flags.get(dev);
    if (v === undefined) {
      const n = ucNumber(view.readFile(`/sys/class/net/${dev}/flags`) ?? '');
      v = !Number.isNaN(n) && (n & 0x8) !== 0;
      flags.set(dev, v);
    }
    return v;
  };
  const pick = <T>(list: T[] | undefined, keep: (x: T) => boolean) => {
    const sel = (list ?? []).filter(keep);
    return sel.length ? sel : undefined;
  };
  const out = new Map<string, LoopbackSplit[]>();
  for (const z of zones) {
    if (!z.dflags.has('helper') && !z.dflags.has('notrack')) continue;
    out.set(z.name, z.matchRules.map((m) => ({
      ingressDevices: pick(m.devicesPos, (d) => !isLoopbackDev(d)),
      ingressSubnets: pick(m.subnetsPos, (a) => !isLoopbackAddr(a)),
      localDevices: pick(m.devicesPos, isLoopbackDev),
      localSubnets: pick(m.subnetsPos, isLoopbackAddr),
    })));
  }
  return out;
}

const NFT_FLOWTABLES = '/usr/sbin/nft --terse --json list flowtables inet';

function hasFlowtable(view: SystemView, sink: DiagnosticSink): boolean {
  const text = view.commandOutput(NFT_FLOWTABLES);
  // fw4 on a router always has nft to ask; a snapshot without its answer (one written by hand, an
  // empty one) means no flowtable loaded, not fw4's popen failure message (issue 16)
  if (text === null) return false;
  let items: unknown;
  try {
    items = (JSON.parse(text) as { nftables?: unknown })?.nftables;
  } catch (e) {
    sink.raw(`Unable to parse nftables JSON output: ${(e as Error).message}\n`);
    return false;
  }
  if (!Array.isArray(items)) return false;
  return items.some((item) => {
    const ft = (item as { flowtable?: { table?: string; name?: string } } | null)?.flowtable;
    return ft?.table === 'fw4' && ft.name === 'ft';
  });
}

function setEntries(set: Ipset, ctx: ParseContext, view: SystemView, sink: DiagnosticSink): SetEntries {
  const entries = set.entries.map((e) => e.map(String));
  if (set.loadfile) {
    const text = view.readFile(set.loadfile);
    if (!text) {
      sink.raw(`Unable to load file '${set.loadfile}' for set '${set.name}': Unspecified error\n`);
    } else {
      for (const rawLine of text.split('\n')) {
        const line = rawLine.trim();
        if (!line.length || line.startsWith('#')) continue;
        const v = parseSetEntry(line, set, ctx, sink);
        if (v) entries.push(v);
        else sink.plain(`Skipping invalid entry '${line}' in file '${set.loadfile}' for set '${set.name}'`);
      }
    }
  }
  return { set, entries };
}

/**
 * Loads and compiles the firewall config exactly as `fw4 print` does, without rendering. Where fw4
 * itself crashes it throws Fw4RuntimeError, carrying the warnings fw4 printed before.
 */
export function compileFirewall(input: FirewallInput): CompiledFirewall {
  const sink = new DiagnosticSink();
  try {
    return compileInto(input, sink);
  } catch (e) {
    if (e instanceof Fw4RuntimeError) e.diagnostics = sink.list;
    throw e;
  }
}

function compileInto(input: FirewallInput, sink: DiagnosticSink): CompiledFirewall {
  const { firewall, system: view } = input;
  const ubus = readUbus(view);
  const kernel = readKernelVersion(view);
  const ctx: ParseContext = { networks: ubus.networks, zones: [], helpers: [] };
  const ids = sectionRefs(firewall.sections);
  const byType = new Map<string, SectionInput[]>();
  const sectionId = new Map<SectionInput, string>();
  firewall.sections.forEach((s, i) => {
    const inp = toInput(firewall, s, ids[i]!);
    sectionId.set(inp, ids[i]!);
    const list = byType.get(s.type);
    if (list) list.push(inp);
    else byType.set(s.type, [inp]);
  });
  const sections = (type: string) => byType.get(type) ?? [];
  const ubusObjects = (type: string) => ubus.objects.filter((o) => o.values.get('type') === type);

  for (const s of input.helpers?.sections ?? []) {
    if (s.type !== 'helper') continue;
    // fw4 looks helper sections up in the firewall package, where they do not exist: `(null)`
    const helper = loadHelper(toInput(input.helpers!, s, null), s.name, ctx, view, sink);
    if (helper) ctx.helpers.push(helper);
  }

  const defaultsSections = sections('defaults');
  ctx.defaults = loadDefaults(defaultsSections[0], ctx, sink);
  for (const dup of defaultsSections.slice(1)) sink.warn(dup.ref, ': ignoring duplicate defaults section');
  const defaults = ctx.defaults;

  const ipsets: Ipset[] = [];
  for (const s of [...ubusObjects('ipset'), ...sections('ipset')]) {
    const set = loadIpset(s, ctx, kernel, sink);
    if (set) ipsets.push(set);
  }

  const rules: RuleSpec[] = [];
  for (const s of sections('zone')) {
    const res = loadZone(s, ctx, kernel, sink);
    if (!res) continue;
    ctx.zones.push(res.zone);
    rules.push(...res.helperRules);
  }
  const idOf = (s: SectionInput) => sectionId.get(s) ?? 'null';
  for (const s of [...ubusObjects('rule'), ...sections('rule')]) rules.push(...compileRule(s, idOf(s), ctx, ipsets, sink));
  for (const s of sections('forwarding')) rules.push(...compileForwarding(s, ctx, sink));
  const redirects: RuleSpec[] = [];
  for (const s of [...ubusObjects('redirect'), ...sections('redirect')]) {
    redirects.push(...compileRedirect(s, idOf(s), ctx, ipsets, sink));
  }
  for (const s of [...ubusObjects('nat'), ...sections('nat')]) redirects.push(...compileNat(s, idOf(s), ctx, sink));

  const includes: Include[] = [];
  for (const s of sections('include')) {
    const inc = loadInclude(s, ctx, view, sink);
    if (inc) includes.push(inc);
  }
  if (defaults.autoIncludes) {
    for (const position of ['ruleset-pre', 'ruleset-post', 'table-pre', 'table-post', 'chain-pre', 'chain-post']) {
      const chains = position.startsWith('chain-') ? view.listDir(`/usr/share/nftables.d/${position}`) : [null];
      for (const chain of chains) {
        for (const path of view.glob(`/usr/share/nftables.d/${position}${chain ? `/${chain}` : ''}/*.nft`)) {
          if (!view.access(path)) continue;
          const values = new Map<string, string>([['type', 'nftables'], ['position', position], ['path', path]]);
          if (chain) values.set('chain', chain);
          const ref: SectionRef = { package: 'ubus', type: 'include', id: null, index: -1 };
          const inc = loadInclude({ ref, values }, ctx, view, sink, true);
          if (inc) includes.push(inc);
        }
      }
    }
  }

  // the template resolves offloading first, then asks nft about an existing flowtable
  const flowtable = resolveFlowtable(defaults, ctx.zones, view, sink);
  const deleteFlowtable = hasFlowtable(view, sink);
  const helpers = ctx.helpers.filter((h) => h.available).flatMap((h) => h.proto.map((p) => ({ name: h.name, proto: String(p.name) })));
  const sets = ipsets.map((s) => setEntries(s, ctx, view, sink));

  const ruleset: Ruleset = {
    deleteFlowtable,
    ...(flowtable ? { flowtable } : {}),
    helpers,
    sets,
    zones: ctx.zones,
    loopback: loopbackSplits(ctx.zones, view),
    defaults: {
      input: defaults.input,
      output: defaults.output,
      forward: defaults.forward,
      dropInvalid: defaults.dropInvalid,
      tcpRejectCode: defaults.tcpRejectCode,
      anyRejectCode: defaults.anyRejectCode,
      ...(defaults.synfloodProtect && defaults.synfloodRate
        ? { synflood: { rate: defaults.synfloodRate, ...(defaults.synfloodBurst !== undefined ? { burst: defaults.synfloodBurst } : {}) } }
        : {}),
    },
    rules,
    redirects,
    includes,
    ...offloadOptions(firewall),
  };
  return { ruleset, diagnostics: sink.list, defaults, ...(defaultsSections[0] ? { defaultsOrigin: defaultsSections[0].ref } : {}) };
}

export interface Translation extends CompiledFirewall {
  /** The ruleset text `fw4 print` writes to stdout. */
  text: string;
}

/** compileFirewall + renderRuleset. */
export function translateFirewall(input: FirewallInput): Translation {
  const compiled = compileFirewall(input);
  return { ...compiled, text: renderRuleset(compiled.ruleset) };
}
