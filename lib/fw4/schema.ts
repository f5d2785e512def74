// The option tables of every section type, read from schemas/firewall/*.json: the loader and
// `fw4 check` share this one source.
import defaults from '../../schemas/firewall/defaults.json' with { type: 'json' };
import forwarding from '../../schemas/firewall/forwarding.json' with { type: 'json' };
import helper from '../../schemas/firewall/helper.json' with { type: 'json' };
import include from '../../schemas/firewall/include.json' with { type: 'json' };
import ipset from '../../schemas/firewall/ipset.json' with { type: 'json' };
import nat from '../../schemas/firewall/nat.json' with { type: 'json' };
import redirect from '../../schemas/firewall/redirect.json' with { type: 'json' };
import rule from '../../schemas/firewall/rule.json' with { type: 'json' };
import zone from '../../schemas/firewall/zone.json' with { type: 'json' };

export type Datatype =
  | 'string' | 'bool' | 'int' | 'policy' | 'family' | 'identifier' | 'zone_ref' | 'device' | 'direction'
  | 'setmatch' | 'cthelper' | 'protocol' | 'mac' | 'port' | 'network' | 'icmptype' | 'limit' | 'date'
  | 'time' | 'weekdays' | 'monthdays' | 'mark' | 'dscp' | 'target' | 'reject_code' | 'reflection_source'
  | 'ipsettype' | 'includetype' | 'includeposition';

/** A default computed at load time instead of a fixed string. */
export type DynamicDefault = 'defaults.input' | 'defaults.output' | 'defaults.forward' | 'section-id' | 'include-compatible';

export interface OptionSpec {
  name: string;
  datatype: Datatype;
  /** A UCI list is accepted and a plain value is split on blanks. */
  list: boolean;
  /** Parser results that are lists (`tcpudp`) are spliced in. */
  flatten: boolean;
  noInvert: boolean;
  unsupported: boolean;
  deprecated: boolean;
  required: boolean;
  /** uci-fw4's own option, not fw4's (fw4 would call it unknown). */
  extension: boolean;
  default?: string;
  defaultFrom?: DynamicDefault;
}

export type SectionType = 'helper' | 'defaults' | 'zone' | 'forwarding' | 'rule' | 'redirect' | 'nat' | 'include' | 'ipset';

interface PropertySchema {
  'x-fw4-datatype': string;
  'x-fw4-list'?: boolean;
  'x-fw4-flatten'?: boolean;
  'x-fw4-no-invert'?: boolean;
  'x-fw4-unsupported'?: boolean;
  'x-fw4-default-from'?: string;
  'x-uci-fw4-extension'?: boolean;
  deprecated?: boolean;
  default?: string;
}

export interface SectionSchema {
  $id: string;
  title: string;
  properties: Record<string, PropertySchema>;
  required?: string[];
}

export const SECTION_SCHEMAS: Readonly<Record<SectionType, SectionSchema>> = {
  helper, defaults, zone, forwarding, rule, redirect, nat, include, ipset,
} as Record<SectionType, SectionSchema>;

function toSpecs(schema: SectionSchema): OptionSpec[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, p]) => ({
    name,
    datatype: p['x-fw4-datatype'] as Datatype,
    list: p['x-fw4-list'] === true,
    flatten: p['x-fw4-flatten'] === true,
    noInvert: p['x-fw4-no-invert'] === true,
    unsupported: p['x-fw4-unsupported'] === true,
    deprecated: p.deprecated === true,
    required: required.has(name),
    extension: p['x-uci-fw4-extension'] === true,
    ...(p.default !== undefined ? { default: p.default } : {}),
    ...(p['x-fw4-default-from'] !== undefined ? { defaultFrom: p['x-fw4-default-from'] as DynamicDefault } : {}),
  }));
}

/** Option tables in fw4's order (the order decides which invalid option is reported first). */
export const OPTION_SPECS: Readonly<Record<SectionType, readonly OptionSpec[]>> = Object.fromEntries(
  Object.entries(SECTION_SCHEMAS).map(([type, schema]) => [type, toSpecs(schema)]),
) as Record<SectionType, OptionSpec[]>;
