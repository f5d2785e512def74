// libuci's pointers: `package[.section[.option]][=value]` parsed (util.c uci_parse_ptr), looked
// up on a Cursor's package with extended syntax (list.c uci_lookup_ptr, `@type[n]`), and the
// edits libuci makes through one (list.c uci_set, uci_delete, uci_rename, uci_add_list,
// uci_del_list, uci_reorder_section), each saved to the savedir as libuci's uci_save does.
// This is what the `uci` command works with; the Cursor's named methods are the same edits.

import type { Cursor, LoadedPackage } from './cursor.js';
import type { Document } from './document.js';
import { UciError } from './errors.js';
import type { OptionNode, SectionNode } from './nodes.js';
import { strtoulInt, uciAddList, uciAddSection, uciDelete, uciDelList, uciRename, uciReorder, uciSet, type Target } from './ops.js';
import { parsePath, resolveSection } from './path.js';
import type { OptionValue } from './types.js';

/** An edit through a pointer, named as the `uci` command names it. */
export type PointerEdit = 'set' | 'add_list' | 'del_list' | 'delete' | 'rename' | 'reorder';

/** A looked-up pointer (libuci's struct uci_ptr after uci_lookup_ptr). */
export class UciPointer {
  /** The package as the tuple names it (a name, or a path starting with `/` or `./`). */
  readonly package: string;

  /** @internal */
  constructor(
    pkg: string,
    /** @internal */
    readonly loaded: LoadedPackage,
    /** @internal */
    readonly target: Target,
  ) {
    this.package = pkg;
  }

  /** The loaded package. */
  get document(): Document {
    return this.loaded.doc;
  }

  /** The section's real name once found (`@type[n]` resolved), else as the tuple wrote it. */
  get section(): string | undefined {
    return this.target.section;
  }

  get option(): string | undefined {
    return this.target.option;
  }

  /** What follows the first `=`. */
  get value(): string | undefined {
    return this.target.value;
  }

  /** Everything the tuple names exists (UCI_LOOKUP_COMPLETE). */
  get complete(): boolean {
    return this.target.complete;
  }

  /** The section found, if any. */
  get foundSection(): SectionNode | undefined {
    return this.target.s;
  }

  /** The option found, if any. */
  get foundOption(): OptionNode | undefined {
    return this.target.o;
  }

  /** The value of the option found, or the type of the section found (what `uci get` prints); undefined for a package or when incomplete. */
  get found(): OptionValue | undefined {
    if (!this.target.complete) return undefined;
    return this.target.o ? this.target.o.value : this.target.s?.type;
  }
}

/**
 * uci_lookup_ptr with extended syntax: parses `tuple`, loads its package through the cursor
 * (staged changes applied) and finds the section and option. A missing section or option is
 * not an error (`complete` is false); a malformed tuple is a PARSE error, a bad `@type[n]` an
 * INVALID_ARGUMENT, a missing package NOT_FOUND.
 */
export function lookupPointer(cursor: Cursor, tuple: string): UciPointer {
  const path = parsePath(tuple);
  const lp = cursor.loadPackage(path.package);
  const t: Target = { section: path.section, option: path.option, value: path.value, complete: false };
  const ptr = new UciPointer(path.package, lp, t);
  if (path.section === undefined) {
    t.complete = true;
    return ptr;
  }
  const s = resolveSection(lp.doc, path.section, true);
  if (!s) return ptr;
  t.s = s;
  t.section = s.name;
  if (path.option !== undefined) {
    t.o = s.findOption(path.option);
    if (!t.o) return ptr;
  }
  t.complete = true;
  return ptr;
}

/**
 * Makes libuci's edit through a pointer and saves it to the savedir (uci_save). The value is
 * the pointer's: the new value, list item, new name, position or list index.
 */
export function editPointer(cursor: Cursor, ptr: UciPointer, edit: PointerEdit): void {
  const { loaded: lp, target: t } = ptr;
  const doc = lp.doc;
  const log = doc.onChange;
  switch (edit) {
    case 'set':
      uciSet(doc, t, log);
      break;
    case 'add_list':
      uciAddList(t, log);
      break;
    case 'del_list':
      uciDelList(t, log);
      break;
    case 'delete':
      uciDelete(doc, t, log);
      break;
    case 'rename':
      uciRename(doc, t, log);
      break;
    case 'reorder':
      if (!t.s || t.value === undefined) throw new UciError('NOT_FOUND');
      uciReorder(doc, t.s, strtoulInt(t.value), log);
      break;
  }
  cursor.save(lp);
}

/**
 * `uci add`: a new anonymous section of `type`, saved; returns its generated name. The type is
 * not validated, as libuci's uci_add_section does not validate it (Cursor.add does).
 */
export function addSectionAs(cursor: Cursor, pkg: string, type: string): string {
  const lp = cursor.loadPackage(pkg);
  const s = uciAddSection(lp.doc, type, lp.doc.onChange);
  cursor.save(lp);
  return s.name;
}
