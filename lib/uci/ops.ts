// libuci's edit primitives (list.c uci_set, uci_delete, uci_rename, uci_reorder_section,
// uci_add_section, uci_add_list, uci_del_list) on a Document, with libuci's exact outcomes:
// what is created, replaced or ignored, which error is raised, and which change is recorded.
// The parser, delta replay, the command and the public API all go through these.

import type { Document } from './document.js';
import type { DeltaLog } from './delta-types.js';
import { UciError } from './errors.js';
import { isValidType } from './names.js';
import type { OptionNode, SectionNode } from './nodes.js';

/** A resolved `package.section.option=value` reference (libuci's struct uci_ptr). */
export interface Target {
  section?: string;
  option?: string;
  value?: string;
  s?: SectionNode;
  o?: OptionNode;
  /** Everything named was found (UCI_LOOKUP_COMPLETE). */
  complete: boolean;
}

const INVAL = (): UciError => new UciError('INVALID_ARGUMENT');
const NOTFOUND = (): UciError => new UciError('NOT_FOUND');

/** sscanf(s, "%d"): the number of conversions (-1 at end of input) and the value. */
export function scanInt(s: string): [number, number] {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d*)/.exec(s)!;
  if (m[0].length === s.length && m[2] === '' && m[1] === '') return [-1, 0];
  if (m[2] === '') return [0, 0];
  const n = Number(m[2]);
  return [1, (m[1] === '-' ? -n : n) | 0];
}

/** (int)strtoul(s, NULL, 10), as the command and delta replay compute a reorder position. */
export function strtoulInt(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(s);
  if (!m) return 0;
  let n = BigInt(m[2]!);
  const max = (1n << 64n) - 1n;
  if (n > max) n = max;
  if (m[1] === '-' && n !== 0n) n = (1n << 64n) - n;
  return Number(BigInt.asIntN(32, n));
}

export function uciSet(doc: Document, t: Target, log?: DeltaLog): void {
  const value = t.value;
  if (value === undefined) throw INVAL();
  if (!t.s && !(t.option === undefined && t.section !== undefined)) throw INVAL();
  if (t.option === undefined && value !== '' && !isValidType(value)) throw INVAL();
  if (!t.o && t.s && t.option !== undefined) t.o = t.s.findOption(t.option);
  if (value === '') {
    if (!t.complete) return;
    uciDelete(doc, t, log);
    return;
  }
  if (!t.o && t.option !== undefined) {
    t.o = t.s!.appendOption(t.option, value);
  } else if (!t.s && t.section !== undefined) {
    t.s = doc.appendSection(value, t.section);
  } else if (t.o && t.option !== undefined) {
    if (t.o.value === value) return;
    t.o.value = value;
  } else if (t.s && t.section !== undefined) {
    if (t.s.type === value) return;
    // libuci reallocates a section whose type changes length, under its current name: an
    // anonymous section becomes a named one (list.c uci_set)
    if (t.s.type.length !== value.length) t.s.anonymous = false;
    t.s.type = value;
  } else {
    throw INVAL();
  }
  log?.({ cmd: 'change', section: t.section!, option: t.option, value });
}

export function uciDelete(doc: Document, t: Target, log?: DeltaLog): void {
  if (!t.complete) throw NOTFOUND();
  if (!t.s) throw INVAL();
  const o = t.o;
  if (o && Array.isArray(o.value) && t.value) {
    const [n, index] = scanInt(t.value);
    if (n !== 1) return;
    if (index < 0 || index >= o.value.length) return;
    log?.({ cmd: 'remove', section: t.section!, option: t.option, value: t.value });
    o.value = o.value.filter((_, i) => i !== index);
    return;
  }
  log?.({ cmd: 'remove', section: t.section!, option: t.option });
  if (o) t.s.removeOption(o);
  else doc.removeSection(t.s);
}

export function uciRename(doc: Document, t: Target, log?: DeltaLog): void {
  if (!t.complete) throw NOTFOUND();
  if (!t.s || t.value === undefined) throw INVAL();
  log?.({ cmd: 'rename', section: t.section!, option: t.option, value: t.value });
  if (t.o) t.s.renameOption(t.o, t.value);
  else doc.renameSection(t.s, t.value);
}

export function uciReorder(doc: Document, s: SectionNode, pos: number, log?: DeltaLog): void {
  if (doc.moveSection(s, pos)) log?.({ cmd: 'reorder', section: s.name, value: String(pos) });
}

export function uciAddSection(doc: Document, type: string, log?: DeltaLog): SectionNode {
  const s = doc.appendSection(type, null);
  log?.({ cmd: 'add', section: s.name, value: type });
  return s;
}

export function uciAddList(t: Target, log?: DeltaLog): void {
  if (!t.s || t.value === undefined) throw INVAL();
  const o = t.o;
  if (!o) t.o = t.s.appendOption(t.option!, [t.value]);
  else o.value = typeof o.value === 'string' ? [o.value, t.value] : [...o.value, t.value];
  log?.({ cmd: 'list-add', section: t.section!, option: t.option, value: t.value });
}

/** In-place append used while parsing, where lists grow one statement at a time. */
export function parserAddList(s: SectionNode, name: string, value: string): OptionNode {
  const o = s.findOption(name);
  if (!o) return s.appendOption(name, [value]);
  if (typeof o.value === 'string') o.value = [o.value, value];
  // pushing onto a small array reserves 16 spare slots; most lists stay short
  else if (o.value.length < 8) o.value = o.value.concat(value);
  else o.value.push(value);
  return o;
}

export function uciDelList(t: Target, log?: DeltaLog): void {
  if (!t.s || t.value === undefined) throw INVAL();
  const o = t.o;
  if (!o || t.option === undefined || typeof o.value === 'string') return;
  log?.({ cmd: 'list-del', section: t.section!, option: t.option, value: t.value });
  const v = t.value;
  o.value = o.value.filter((item) => item !== v);
}
