// rpcd's uci object speaks packages as JSON (uci.c): `get` answers a package as its `values`,
// a table of sections by name, each with `.anonymous`, `.type`, `.name`, `.index` and its
// options (rpc_uci_dump_package/section/option); `changes` answers staged changes as arrays
// `[op, section, option?, value?]` (rpc_uci_dump_change). Both as lib/uci's types.
import { Document, type OptionValue, type UciChange } from '../uci/index.js';

/** The `values` of `uci get {config}`. */
export type UciValues = Record<string, unknown>;

/** One staged change as `uci changes` lists it: `["set", "cfg0a1b2c", "input", "DROP"]`, `["order", "x", 3]`. */
export type ChangeRecord = (string | number)[];

/** A JSON object (not null, not an array): what every ubus reply's data is. */
export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function optionValue(v: unknown): OptionValue | undefined {
  if (Array.isArray(v)) return v.map(String);
  return typeof v === 'string' ? v : undefined;
}

/**
 * The package `uci get` answered, as a Document: sections in `.index` order under the names
 * rpcd gave them (an anonymous section keeps its `cfgXXXXXX` name and stays anonymous), the
 * section counter where libuci's would be after loading it, and that state as the baseline.
 */
export function documentFromValues(name: string, values: UciValues): Document {
  const sections = Object.entries(values)
    .filter((e): e is [string, Record<string, unknown>] => isObject(e[1]))
    .map(([key, s], position) => ({ key, s, order: typeof s['.index'] === 'number' ? s['.index'] : position }))
    .sort((a, b) => a.order - b.order);
  const doc = new Document(name);
  for (const { key, s } of sections) {
    const node = doc.appendSection(String(s['.type'] ?? ''), String(s['.name'] ?? key));
    node.anonymous = s['.anonymous'] === true;
    for (const [option, raw] of Object.entries(s)) {
      const value = option.startsWith('.') ? undefined : optionValue(raw);
      if (value !== undefined) node.appendOption(option, value);
    }
  }
  doc.markBaseline();
  return doc;
}

/** rpcd's names of the changes (uci.c rpc_uci_dump_change). */
const CHANGE_NAMES: Record<UciChange['op'], string> = {
  set: 'set', add: 'add', delete: 'remove', rename: 'rename', reorder: 'order', 'list-add': 'list-add', 'list-del': 'list-del',
};

/** A staged change as `uci changes` answers it: [op, section, option?, value?], an order's position a number. */
export function changeRecord(c: UciChange): ChangeRecord {
  const out: ChangeRecord = [CHANGE_NAMES[c.op], c.section];
  if ('option' in c && c.option !== undefined) out.push(c.option);
  if ('value' in c && c.value !== undefined) out.push(c.op === 'reorder' ? Number.parseInt(c.value, 10) >>> 0 : c.value);
  return out;
}
