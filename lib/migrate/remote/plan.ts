// What a migration changed in a router's package, as rpcd uci calls: the package as read
// (`uci get`) is compared with the transaction's document section by section (the document
// remembers which section and option each one was), and the difference becomes delete, rename,
// add (a retype too), set and order calls. The calls are staged on a copy of the package as
// read, exactly as rpcd stages them (calls.ts): that copy must end up as the migration meant,
// or the change is refused before anything is sent, and its change log is what the router's
// `uci changes` must list afterwards.
import { exportText, formatChange, toChange, type Delta, type Document, type OptionValue, type SectionNode } from '../../uci/index.js';
import { changeRecord, documentFromValues, type ChangeRecord, type UciValues } from '../../ubus/index.js';
import { stageCall, type UciCall } from './calls.js';

/** One package's calls. Plain data: it crosses from the migrations' thread. */
export interface PackagePlan {
  package: string;
  calls: UciCall[];
  /**
   * What `uci changes {config}` must answer once the calls are made. A section the plan adds
   * without a name appears under the name its `add` call is expected to answer (`addNames`).
   */
  expected: ChangeRecord[];
  /** The names the anonymous `add` calls are expected to answer, in call order. */
  addNames: string[];
  /** With an `order` call: every section's name in the order the package must end up in. */
  order?: string[];
  /** `expected` in `uci changes` form (`firewall.cfg0a1b2c.input='DROP'`). */
  changes: string[];
  /** The package's `uci export` text as read and as the router will have it. */
  before: string;
  after: string;
}

const sameValue = (a: OptionValue | undefined, b: OptionValue | undefined): boolean =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((v, i) => v === b[i]) : a === b;

const isNew = (s: SectionNode): boolean => s.origIndex < 0;

class Planner {
  readonly calls: UciCall[] = [];
  readonly log: Delta[] = [];
  readonly addNames: string[] = [];
  /** The name each section of the changed document has on the staged copy. */
  readonly names = new Map<SectionNode, string>();
  order: string[] | undefined;

  constructor(readonly config: string, readonly sim: Document) {
    sim.onChange = (d) => this.log.push(d);
  }

  run(call: UciCall): string | undefined {
    this.calls.push(call);
    return stageCall(this.sim, call);
  }

  /** Sections renamed, each once its new name is free (a swap of names cannot be staged). */
  renames(kept: SectionNode[]): void {
    const pending = kept.filter((s) => s.name !== s.origName);
    while (pending.length > 0) {
      const i = pending.findIndex((s) => this.sim.findSection(s.name) === undefined);
      if (i < 0) throw new Error(`renaming section '${pending[0]!.origName}' to '${pending[0]!.name}': that name is still in use`);
      const s = pending.splice(i, 1)[0]!;
      this.run({ method: 'rename', config: this.config, section: s.origName, name: s.name });
    }
  }

  /** A kept section's type and options. */
  edit(s: SectionNode): void {
    const config = this.config;
    const section = s.name;
    if (s.type !== s.origType) this.run({ method: 'add', config, type: s.type, name: section });
    const renamedFrom = new Set(s.options.filter((o) => o.origValue !== null && o.name !== o.origName).map((o) => o.origName));
    const present = new Set(s.options.map((o) => o.name));
    const staged = this.sim.findSection(section)!;
    const gone = staged.options.map((o) => o.name).filter((n) => !present.has(n) && !renamedFrom.has(n));
    if (gone.length > 0) this.run({ method: 'delete', config, section, options: gone });
    for (const o of s.options) {
      if (o.origValue !== null && o.name !== o.origName) this.run({ method: 'rename', config, section, option: o.origName, name: o.name });
    }
    const values: Record<string, OptionValue> = {};
    for (const o of s.options) if (!sameValue(this.sim.get(section, o.name), o.value)) values[o.name] = o.value;
    if (Object.keys(values).length > 0) this.run({ method: 'set', config, section, values });
  }

  add(s: SectionNode): void {
    const values = Object.fromEntries(s.options.map((o) => [o.name, o.value]));
    const call: UciCall = { method: 'add', config: this.config, type: s.type, ...(s.anonymous ? {} : { name: s.name }), values };
    const name = this.run(call)!;
    if (s.anonymous) this.addNames.push(name);
    this.names.set(s, name);
  }
}

/** Why the staged copy differs from the changed document, or null when it does not. */
function mismatch(sim: Document, after: Document, names: Map<SectionNode, string>): string | null {
  if (sim.sections.length !== after.sections.length) return `${sim.sections.length} sections where ${after.sections.length} were meant`;
  for (let i = 0; i < after.sections.length; i++) {
    const want = after.sections[i]!;
    const got = sim.sections[i]!;
    const name = names.get(want)!;
    if (got.name !== name) return `section ${i + 1} is '${got.name}' where '${name}' was meant`;
    if (got.type !== want.type || got.anonymous !== want.anonymous) return `section '${name}' is not of the type meant`;
    if (got.options.length !== want.options.length) return `section '${name}' has ${got.options.length} options where ${want.options.length} were meant`;
    for (const o of want.options) {
      if (!sameValue(got.findOption(o.name)?.value, o.value)) return `option '${name}.${o.name}' does not get the value meant`;
    }
  }
  return null;
}

/**
 * The calls that turn the package `values` (as `uci get` answered it) into `after` (the
 * transaction's document of it), or null when there is nothing to change. Throws when rpcd's
 * methods cannot express the change.
 */
export function planPackage(config: string, values: UciValues, after: Document): PackagePlan | null {
  const p = new Planner(config, documentFromValues(config, values));
  const before = exportText(p.sim);
  try {
    const kept = after.sections.filter((s) => !isNew(s));
    const keptNames = new Set(kept.map((s) => s.origName));
    for (const s of [...p.sim.sections]) if (!keptNames.has(s.name)) p.run({ method: 'delete', config, section: s.name });
    p.renames(kept);
    for (const s of kept) {
      p.names.set(s, s.name);
      p.edit(s);
    }
    for (const s of after.sections) if (isNew(s)) p.add(s);
    const order = after.sections.map((s) => p.names.get(s)!);
    if (p.sim.sections.some((s, i) => s.name !== order[i])) {
      p.run({ method: 'order', config, sections: order });
      p.order = order;
    }
  } catch (e) {
    throw new Error(`${config}: the change cannot be made with rpcd's uci calls: ${(e as Error).message}`);
  }
  const wrong = mismatch(p.sim, after, p.names);
  if (wrong) throw new Error(`${config}: the change cannot be made with rpcd's uci calls: ${wrong}`);
  if (p.calls.length === 0 || p.log.length === 0) return null;
  const changes = p.log.map((d) => toChange(config, d));
  return {
    package: config,
    calls: p.calls,
    expected: changes.map(changeRecord),
    addNames: p.addNames,
    ...(p.order ? { order: p.order } : {}),
    changes: changes.map(formatChange),
    before,
    after: exportText(p.sim),
  };
}
