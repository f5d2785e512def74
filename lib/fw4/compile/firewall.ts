// The pipeline up to the IR: UCI packages + system view → loaded sections → ruleset IR, in fw4's
// processing order (helpers, defaults, sets, zones, rules, forwardings, redirects, nats,
// includes), so that warnings come out in fw4's order.
import { sectionRefs } from '../../uci/section-refs.js';
import type { UciPackage, UciSection } from '../../uci/types.js';
import { DiagnosticSink, type Diagnostic, type SectionRef } from '../load/diagnostics.js';
import type { Defaults, Include, Ipset } from '../load/model.js';
import type { ParseContext, SectionInput } from '../load/options.js';
import { Fw4RuntimeError, loadDefaults, loadHelper, loadInclude, loadIpset, parseSetEntry } from '../load/sections.js';
import { readKernelVersion, readUbus } from '../load/system.js';
import { loadZone } from '../load/zone.js';
import type { SystemView } from '../snapshot/types.js';
import { hasFlowtable, resolveFlowtable } from './flowtable.js';
import { compileForwarding } from './forwarding.js';
import { compileNat } from './nat.js';
import { offloadOptions } from './offload.js';
import { compileRedirect } from './redirect.js';
import { compileRule } from './rule.js';
import type { Ruleset, RuleSpec, SetEntries } from './types.js';
import { compileZoneHelpers, loopbackSplits } from './zone.js';

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

const AUTO_INCLUDE_POSITIONS = ['ruleset-pre', 'ruleset-post', 'table-pre', 'table-post', 'chain-pre', 'chain-post'];

/** The include sections, then (unless `auto_includes` is off) the files in /usr/share/nftables.d. */
function includes(sections: readonly SectionInput[], defaults: Defaults, ctx: ParseContext, view: SystemView, sink: DiagnosticSink): Include[] {
  const out: Include[] = [];
  for (const s of sections) {
    const inc = loadInclude(s, ctx, view, sink);
    if (inc) out.push(inc);
  }
  if (!defaults.autoIncludes) return out;
  for (const position of AUTO_INCLUDE_POSITIONS) {
    const chains = position.startsWith('chain-') ? view.listDir(`/usr/share/nftables.d/${position}`) : [null];
    for (const chain of chains) {
      for (const path of view.glob(`/usr/share/nftables.d/${position}${chain ? `/${chain}` : ''}/*.nft`)) {
        if (!view.access(path)) continue;
        const values = new Map<string, string>([['type', 'nftables'], ['position', position], ['path', path]]);
        if (chain) values.set('chain', chain);
        const ref: SectionRef = { package: 'ubus', type: 'include', id: null, index: -1 };
        const inc = loadInclude({ ref, values }, ctx, view, sink, true);
        if (inc) out.push(inc);
      }
    }
  }
  return out;
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
  const ubus = readUbus(view, sink);
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
  const idOf = (s: SectionInput) => sectionId.get(s) ?? 'null';

  for (const s of input.helpers?.sections ?? []) {
    if (s.type !== 'helper') continue;
    // fw4 looks helper sections up in the firewall package, where they do not exist: `(null)`
    const helper = loadHelper(toInput(input.helpers!, s, null), s.name, ctx, view, sink);
    if (helper) ctx.helpers.push(helper);
  }

  const defaultsSections = sections('defaults');
  const defaults = loadDefaults(defaultsSections[0], ctx, sink);
  ctx.defaults = defaults;
  for (const dup of defaultsSections.slice(1)) sink.warn(dup.ref, ': ignoring duplicate defaults section');

  const ipsets: Ipset[] = [];
  for (const s of [...ubusObjects('ipset'), ...sections('ipset')]) {
    const set = loadIpset(s, ctx, kernel, sink);
    if (set) ipsets.push(set);
  }

  const rules: RuleSpec[] = [];
  for (const s of sections('zone')) {
    const zone = loadZone(s, ctx, kernel, sink);
    if (!zone) continue;
    ctx.zones.push(zone);
    rules.push(...compileZoneHelpers(zone, ctx.helpers));
  }
  for (const s of [...ubusObjects('rule'), ...sections('rule')]) rules.push(...compileRule(s, idOf(s), ctx, ipsets, sink));
  for (const s of sections('forwarding')) rules.push(...compileForwarding(s, ctx, sink));
  const redirects: RuleSpec[] = [];
  for (const s of [...ubusObjects('redirect'), ...sections('redirect')]) {
    redirects.push(...compileRedirect(s, idOf(s), ctx, ipsets, sink));
  }
  for (const s of [...ubusObjects('nat'), ...sections('nat')]) redirects.push(...compileNat(s, idOf(s), ctx, sink));
  const includeList = includes(sections('include'), defaults, ctx, view, sink);

  // the template resolves offloading first, then asks nft about an existing flowtable
  const flowtable = resolveFlowtable(defaults, ctx.zones, view, sink);
  const ruleset: Ruleset = {
    deleteFlowtable: hasFlowtable(view, sink),
    ...(flowtable ? { flowtable } : {}),
    helpers: ctx.helpers.filter((h) => h.available).flatMap((h) => h.proto.map((p) => ({ name: h.name, proto: String(p.name) }))),
    sets: ipsets.map((s) => setEntries(s, ctx, view, sink)),
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
    includes: includeList,
    ...offloadOptions(firewall),
  };
  return { ruleset, diagnostics: sink.list, defaults, ...(defaultsSections[0] ? { defaultsOrigin: defaultsSections[0].ref } : {}) };
}
