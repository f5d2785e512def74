// `uci show`, `uci get` and `uci changes` formatting (cli.c uci_show_*), byte for byte.

import { sectionRefs } from './section-refs.js';
import type { OptionValue, UciChange, UciPackage, UciSection } from './types.js';

/** `'…'` with every `'` as `'\''` (cli.c uci_print_value). */
export function quote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/**
 * A staged change as one line of `uci changes` (cli.c uci_show_changes), without the newline:
 * add, rename and reorder print like a set, a list-index delete without its index.
 */
export function formatChange(c: UciChange): string {
  const option = 'option' in c ? c.option : undefined;
  const path = `${c.package}.${c.section}${option !== undefined ? `.${option}` : ''}`;
  switch (c.op) {
    case 'delete': return `-${path}`;
    case 'list-add': return `${path}+=${quote(c.value)}`;
    case 'list-del': return `${path}-=${quote(c.value)}`;
    default: return `${path}=${quote(c.value)}`;
  }
}

export interface ShowOptions {
  /** Name anonymous sections `@type[n]` in package listings (default true; `-X` turns it off). */
  extended?: boolean;
  /** Separator of list items (`-d`, default one space). */
  delimiter?: string;
}

/** A value as `show` prints it: quoted; list items joined by the delimiter. */
export function showValue(value: OptionValue, delimiter = ' '): string {
  if (typeof value === 'string') return quote(value);
  return value.map(quote).join(delimiter);
}

/** A value as `get` prints it: raw; list items quoted only when they hold whitespace. */
export function getValue(value: OptionValue, delimiter = ' '): string {
  if (typeof value === 'string') return value;
  return value.map((v) => (/[ \t\r\n]/.test(v) ? quote(v) : v)).join(delimiter);
}

export function showSectionLines(
  pkg: string,
  ref: string,
  s: { type: string; options: Iterable<readonly [string, OptionValue]> },
  delimiter = ' ',
): string {
  let out = `${pkg}.${ref}=${s.type}\n`;
  for (const [name, value] of s.options) out += `${pkg}.${ref}.${name}=${showValue(value, delimiter)}\n`;
  return out;
}

/**
 * `uci show` output for a package, or for one section or option when `path` is
 * `section[.option]` (names or `@type[n]`; those print the real section name, as libuci does).
 * Returns '' when the path does not resolve.
 */
export function showText(pkg: UciPackage, path?: string, opts: ShowOptions = {}): string {
  const delimiter = opts.delimiter ?? ' ';
  if (path === undefined) {
    const refs = opts.extended !== false ? sectionRefs(pkg.sections) : pkg.sections.map((s) => s.name);
    return pkg.sections.map((s, i) => showSectionLines(pkg.name, refs[i]!, s, delimiter)).join('');
  }
  const dot = path.indexOf('.');
  const secRef = dot < 0 ? path : path.slice(0, dot);
  const option = dot < 0 ? undefined : path.slice(dot + 1);
  const s = findPlainSection(pkg, secRef);
  if (!s) return '';
  if (option === undefined) return showSectionLines(pkg.name, s.name, s, delimiter);
  const value = s.options.get(option);
  return value === undefined ? '' : `${pkg.name}.${s.name}.${option}=${showValue(value, delimiter)}\n`;
}

function findPlainSection(pkg: UciPackage, ref: string): UciSection | undefined {
  const m = /^@([^[]*)\[(-?\d*)\]$/.exec(ref);
  if (!m) return pkg.sections.find((s) => s.name === ref);
  const of = pkg.sections.filter((s) => m[1] === '' || s.type === m[1]);
  let i = m[2] === '' ? 0 : Number(m[2]);
  if (i < 0) i += of.length;
  return of[i];
}
