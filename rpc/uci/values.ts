// How rpcd's uci object turns packages into JSON and JSON into option values (uci.c):
// section dumps with their dot-keys, type/match filters, blobmsg value formatting and the names
// it accepts (its change records: lib/ubus changeRecord).
import type { OptionValue, UciPackage, UciSection } from '../../lib/uci/types.js';
import type { Json, JsonObject } from '../json.js';

/** rpc_uci_format_blob: strings as they are, integers as C's %u prints them, booleans as 0/1; anything else is refused. */
export function formatValue(v: Json): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' && Number.isInteger(v)) {
    // blobmsg keeps an integer in 32 bits when it fits and prints it unsigned: -1 becomes 4294967295
    if (v >= -0x80000000 && v <= 0x7fffffff) return String(v >>> 0);
    return BigInt.asUintN(64, BigInt(v)).toString();
  }
  return null;
}

const alnumUnderscore = /^[A-Za-z0-9_]+$/;
const typeChars = /^[A-Za-z0-9_-]+$/;

/** rpc_uci_verify_name: option and section names. */
export const isRpcName = (s: string): boolean => alnumUnderscore.test(s);
/** rpc_uci_verify_type: section types. */
export const isRpcType = (s: string): boolean => typeChars.test(s);
/** rpc_uci_verify_section: a name, or `@type[index]`. */
export function isRpcSection(s: string): boolean {
  if (!s.startsWith('@')) return isRpcName(s);
  return /^@[A-Za-z0-9_-]*\[[ \t\n\v\f\r]*[+-]?\d+\]$/.test(s);
}

/** libuci's extended lookup `@type[n]` (negative n counts from the end); undefined when none. */
export function resolveSection(pkg: UciPackage, ref: string): UciSection | undefined {
  if (!ref.startsWith('@')) return pkg.sections.find((s) => s.name === ref);
  const m = /^@([^[]*)\[\s*([+-]?\d+)\]$/.exec(ref);
  if (!m) return undefined;
  const type = m[1] || undefined;
  const candidates = type ? pkg.sections.filter((s) => s.type === type) : pkg.sections;
  let idx = Number(m[2]);
  if (idx < 0) idx += candidates.length;
  return candidates[idx];
}

/** rpc_uci_match_option: a list matches by element, a string by its space/tab separated words. */
function optionMatches(value: OptionValue, wanted: string): boolean {
  if (Array.isArray(value)) return value.includes(wanted);
  return value.split(/[ \t]+/).includes(wanted);
}

/**
 * rpc_uci_match_section: the type must be equal; of the match keys the section has, all must
 * match and at least one must be present, unless no key is usable at all.
 */
export function sectionMatches(s: UciSection, type: string | undefined, match: JsonObject | undefined): boolean {
  if (type !== undefined && s.type !== type) return false;
  if (match === undefined) return true;
  let empty = true;
  let matched = false;
  for (const [key, raw] of Object.entries(match)) {
    const wanted = formatValue(raw);
    if (wanted === null) continue;
    const value = s.options.get(key);
    if (value !== undefined) {
      if (!optionMatches(value, wanted)) return false;
      matched = true;
    }
    empty = false;
  }
  return empty || matched;
}

export function dumpValue(v: OptionValue): Json {
  return Array.isArray(v) ? [...v] : v;
}

/** rpc_uci_dump_section; index is omitted for a single section's dump. */
export function dumpSection(s: UciSection, index?: number): JsonObject {
  const out: JsonObject = { '.anonymous': s.anonymous, '.type': s.type, '.name': s.name };
  if (index !== undefined) out['.index'] = index;
  for (const [name, value] of s.options) out[name] = dumpValue(value);
  return out;
}

export function dumpPackage(pkg: UciPackage, type?: string, match?: JsonObject): JsonObject {
  const out: JsonObject = {};
  pkg.sections.forEach((s, i) => {
    if (sectionMatches(s, type, match)) out[s.name] = dumpSection(s, i);
  });
  return out;
}
