// A package: its sections in order, name lookup with libuci's first-match rule in O(1), the
// anonymous-name counter, and (when parsed from text) the source with its trivia.

import type { OptionValue, UciPackage, UciSection } from './types.js';
import type { DeltaLog } from './delta-types.js';
import { UciError } from './errors.js';
import { isValidName, isValidText, isValidType } from './names.js';
import { OptionNode, SectionNode, type Segment, sameValue } from './nodes.js';
import { resolveSection } from './path.js';
import {
  type Target, uciAddList, uciAddSection, uciDelete, uciDelList, uciRename, uciReorder, uciSet,
} from './ops.js';
import { writeCanonicalBody } from './export.js';
import { commentedOut, renderText } from './writer.js';

/** The text a Document was parsed from, cut into statement segments. */
export interface SourceText {
  text: string;
  segments: Segment[];
  /** Where the first section's statement line starts; everything before it is kept as is. */
  headEnd: number;
}

export interface TextOptions {
  /** Keep comments, blank lines and the layout of untouched items (default true). */
  keepComments?: boolean;
  /** Write the generated names of anonymous sections (libuci's `-n`). */
  anonymousNames?: boolean;
}

/** djb2 over the type's bytes as signed chars, low 16 bits (libuci list.c djbhash). */
function typeHash(type: string, latin1: boolean): number {
  let h = 5381;
  for (let i = 0; i < type.length; i++) {
    const c = type.charCodeAt(i);
    if (c > 127 && !latin1) return typeHash(Buffer.from(type, 'utf8').toString('latin1'), true);
    h = (Math.imul(h, 33) + (c >= 128 ? c - 256 : c)) | 0;
  }
  return h & 0xffff;
}

/** libuci's name for the anonymous section added as the package's n-th (`cfg` + n + type hash). */
export function anonymousName(n: number, type: string, latin1: boolean): string {
  return `cfg${n.toString(16).padStart(2, '0')}${typeHash(type, latin1).toString(16).padStart(4, '0')}`;
}

export class Document {
  readonly name: string;
  readonly file: string;
  /** Strings hold one byte per character (the command's mode) rather than UTF-16 text. */
  readonly latin1: boolean;
  readonly sections: SectionNode[] = [];
  /** libuci's per-package section counter (n_section), part of generated names. */
  nSection = 0;
  source: SourceText | null = null;
  /** Receives every change made through the public edit methods (the Cursor stages them). */
  onChange: DeltaLog | undefined;
  private readonly first = new Map<string, SectionNode>();
  /** How many sections share a name, for names held by more than one. */
  private readonly dupes = new Map<string, number>();
  /** Line starts of the source text, computed once: checks ask for the line of many items. */
  private lines: { text: string; starts: number[] } | null = null;

  constructor(name: string, opts: { file?: string; latin1?: boolean } = {}) {
    this.name = name;
    this.file = opts.file ?? name;
    this.latin1 = opts.latin1 ?? false;
  }

  // ---- model primitives (used by ops, parser, delta replay)

  findSection(name: string): SectionNode | undefined {
    return this.first.get(name);
  }

  appendSection(type: string, name: string | null): SectionNode {
    this.nSection++;
    const anonymous = name === null || name === '';
    const s = new SectionNode(type, anonymous ? anonymousName(this.nSection, type, this.latin1) : name!, anonymous);
    this.sections.push(s);
    this.indexAdd(s, true);
    return s;
  }

  removeSection(s: SectionNode): void {
    const i = this.sections.indexOf(s);
    if (i < 0) return;
    this.sections.splice(i, 1);
    s.deleted = true;
    this.indexRemove(s);
  }

  renameSection(s: SectionNode, name: string): void {
    this.indexRemove(s);
    s.name = name;
    s.anonymous = false;
    this.indexAdd(s, false);
  }

