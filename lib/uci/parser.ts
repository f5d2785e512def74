// Statements → Document, with libuci's semantics (file.c uci_parse_line and friends): merging of
// same-named sections, no-op empty options, list conversion, strict and non-strict error
// handling. Each logical line that defines something becomes a Segment, so that writers can
// reproduce untouched lines exactly.

import { Document } from './document.js';
import type { DeltaLog } from './delta-types.js';
import { UciError, UciParseError } from './errors.js';
import { Keyword, LexError, Tokenizer } from './lexer.js';
import { isValidName, isValidPackageKeyword, isValidType } from './names.js';
import { NoopRef, type OptionNode, type SectionNode, type Segment, type SegmentRef } from './nodes.js';
import { parserAddList, uciAddList, uciAddSection, uciSet } from './ops.js';

export interface ParseOptions {
  /** The package name. */
  name: string;
  /** Shown in errors (default: the name). */
  file?: string;
  /** Stop at the first error (default). Non-strict: report through onError and go on. */
  strict?: boolean;
  onError?: (err: UciParseError) => void;
  /** Strings hold one byte per character (text read as latin1). */
  latin1?: boolean;
  /** Keep the source and its segments for layout-preserving writes (default true). */
  trivia?: boolean;
}

interface ParserConfig {
  file: string;
  strict: boolean;
  onError?: (err: UciParseError) => void;
  latin1: boolean;
  trivia: boolean;
  /** Package name to use until a `package` statement (libuci's pctx->name). */
  name: string | null;
  /** `package` statements are validated but ignored. */
  single: boolean;
  /** Merging into an existing document: changes are recorded (libuci's pctx->merge). */
  log?: DeltaLog;
}

class Parser {
  readonly docs: Document[] = [];
  doc: Document | null = null;
  private section: SectionNode | null = null;
  private refs: SegmentRef[] = [];
  private readonly trivia: boolean;
  private name: string | null;
  constructor(private readonly cfg: ParserConfig, into?: Document) {
    this.name = cfg.name;
    this.trivia = cfg.trivia;
    if (into) this.doc = into;
  }

  run(text: string): void {
    const tk = new Tokenizer(text);
    const trivia = this.cfg.trivia;
    const segments: Segment[] = [];
    let leadStart = 0;
    let headEnd = -1;
    while (!tk.atEof) {
      const lineStart = tk.offset;
      tk.startLine();
      if (trivia) this.refs = [];
      if (tk.code(0) !== 0) {
        try {
          this.parseLine(tk);
        } catch (err) {
          if (!(err instanceof LexError)) throw err;
          const pe = new UciParseError(err.reason, this.cfg.file, err.line, this.byteOffset(tk, err.byte));
          if (this.cfg.strict) throw pe;
          this.cfg.onError?.(pe);
        }
      }
      if (trivia && this.refs.length > 0) {
        if (headEnd < 0) {
          headEnd = lineStart;
          leadStart = lineStart;
        }
        const seg: Segment = { start: leadStart, body: lineStart, end: tk.offset, refs: this.refs };
        segments.push(seg);
        for (const r of this.refs) if (!(r instanceof NoopRef)) (r.segs ??= []).push(seg);
        leadStart = tk.offset;
      }
    }
    if (!this.doc && this.name !== null && this.docs.length === 0) this.switchPackage(this.name);
    if (this.doc && !this.docs.includes(this.doc)) this.docs.push(this.doc);
    if (trivia && this.docs.length === 1) {
      this.docs[0]!.source = { text, segments, headEnd: headEnd < 0 ? text.length : headEnd };
    }
    // the baseline tells the layout-preserving writer what changed; without a source it is unused
    if (!this.cfg.log && trivia) for (const d of this.docs) d.markBaseline();
  }

  /** libuci reports byte offsets; with UTF-16 text convert the code-unit offset. */
  private byteOffset(tk: Tokenizer, units: number): number {
    if (this.cfg.latin1) return units;
    const text = tk.text(0, units);
    return Buffer.byteLength(text, 'utf8') + units - text.length;
  }

  /** Option names repeat across sections; one string each keeps big files small in memory. */
  private readonly names = new Map<string, string>();
  private intern(name: string): string {
    const known = this.names.get(name);
    if (known !== undefined) return known;
    if (this.names.size < 4096) this.names.set(name, name);
    return name;
  }

