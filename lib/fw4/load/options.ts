// fw4's generic option handling (parse_options): defaults, lists, negation, deprecated and
// unsupported options, unknown options, each with fw4's exact warning.
import type { OptionValue } from '../../uci/types.js';
import type { Datatype, OptionSpec } from '../schema.js';
import * as v from '../options/values.js';
import type { Address, NetworkMatch } from '../options/types.js';
import type { DiagnosticSink, SectionRef } from './diagnostics.js';
import type { Defaults, Helper, HelperRef, NetworkInfo, Zone, ZoneRef } from './model.js';

/** What value parsers may look up: interfaces, parsed zones and helpers. */
export interface ParseContext {
  networks: Map<string, NetworkInfo>;
  zones: Zone[];
  helpers: Helper[];
  defaults?: Defaults;
}

/** One section (or ubus object) to parse. */
export interface SectionInput {
  ref: SectionRef;
  values: Map<string, OptionValue>;
}

type Parser = (value: string, ctx: ParseContext) => unknown;

/** parse_subnet: an address literal, or a logical interface's addresses. */
export function parseSubnet(value: string, ctx: ParseContext): Address[] | null {
  const literal = v.parseSubnetLiteral(value);
  if (literal) return [literal];
  if (literal === null) return null;
  const net = ctx.networks.get(value);
  return net ? [...(net.ipaddrs ?? [])] : null;
}

function parseNetwork(value: string, ctx: ParseContext): NetworkMatch | null {
  const rv = v.parseInvert(value);
  if (!rv) return null;
  const nets = parseSubnet(rv.val, ctx);
  if (nets === null) return null;
  return nets.length ? { invert: rv.invert, addrs: nets } : { invert: rv.invert };
}

function parseZoneRef(value: string, ctx: ParseContext): ZoneRef | null {
  if (value === '*') return { any: true };
  const zone = ctx.zones.find((z) => z.name === value);
  return zone ? { any: false, zone } : null;
}

function parseCtHelper(value: string, ctx: ParseContext): HelperRef | null {
  const rv = v.parseInvert(value);
  if (!rv) return null;
  const helper = ctx.helpers.find((h) => h.name === rv.val);
  return helper ? { ...helper, invert: rv.invert } : null;
}

const PARSERS: Record<Datatype, Parser> = {
  string: (x) => x,
  bool: v.parseBool,
  int: v.parseInt_,
  policy: (x) => v.parseEnum(x, v.POLICIES),
  family: v.parseFamily,
  identifier: v.parseIdentifier,
  zone_ref: parseZoneRef,
  device: v.parseDevice,
  direction: v.parseDirection,
  setmatch: v.parseSetMatch,
  cthelper: parseCtHelper,
  protocol: v.parseProtocol,
  mac: v.parseMac,
  port: v.parsePort,
  network: parseNetwork,
  icmptype: v.parseIcmpType,
  limit: v.parseLimit,
  date: v.parseDate,
  time: v.parseTime,
  weekdays: v.parseWeekdays,
  monthdays: v.parseMonthdays,
  mark: v.parseMark,
  dscp: v.parseDscp,
  // the target table lists accept/reject/drop twice; the first match wins anyway
  target: (x) => v.parseEnum(x, v.TARGETS),
  reject_code: (x) => v.parseEnum(x, v.REJECT_CODES),
  reflection_source: (x) => v.parseEnum(x, v.REFLECTION_SOURCES),
  ipsettype: v.parseIpsetType,
  includetype: (x) => v.parseEnum(x, v.INCLUDE_TYPES),
  includeposition: v.parseIncludePosition,
};

/**
 * Control characters would end a quoted nft string or statement; fw4 lets them through, so here
 * they make the value invalid (a deliberate difference: such a value cannot be rendered safely).
 */
export const UNSAFE_TEXT = /[\x00-\x08\x0a-\x1f\x7f]/;

/** Parses one value with a datatype's parser; null when fw4 would call it invalid. */
export function parseValue(datatype: Datatype, value: string, ctx: ParseContext): unknown {
  if (UNSAFE_TEXT.test(value)) return null;
  return PARSERS[datatype](value, ctx);
}

function toArray(value: OptionValue): string[] {
  return Array.isArray(value) ? value : v.splitWords(value);
}

function isInverted(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && (x as { invert?: boolean }).invert === true;
}