  /** libuci's uci_list_set_pos: true when the section's predecessor changed. */
  moveSection(s: SectionNode, pos: number): boolean {
    const from = this.sections.indexOf(s);
    this.sections.splice(from, 1);
    const to = pos <= 0 ? 0 : Math.min(pos, this.sections.length);
    this.sections.splice(to, 0, s);
    if (this.dupes.has(s.name)) this.rescan(s.name);
    return to !== from;
  }


  private indexAdd(s: SectionNode, appended: boolean): void {
    if (this.first.get(s.name) === undefined) {
      this.first.set(s.name, s);
      return;
    }
    this.dupes.set(s.name, (this.dupes.get(s.name) ?? 1) + 1);
    if (!appended) this.rescan(s.name);
  }

  private indexRemove(s: SectionNode): void {
    const n = this.dupes.get(s.name);
    if (n === undefined) {
      this.first.delete(s.name);
      return;
    }
    if (n === 2) this.dupes.delete(s.name);
    else this.dupes.set(s.name, n - 1);
    if (this.first.get(s.name) === s) this.rescan(s.name);
  }

  private rescan(name: string): void {
    const s = this.sections.find((x) => x.name === name);
    if (s) this.first.set(name, s);
  }

  /** Records the current state as the source's (after parsing). */
  markBaseline(): void {
    this.sections.forEach((s, i) => {
      s.origType = s.type;
      s.origName = s.name;
      s.origAnon = s.anonymous;
      s.origIndex = i;
      for (const o of s.options) {
        o.origName = o.name;
        o.origValue = o.value;
      }
    });
  }

  // ---- plain data and text

  toPackage(): UciPackage {
    return {
      name: this.name,
      sections: this.sections.map((s, index): UciSection => {
        const options = new Map<string, OptionValue>();
        for (const o of s.peekOptions()) if (!options.has(o.name)) options.set(o.name, typeof o.value === 'string' ? o.value : o.value.slice());
        return { type: s.type, name: s.name, anonymous: s.anonymous, index, options };
      }),
    };
  }

  /** The file text: layout-preserving by default, libuci's exact commit text with keepComments false. */
  toText(opts: TextOptions = {}): string {
    return renderText(this, opts.keepComments ?? true, opts.anonymousNames ?? false);
  }

  /**
   * toText as bytes (latin1 or UTF-8, as the document was read), handed to `write` a chunk at
   * a time, each reused after: libuci's text never exists whole, so a commit of a big package
   * holds neither its text nor a node per option of its untouched sections.
   */
  writeText(opts: TextOptions, write: (chunk: Buffer) => void): void {
    if ((opts.keepComments ?? true) && this.source) write(Buffer.from(this.toText(opts), this.latin1 ? 'latin1' : 'utf8'));
    else writeCanonicalBody(this, opts.anonymousNames ?? false, write);
  }

  // ---- the public, validating edit API (same semantics as libuci's)

  /** Finds a section by name or `@type[n]`; with an option, the option. */
  resolve(section: string, option?: string, value?: string): Target {
    if (option !== undefined && !isValidName(option)) throw new UciError('PARSE', `Parse error: invalid option name '${option}'`);
    if (value !== undefined && !isValidText(value)) throw new UciError('PARSE', `Parse error: invalid characters in value of '${section}'`);
    const t: Target = { section, option, value, complete: false };
    const s = resolveSection(this, section, true);
    if (!s) return t;
    t.s = s;
    t.section = s.name;
    if (option !== undefined) {
      t.o = s.findOption(option);
      if (!t.o) return t;
    }
    t.complete = true;
    return t;
  }

  get(section: string, option?: string): OptionValue | undefined {
    const t = this.resolve(section, option);
    if (!t.complete) return undefined;
    if (t.o) return typeof t.o.value === 'string' ? t.o.value : t.o.value.slice();
    return t.s!.type;
  }

