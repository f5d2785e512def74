// The calls of rpcd's uci object that stage changes, and what each stages: rpcd's handlers
// (uci.c rpc_uci_add, rpc_uci_set with rpc_uci_merge_set, rpc_uci_delete with
// rpc_uci_merge_delete, rpc_uci_rename, rpc_uci_order) replayed with lib/uci's libuci
// primitives on a Document, whose change log is then what `uci changes` will list.
import type { Document, OptionValue } from '../../uci/index.js';

export type UciCall =
  | { method: 'add'; config: string; type: string; name?: string; values?: Record<string, OptionValue> }
  | { method: 'set'; config: string; section: string; values: Record<string, OptionValue> }
  | { method: 'delete'; config: string; section: string; options?: string[] }
  | { method: 'rename'; config: string; section: string; option?: string; name: string }
  | { method: 'order'; config: string; sections: string[] };

/** The call as `ubus call uci METHOD ARGS` arguments. */
export function callArgs(call: UciCall): Record<string, unknown> {
  const { method: _, ...args } = call;
  return args;
}

// rpc_uci_format_blob takes a string only when it is not empty
const usable = (v: string): boolean => v !== '';

/** rpc_uci_merge_set for one option: a list replaces the option, a string over a list too. */
function mergeSet(doc: Document, section: string, option: string, value: OptionValue): void {
  const existing = doc.get(section, option);
  if (Array.isArray(value)) {
    if (existing !== undefined) doc.delete(section, option);
    for (const v of value) if (usable(v)) doc.addList(section, option, v);
  } else if (Array.isArray(existing)) {
    doc.delete(section, option);
    if (usable(value)) doc.set(section, option, value);
  } else if (usable(value) && existing !== value) {
    doc.set(section, option, value);
  }
}

/**
 * Stages the call on doc as rpcd would; for `add`, returns the section's name (rpcd's reply).
 * Throws libuci's error where rpcd would answer one.
 */
export function stageCall(doc: Document, call: UciCall): string | undefined {
  switch (call.method) {
    case 'add': {
      let name: string;
      if (call.name !== undefined) {
        doc.set(call.name, undefined, call.type);
        name = call.name;
      } else name = doc.add(call.type);
      // rpc_uci_add sets each value, a list item by item, with no merge
      for (const [option, value] of Object.entries(call.values ?? {})) {
        if (Array.isArray(value)) for (const v of value) { if (usable(v)) doc.addList(name, option, v); }
        else if (usable(value)) doc.set(name, option, value);
      }
      return name;
    }
    case 'set':
      for (const [option, value] of Object.entries(call.values)) mergeSet(doc, call.section, option, value);
      return undefined;
    case 'delete':
      if (call.options === undefined) doc.delete(call.section);
      else for (const o of call.options) if (doc.get(call.section, o) !== undefined) doc.delete(call.section, o);
      return undefined;
    case 'rename':
      doc.rename(call.section, call.option, call.name);
      return undefined;
    case 'order': {
      // rpc_uci_order places the listed sections at positions 0, 1, … (uci.c as of 4476687:
      // i = 0; the 2014 uci.c the search index holds started at 1)
      let position = 0;
      for (const s of call.sections) if (doc.get(s) !== undefined) doc.reorder(s, position++);
      return undefined;
    }
  }
}