// Defaults of these datatypes parse to plain values, the same for every section: parse them once.
const PRIMITIVE: ReadonlySet<Datatype> = new Set<Datatype>(['bool', 'int', 'policy', 'family', 'string', 'target', 'reject_code', 'reflection_source', 'includetype']);
const DEFAULTS = new WeakMap<OptionSpec, unknown>();

function staticDefault(spec: OptionSpec, ctx: ParseContext): unknown {
  if (!DEFAULTS.has(spec)) DEFAULTS.set(spec, parseValue(spec.datatype, spec.default!, ctx));
  return DEFAULTS.get(spec);
}

const KNOWN = new WeakMap<readonly OptionSpec[], Set<string>>();

function knownOptions(specs: readonly OptionSpec[]): Set<string> {
  let known = KNOWN.get(specs);
  if (!known) KNOWN.set(specs, (known = new Set(specs.map((s) => s.name))));
  return known;
}

/** Parsed options by name; null when fw4 rejects the section (parse_options returned false). */
export type ParsedOptions = Map<string, unknown>;

export function parseOptions(
  input: SectionInput,
  specs: readonly OptionSpec[],
  ctx: ParseContext,
  sink: DiagnosticSink,
  dynamicDefault: (spec: OptionSpec) => string | undefined = () => undefined,
): ParsedOptions | null {
  const out: ParsedOptions = new Map();
  const { ref, values } = input;
  // options of the section that are in the table: when that is all of them, none is unknown
  let known = 0;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    let raw = values.get(spec.name);
    let result: unknown;
    if (raw !== undefined) known++;
    else {
      // most options are absent and have no default: nothing to parse or record
      if (!spec.required && spec.default === undefined && spec.defaultFrom === undefined) continue;
      if (spec.required) {
        sink.warn(ref, `option '${spec.name}' is mandatory but not set`, spec.name);
        return null;
      }
      raw = spec.default ?? dynamicDefault(spec);
    }
    if (raw !== undefined && raw === spec.default && !spec.list && PRIMITIVE.has(spec.datatype)) {
      result = staticDefault(spec, ctx);
    } else if (spec.list) {
      const items: unknown[] = [];
      const list = raw === undefined ? [] : toArray(raw);
      for (let j = 0; j < list.length; j++) {
        const item = list[j]!;
        const res = parseValue(spec.datatype, item, ctx);
        if (res === null) {
          sink.warn(ref, `option '${spec.name}' specifies invalid value '${item}'`, spec.name);
          return null;
        }
        if (spec.flatten && Array.isArray(res)) items.push(...res);
        else items.push(res);
      }
      result = items.length ? items : null;
    } else if (Array.isArray(raw)) {
      sink.warn(ref, `option '${spec.name}' must not be a list`, spec.name);
      return null;
    } else if (raw === undefined) {
      result = null;
    } else {
      result = parseValue(spec.datatype, raw, ctx);
      if (result === null) {
        sink.warn(ref, `option '${spec.name}' specifies invalid value '${raw}'`, spec.name);
        return null;
      }
    }
    if (spec.noInvert && isInverted(result)) {
      sink.warn(ref, `option '${spec.name}' must not be negated`, spec.name);
      return null;
    }
    if (result === null) continue;
    if (spec.deprecated) sink.warn(ref, `option '${spec.name}' is deprecated by fw4`, spec.name);
    else if (spec.unsupported) sink.warn(ref, `option '${spec.name}' is not supported by fw4`, spec.name);
    else out.set(spec.name, result);
  }
  if (known === values.size) return out;
  const names = knownOptions(specs);
  for (const key of values.keys()) {
    if (!key.startsWith('.') && key !== 'type' && !names.has(key)) {
      sink.warn(ref, `specifies unknown option '${key}'`, key);
    }
  }
  return out;
}

/**
 * Options of an enableable section (zone, forwarding, rule, redirect, nat, ipset): null, with
 * fw4's warning, when it is invalid or disabled.
 */
export function parseEnabledSection(
  input: SectionInput,
  specs: readonly OptionSpec[],
  ctx: ParseContext,
  sink: DiagnosticSink,
  dynamicDefault?: (spec: OptionSpec) => string | undefined,
): ParsedOptions | null {
  const o = parseOptions(input, specs, ctx, sink, dynamicDefault);
  if (!o) {
    sink.warn(input.ref, 'skipped due to invalid options');
    return null;
  }
  if (!o.get('enabled')) {
    sink.warn(input.ref, 'is disabled, ignoring section');
    return null;
  }
  return o;
}
