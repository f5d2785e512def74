// `package.section.option=value` references (libuci util.c uci_parse_ptr) and section lookup
// by name or by `@type[index]` (list.c uci_lookup_ext_section).

import type { Document } from './document.js';
import { UciError } from './errors.js';
import { isValidName, isValidPackage, isValidText, isValidType } from './names.js';
import type { SectionNode } from './nodes.js';

export interface UciPath {
  package: string;
  section?: string;
  option?: string;
  value?: string;
  /** The section part is not a plain name (`@type[n]` or invalid). */
  extended: boolean;
}

/** uci_parse_ptr: the value is everything after the first `=`; failures are Parse errors. */
export function parsePath(str: string): UciPath {
  const fail = (): never => {
    throw new UciError('PARSE');
  };
  let value: string | undefined;
  const eq = str.indexOf('=');
  if (eq >= 0) {
    value = str.slice(eq + 1);
    str = str.slice(0, eq);
  }
  const parts = str.split('.');
  if (parts.length > 3) fail();
  const [pkg, section, option] = parts as [string, string | undefined, string | undefined];
  if (!isValidPackage(pkg)) fail();
  if (option !== undefined && !isValidName(option)) fail();
  if (value !== undefined && !isValidText(value)) fail();
  return { package: pkg, section, option, value, extended: section !== undefined && !isValidName(section) };
}

/** strtol(s, &end, 10) that must consume all of s; null when it does not. */
function parseIndex(s: string): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(s);
  if (!m) return s === '' ? 0 : null;
  const n = Number(m[2]);
  return m[1] === '-' ? -n : n;
}

/** `@type[n]` / `@[n]` split into type ('' for any) and n; INVALID_ARGUMENT when malformed (list.c uci_lookup_ext_section). */
export function parseExtSection(expr: string): { type: string; n: number } {
  const invalid = (): never => {
    throw new UciError('INVALID_ARGUMENT');
  };
  if (expr[0] !== '@') invalid();
  const open = expr.indexOf('[', 1);
  if (open < 0) invalid();
  const close = expr.indexOf(']', open + 1);
  if (close < 0 || close !== expr.length - 1) invalid();
  const n = parseIndex(expr.slice(open + 1, close));
  if (n === null) invalid();
  const type = expr.slice(1, open);
  if (type !== '' && !isValidType(type)) invalid();
  return { type, n: n! };
}

/** `@type[n]` / `@[n]`: the n-th section of that type (negative counts from the end). */
export function lookupExtSection(doc: Document, expr: string): SectionNode | undefined {
  const { type, n } = parseExtSection(expr);
  let idx = n;
  const matches = (s: SectionNode): boolean => type === '' || s.type === type;
  if (idx < 0) {
    let count = 0;
    for (const s of doc.sections) if (matches(s)) count++;
    idx += count;
  }
  let c = 0;
  for (const s of doc.sections) {
    if (!matches(s)) continue;
    if (c === idx) return s;
    c++;
  }
  return undefined;
}

/** A section by plain name (first match) or, when `extended` is allowed, by `@type[n]`. */
export function resolveSection(doc: Document, section: string, extended: boolean): SectionNode | undefined {
  if (isValidName(section)) return doc.findSection(section);
  if (!extended) throw new UciError('INVALID_ARGUMENT');
  return lookupExtSection(doc, section);
}
