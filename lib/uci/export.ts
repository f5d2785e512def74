// libuci's canonical text (file.c uci_export_package): what `uci export` prints and what a
// commit writes (the same without the `package` line).

import type { Document } from './document.js';
import type { OptionValue, UciPackage } from './types.js';

/** libuci's uci_escape: every `'` becomes `'\''`, nothing else changes. */
export function escape(s: string): string {
  return s.indexOf("'") < 0 ? s : s.replaceAll("'", "'\\''");
}

export function sectionHeader(type: string, name: string, anonymous: boolean, names: boolean): string {
  return anonymous && !names ? `config ${escape(type)}\n` : `config ${escape(type)} '${escape(name)}'\n`;
}

export function optionLines(name: string, value: OptionValue): string {
  if (typeof value === 'string') return `\toption ${escape(name)} '${escape(value)}'\n`;
  let out = '';
  const n = escape(name);
  for (const item of value) out += `\tlist ${n} '${escape(item)}'\n`;
  return out;
}

/** The package body: each section as `\nconfig …` with its options, then one final newline. */
export function canonicalBody(pkg: UciPackage | Document, anonymousNames = false): string {
  let out = '';
  if ('toPackage' in pkg) {
    for (const s of pkg.sections) {
      out += '\n' + sectionHeader(s.type, s.name, s.anonymous, anonymousNames);
      const opts = s.options;
      for (let i = 0; i < opts.length; i++) out += optionLines(opts[i]!.name, opts[i]!.value);
    }
  } else {
    for (const s of pkg.sections) {
      out += '\n' + sectionHeader(s.type, s.name, s.anonymous, anonymousNames);
      for (const [name, value] of s.options) out += optionLines(name, value);
    }
  }
  return out + '\n';
}

/** Exactly what `uci export <pkg>` prints. */
export function exportText(pkg: UciPackage | Document, opts: { anonymousNames?: boolean } = {}): string {
  return `package ${escape(pkg.name)}\n` + canonicalBody(pkg, opts.anonymousNames ?? false);
}
