// parse_helper, parse_defaults, parse_ipset and parse_include.
import { OPTION_SPECS } from '../schema.js';
import type { Family, Limit, PortRange, Protocol } from '../options/types.js';
import type { IpsetType } from '../options/types.js';
import type { Policy } from '../options/values.js';
import { parseMac, parsePort } from '../options/values.js';
import type { SystemView } from '../snapshot/types.js';
import type { Diagnostic, DiagnosticSink, SectionRef } from './diagnostics.js';
import type { Defaults, Helper, Include, Ipset } from './model.js';
import { parseEnabledSection, parseOptions, parseSubnet, UNSAFE_TEXT, type ParseContext, type SectionInput } from './options.js';

/** fw4 aborts with a ucode runtime error (exit 254, nothing on stdout) on these inputs. */
export class Fw4RuntimeError extends Error {
  readonly exitCode = 254;
  /** The warnings fw4 printed before it stopped, in order (set by the translator). */
  diagnostics: readonly Diagnostic[] = [];

  /** `section`: the section fw4 was reading when it stopped. */
  constructor(message: string, readonly section?: SectionRef) {
    super(message);
  }
}

export function loadHelper(input: SectionInput, fallbackName: string, ctx: ParseContext, view: SystemView, sink: DiagnosticSink): Helper | null {
  const o = parseOptions(input, OPTION_SPECS.helper, ctx, sink);
  const label = (input.values.get('name') as string | undefined) || fallbackName;
  if (!o) {
    sink.plain(`Helper definition '${label}' skipped due to invalid options`);
    return null;
  }
  // the name is printed bare in `ct helper NAME {`: anything but a plain name would change the ruleset
  if (!/^[A-Za-z0-9_.-]+$/.test(o.get('name') as string)) {
    sink.warn(input.ref, `option 'name' specifies invalid value '${o.get('name') as string}'`, 'name');
    sink.plain(`Helper definition '${label}' skipped due to invalid options`);
    return null;
  }
  const proto = o.get('proto') as Protocol[] | undefined;
  if (!proto) throw new Fw4RuntimeError('Reference error: left-hand side expression is null', input.ref);
  if (proto.length > 1) {
    sink.plain(`Helper definition '${label}' must not specify multiple protocols`);
    return null;
  }
  const module = o.get('module') as string | undefined;
  return {
    name: o.get('name') as string,
    ...(o.has('description') ? { description: o.get('description') as string } : {}),
    ...(module !== undefined ? { module } : {}),
    ...(o.has('family') ? { family: o.get('family') as Family } : {}),
    proto,
    ...(o.has('port') ? { port: o.get('port') as PortRange } : {}),
    available: view.stat(`/sys/module/${module ?? 'null'}`)?.type === 'directory',
  };
}

export function loadDefaults(input: SectionInput | undefined, ctx: ParseContext, sink: DiagnosticSink): Defaults {
  const o = input
    ? parseOptions(input, OPTION_SPECS.defaults, ctx, sink)
    : parseOptions({ ref: { package: 'firewall', type: 'defaults', id: null, index: -1 }, values: new Map() }, OPTION_SPECS.defaults, ctx, sink);
  if (!o) throw new Fw4RuntimeError('Reference error: left-hand side expression is not an array or object', input?.ref);
  const bool = (k: string) => o.get(k) === true;
  const synflood = o.has('synflood_protect') ? bool('synflood_protect') : bool('syn_flood');
  return {
    input: o.get('input') as Policy,
    output: o.get('output') as Policy,
    forward: o.get('forward') as Policy,
    dropInvalid: bool('drop_invalid'),
    tcpRejectCode: o.get('tcp_reject_code') as string,
    anyRejectCode: o.get('any_reject_code') as string,
    synfloodProtect: synflood,
    ...(o.has('synflood_rate') ? { synfloodRate: o.get('synflood_rate') as Limit } : {}),
    ...(o.has('synflood_burst') ? { synfloodBurst: o.get('synflood_burst') as number } : {}),
    autoHelper: o.get('auto_helper') !== false,
    flowOffloading: bool('flow_offloading'),
    flowOffloadingHw: bool('flow_offloading_hw'),
    autoIncludes: o.get('auto_includes') !== false,
  };
}

const SET_TYPES: Record<string, (family: Family) => string> = {
  ip: (f) => (f === 4 ? 'ipv4_addr' : 'ipv6_addr'),
  net: (f) => (f === 4 ? 'ipv4_addr' : 'ipv6_addr'),
  mac: () => 'ether_addr',
  port: () => 'inet_service',
};

/** parse_ipsetentry: one element's fields, or null when it does not fit the set's types. */
export function parseSetEntry(value: string, set: Ipset, ctx: ParseContext, sink: DiagnosticSink): string[] | null {
  const values = value.split(/[ \t]+/);
  if (values.length !== set.types.length) return null;
  const out: string[] = [];
  for (let i = 0; i < set.types.length; i++) {
    const t = set.types[i]!;
    const val = values[i]!;
    if (t === 'ipv4_addr' || t === 'ipv6_addr') {
      const fam = t === 'ipv4_addr' ? 4 : 6;
      const ips = (parseSubnet(val, ctx) ?? []).filter((a) => a.family === fam);
      if (!ips.length) return null;
      // fw4's IPv6 branch only warns for exactly two addresses (a `case 2:`)
      if (fam === 4 ? ips.length > 1 : ips.length === 2) {
        sink.plain(`Set entry '${val}' resolves to multiple addresses, using first one`);
      }
      out.push(set.fw4types.includes('net') ? `${ips[0]!.addr}/${ips[0]!.bits}` : ips[0]!.addr);
    } else if (t === 'ether_addr') {
      const mac = parseMac(val);
      if (!mac || mac.invert) return null;
      out.push(mac.mac);
    } else if (t === 'inet_service') {
      const port = parsePort(val);
      if (!port || port.invert || port.min !== port.max) return null;
      out.push(String(port.min));
    } else {
      out.push(val);
    }
  }
  return out.length ? out : null;
}