  private switchPackage(name: string): void {
    if (this.doc) this.docs.push(this.doc);
    this.section = null;
    if (this.docs.some((d) => d.name === name)) throw new UciError('DUPLICATE');
    this.doc = new Document(name, { file: this.cfg.file, latin1: this.cfg.latin1 });
  }

  private parseLine(tk: Tokenizer): void {
    tk.skipWhitespace();
    for (;;) {
      switch (tk.keyword()) {
        case Keyword.None:
        case Keyword.Comment:
          return;
        case Keyword.Package:
          this.packageStatement(tk);
          break;
        case Keyword.Config:
          this.configStatement(tk);
          break;
        case Keyword.Option:
          this.optionStatement(tk, false);
          break;
        case Keyword.List:
          this.optionStatement(tk, true);
          break;
        default:
          tk.fail('invalid command');
      }
    }
  }

  private packageStatement(tk: Tokenizer): void {
    if (!tk.skipWord()) tk.fail('package without name');
    const name = tk.nextArg(true, isValidPackageKeyword);
    tk.assertEol(this.cfg.strict);
    if (this.cfg.single) return;
    this.name = name;
    this.switchPackage(name);
  }

  private configStatement(tk: Tokenizer): void {
    if (!this.doc) {
      if (this.name === null) tk.fail('attempting to import a file without a package name');
      this.switchPackage(this.name!);
    }
    const doc = this.doc!;
    if (!tk.skipWord()) tk.fail('config without name');
    const type = tk.nextArg(true);
    if (!isValidType(type)) tk.fail('invalid character in type field');
    const name = tk.nextArg(false, isValidName);
    tk.assertEol(this.cfg.strict);
    const log = this.cfg.log;
    if (name === '') {
      this.section = log ? uciAddSection(doc, type, log) : doc.appendSection(type, null);
    } else {
      const s = doc.findSection(name);
      if (s && this.cfg.strict && s.type !== type) tk.fail('section of different type overwrites prior section with same name');
      const t = { s, section: name, value: type, complete: false };
      uciSet(doc, t, log);
      this.section = t.s!;
    }
    if (this.trivia) this.refs.push(this.section);
  }

  private optionStatement(tk: Tokenizer, list: boolean): void {
    const s = this.section;
    if (!s) tk.fail('option/list command found before the first section');
    if (!tk.skipWord()) tk.fail('option without name');
    const name = this.intern(tk.nextArg(true, isValidName));
    const value = tk.nextArg(false);
    tk.assertEol(this.cfg.strict);
    let o: OptionNode | undefined;
    const log = this.cfg.log;
    if (log) {
      const t = { s: s!, o: s!.findOption(name), section: s!.name, option: name, value, complete: false };
      if (list) uciAddList(t, log);
      else uciSet(this.doc!, t, log);
      o = t.o;
    } else if (list) {
      o = parserAddList(s!, name, value);
    } else if (value !== '') {
      // uci_set on a section being parsed: replace or append; an empty value does nothing
      o = s!.findOption(name);
      if (!o) o = s!.appendOption(name, value);
      else o.value = value;
    }
    if (this.trivia) this.refs.push(o ?? new NoopRef(s!));
  }
}

function config(opts: ParseOptions, extra: Partial<ParserConfig>): ParserConfig {
  return {
    file: opts.file ?? opts.name,
    strict: opts.strict ?? true,
    onError: opts.onError,
    latin1: opts.latin1 ?? false,
    trivia: opts.trivia ?? true,
    name: opts.name,
    single: true,
    ...extra,
  };
}

/** Parses one package's text (libuci grammar; `package` statements are ignored). */
export function parseDocument(text: string, opts: ParseOptions): Document {
  const p = new Parser(config(opts, {}));
  p.run(text);
  return p.docs[0]!;
}

/**
 * `uci import` without a name: the text names its packages with `package` statements.
 * A package named twice is a Duplicate error.
 */
export function parsePackages(text: string, opts: Omit<ParseOptions, 'name'>): Document[] {
  const p = new Parser(config({ ...opts, name: '' }, { name: null, single: false, trivia: false }));
  p.run(text);
  return p.docs;
}

/** `uci -m import`: parses text into an existing document, recording each change. */
export function mergeInto(doc: Document, text: string, opts: Omit<ParseOptions, 'name'> & { log: DeltaLog }): void {
  const p = new Parser(config({ ...opts, name: doc.name }, { trivia: false, log: opts.log }), doc);
  p.run(text);
}