  /**
   * Sets an option (a string, or a list given as an array), or with `option` undefined creates
   * a named section of type `value` or retypes it. An empty string deletes, as in libuci.
   */
  set(section: string, option: string | undefined, value: OptionValue): void {
    if (Array.isArray(value)) {
      if (option === undefined) throw new UciError('INVALID_ARGUMENT', 'Invalid argument: a section type cannot be a list');
      for (const v of value) this.resolve(section, option, v);
      const t = this.resolve(section, option);
      if (t.o && Array.isArray(t.o.value) && sameValue(t.o.value, value)) return;
      if (!t.s) throw new UciError('INVALID_ARGUMENT', `Invalid argument: no section '${section}'`);
      if (t.o) uciDelete(this, t, this.onChange);
      for (const v of value) uciAddList(this.resolve(section, option, v), this.onChange);
      return;
    }
    if (option === undefined && value !== '' && !isValidType(value)) {
      throw new UciError('INVALID_ARGUMENT', `Invalid argument: invalid section type '${value}'`);
    }
    if (option === undefined && !isValidName(section)) {
      throw new UciError('INVALID_ARGUMENT', `Invalid argument: invalid section name '${section}'`);
    }
    uciSet(this, this.resolve(section, option, value), this.onChange);
  }

  /** Adds an anonymous section and returns its generated name. */
  add(type: string): string {
    if (!isValidType(type)) throw new UciError('INVALID_ARGUMENT', `Invalid argument: invalid section type '${type}'`);
    return uciAddSection(this, type, this.onChange).name;
  }

  addList(section: string, option: string, value: string): void {
    uciAddList(this.resolve(section, option, value), this.onChange);
  }

  delList(section: string, option: string, value: string): void {
    uciDelList(this.resolve(section, option, value), this.onChange);
  }

  delete(section: string, option?: string): void {
    uciDelete(this, this.resolve(section, option), this.onChange);
  }

  rename(section: string, option: string | undefined, name: string): void {
    if (!isValidName(name)) throw new UciError('INVALID_ARGUMENT', `Invalid argument: invalid name '${name}'`);
    uciRename(this, this.resolve(section, option, name), this.onChange);
  }

  reorder(section: string, index: number): void {
    const t = this.resolve(section);
    if (!t.s) throw new UciError('NOT_FOUND', `Entry not found: ${this.name}.${section}`);
    uciReorder(this, t.s, Math.trunc(index), this.onChange);
  }

  /**
   * Deletes an option (a deletion like delete() for staged changes and libuci), and has toText()
   * leave it where it stood as comment lines under `# <note>`: its own line(s) as written when
   * it had them unchanged, else its libuci form. Without comments kept it is simply gone.
   */
  commentOut(section: string, option: string, note: string): void {
    if (note.includes('\n')) throw new UciError('INVALID_ARGUMENT', `Invalid argument: the note must be one line: ${JSON.stringify(note)}`);
    const t = this.resolve(section, option);
    if (!t.o) throw new UciError('NOT_FOUND', `Entry not found: ${this.name}.${section}.${option}`);
    const block = commentedOut(this.source, t.o, note);
    uciDelete(this, t, this.onChange);
    t.o.commentedOut = block;
  }

  /**
   * The 1-based line of a section's header, or of an option's statement, in the source text;
   * undefined for items not read from it. The section is a name, `@type[n]`, or its index.
   */
  lineOf(section: string | number, option?: string): number | undefined {
    let node: SectionNode | OptionNode | undefined;
    if (typeof section === 'number') {
      node = this.sections[section];
      if (option !== undefined) node = node?.findOption(option);
    } else {
      const t = this.resolve(section, option);
      node = option === undefined ? t.s : t.o;
    }
    const seg = node?.segs?.[0];
    return seg && this.source ? this.lineAt(this.source.text, seg.body) : undefined;
  }

  private lineAt(text: string, pos: number): number {
    if (this.lines?.text !== text) {
      const starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lines = { text, starts };
    }
    const starts = this.lines.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

export { OptionNode, SectionNode };