export function loadIpset(input: SectionInput, ctx: ParseContext, kernel: number, sink: DiagnosticSink): Ipset | null {
  const ref = input.ref;
  const o = parseEnabledSection(input, OPTION_SPECS.ipset, ctx, sink);
  if (!o) return null;
  const match = (o.get('match') as IpsetType[] | undefined) ?? [];
  if (!match.length) {
    sink.warn(ref, 'has no datatypes assigned');
    return null;
  }
  const family = o.get('family') as Family;
  const fw4types = match.map((m) => m[1]);
  if ((fw4types.includes('ip') || fw4types.includes('net')) && family === 0) {
    sink.warn(ref, "must not specify family 'any' when matching type 'ip' or 'net'");
    return null;
  }
  if (fw4types.includes('set')) {
    sink.warn(ref, "match type 'set' is not supported");
    return null;
  }
  let interval = false;
  if (fw4types.includes('net')) {
    if (kernel < 0x05060000) {
      sink.warn(ref, "match type 'net' requires kernel 5.6 or later");
      return null;
    }
    interval = true;
  }
  const timeout = o.get('timeout') as number;
  const flags: string[] = [];
  if (interval) flags.push('interval');
  if (timeout >= 0) flags.push('timeout');
  const set: Ipset = {
    origin: ref,
    name: o.get('name') as string,
    ...(o.has('comment') ? { comment: o.get('comment') as string } : {}),
    family,
    ...(o.has('maxelem') ? { maxelem: o.get('maxelem') as number } : {}),
    timeout,
    fw4types,
    types: fw4types.map((t) => SET_TYPES[t]!(family)),
    directions: match.map((m) => m[0]),
    interval,
    ...(flags.length ? { flags } : {}),
    entries: [],
    ...(o.has('loadfile') ? { loadfile: o.get('loadfile') as string } : {}),
  };
  for (const e of (o.get('entry') as string[] | undefined) ?? []) {
    const entry = parseSetEntry(e, set, ctx, sink);
    if (entry) set.entries.push(entry);
    else sink.warn(ref, `ignoring invalid ipset entry '${e}'`);
  }
  return set;
}

/** An include section; `automatic` ones come from /usr/share/nftables.d and have no section. */
export function loadInclude(input: SectionInput, ctx: ParseContext, view: SystemView, sink: DiagnosticSink, automatic = false): Include | null {
  const ref = input.ref;
  const path = input.values.get('path');
  const o = parseOptions(input, OPTION_SPECS.include, ctx, sink, (spec) =>
    spec.defaultFrom === 'include-compatible' ? (path !== '/etc/firewall.user' ? '1' : '0') : undefined);
  if (!o) throw new Fw4RuntimeError('Reference error: left-hand side expression is not an array or object', ref);
  if (!o.get('enabled')) {
    sink.warn(ref, 'is disabled, ignoring section');
    return null;
  }
  const type = o.get('type') as 'script' | 'nftables';
  if (type === 'script' && !o.get('fw4_compatible')) {
    sink.warn(ref, 'is not marked as compatible with fw4, ignoring section');
    sink.warn(ref, "requires 'option fw4_compatible 1' to be considered compatible");
    return null;
  }
  for (const opt of ['table', 'chain', 'position']) {
    if (type !== 'nftables' && o.get(opt)) {
      sink.warn(ref, `must not specify '${opt}' for non-nftables includes, ignoring section`, opt);
      return null;
    }
  }
  const position = (o.get('position') as string | undefined) ?? 'table-append';
  let chain = o.get('chain') as string | undefined;
  if (position.startsWith('chain-')) {
    if (!chain) {
      sink.warn(ref, `must specify 'chain' for position ${position}, ignoring section`);
      return null;
    }
  } else {
    if (chain) sink.warn(ref, `specifies 'chain' which has no effect for position ${position}`, 'chain');
    chain = undefined;
  }
  return resolveInclude({ ...(automatic ? {} : { origin: ref }), type, path: o.get('path') as string, position, ...(chain ? { chain } : {}) }, view, sink);
}

/** Resolves an include's path; null (with fw4's warning) when it is unreachable. */
export function resolveInclude(inc: Include, view: SystemView, sink: DiagnosticSink): Include | null {
  const path = view.readlink(inc.path) ?? inc.path;
  // the path is printed inside `include "..."` without escaping
  if (path.includes('"') || UNSAFE_TEXT.test(path)) {
    sink.warn(inc.origin, `option 'path' specifies invalid value '${path}'`, 'path');
    return null;
  }
  if (!view.access(path)) {
    sink.warn(inc.origin, `specifies unreachable path '${path}', ignoring section`, 'path');
    return null;
  }
  if (!inc.origin) sink.plain(`Automatically including '${path}'`);
  return { ...inc, path };
}
