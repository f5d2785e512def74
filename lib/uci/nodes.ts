// The mutable model under a Document: sections and options, each remembering where it came
// from in the source text (for layout-preserving writes) and what it looked like there.

import type { OptionValue } from './types.js';

/** One logical source line that holds statements, with the comment/blank lines above it. */
export interface Segment {
  /** Start of the leading trivia. */
  start: number;
  /** Start of the statement line itself. */
  body: number;
  end: number;
  /** The items its statements defined, in order. */
  refs: SegmentRef[];
}

/** A statement that defined nothing (`option x ''`): it stays with its section. */
export class NoopRef {
  constructor(public section: SectionNode) {}
}

export type SegmentRef = SectionNode | OptionNode | NoopRef;

// Fields that only layout-preserving writes and removals set have their defaults on the
// prototype (below), so a big package parsed without trivia holds far smaller nodes.
export class OptionNode {
  declare segs: Segment[] | null;
  declare origName: string;
  declare origValue: OptionValue | null;
  declare deleted: boolean;
  /** For an option deleted by Document.commentOut: the lines written where it stood. */
  declare commentedOut: string | null;
  constructor(
    public section: SectionNode,
    public name: string,
    public value: OptionValue,
  ) {}

  /** True when the option no longer reads as it did in the source. */
  get changed(): boolean {
    return this.deleted || this.origValue === null || this.name !== this.origName || !sameValue(this.value, this.origValue);
  }
}
Object.assign(OptionNode.prototype, { segs: null, origName: '', origValue: null, deleted: false, commentedOut: null });

// Sections with more options than this get a name index; smaller ones are scanned.
const INDEX_FROM = 16;

/**
 * Reads a deferred section's options from the source (the parser, over the section's lines).
 * Into `into`: the section itself (they are then kept) or a scratch copy (read for one pass).
 */
export type OptionReader = (s: SectionNode, into: SectionNode) => void;

export class SectionNode {
  #options: OptionNode[] | null = null; // made on first use: most deferred sections never need one
  /**
   * A section parsed without trivia has its options read from its lines on first use (a big
   * package committed whole keeps a few dozen bytes a section, not a node per option): the
   * offsets [from, to) of its lines in the source, and more [from, to) pairs for a section
   * merged from several places; `reader` reads them. Fields of the object itself, not added
   * later, which would give each section a second block of memory.
   */
  reader: OptionReader | null = null;
  linesFrom = 0;
  linesTo = 0;
  moreLines: number[] | null = null;
  declare segs: Segment[] | null;
  declare origType: string;
  declare origName: string;
  declare origAnon: boolean;
  /** Position among the source's sections, -1 for a section that is not in the source. */
  declare origIndex: number;
  declare deleted: boolean;
  declare private index: Map<string, OptionNode> | null;

  constructor(
    public type: string,
    public name: string,
    public anonymous: boolean,
  ) {}

  /** The options in order (read now if they were deferred). */
  get options(): OptionNode[] {
    if (this.reader) {
      const read = this.reader;
      this.reader = null;
      read(this, this);
      this.moreLines = null;
    }
    return (this.#options ??= []);
  }

  /**
   * The options for one pass over them (a writer): a deferred section's are read without being
   * kept, so that writing a big package never holds a node per option.
   */
  peekOptions(): readonly OptionNode[] {
    if (!this.reader) return this.options;
    const scratch = new SectionNode(this.type, this.name, this.anonymous);
    this.reader(this, scratch);
    return scratch.options;
  }

  get headerChanged(): boolean {
    return this.type !== this.origType || this.anonymous !== this.origAnon || (!this.anonymous && this.name !== this.origName);
  }

  /** The first option of that name (libuci's uci_lookup_list). */
  findOption(name: string): OptionNode | undefined {
    if (this.index) return this.index.get(name);
    const opts = this.options;
    if (opts.length > INDEX_FROM) return this.buildIndex().get(name);
    for (let i = 0; i < opts.length; i++) if (opts[i]!.name === name) return opts[i];
    return undefined;
  }

  appendOption(name: string, value: OptionValue): OptionNode {
    const o = new OptionNode(this, name, value);
    this.options.push(o);
    if (this.index && !this.index.has(name)) this.index.set(name, o);
    return o;
  }

  removeOption(o: OptionNode): void {
    const i = this.options.indexOf(o);
    if (i >= 0) this.options.splice(i, 1);
    o.deleted = true;
    this.index = null;
  }

  renameOption(o: OptionNode, name: string): void {
    o.name = name;
    this.index = null;
  }

  private buildIndex(): Map<string, OptionNode> {
    const m = new Map<string, OptionNode>();
    for (const o of this.options) if (!m.has(o.name)) m.set(o.name, o);
    this.index = m;
    return m;
  }
}

Object.assign(SectionNode.prototype, { segs: null, origType: '', origName: '', origAnon: false, origIndex: -1, deleted: false, index: null });

export function sameValue(a: OptionValue, b: OptionValue): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
