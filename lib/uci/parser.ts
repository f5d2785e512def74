// Statements → Document, with libuci's semantics (file.c uci_parse_line and friends): merging of
// same-named sections, no-op empty options, list conversion, strict and non-strict error
// handling. Each logical line that defines something becomes a Segment, so that writers can
// reproduce untouched lines exactly.
//
// Without trivia, in a big text, a section's options are deferred: every line is read and
// checked as always, but a section only records the [start, end) offsets of its lines, and its
// options are read from them when first asked for (SectionNode.options), by this parser over
// those lines alone.
// A section's lines must then be whole lines of the text: a `config` sharing its line with
// another statement, a NUL byte (libuci's line reading depends on what came before), or a
// non-strict error (reported once, in order) makes the parser start again without deferring.

import { Document } from './document.js';
import type { DeltaLog } from './delta-types.js';
import { UciError, UciParseError } from './errors.js';
import { Keyword, LexError, Tokenizer } from './lexer.js';
import { isValidName, isValidPackageKeyword, isValidType } from './names.js';
import { NoopRef, type OptionNode, type OptionReader, type SectionNode, type Segment, type SegmentRef } from './nodes.js';
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
  /**
   * Without trivia, read each section's options only when first used (see the top). Default:
   * for a text of 1 MB or more, where a node per option costs more memory than reading the
   * options twice costs time (a small config read whole is read once).
   */
  deferOptions?: boolean;
}

const DEFER_FROM = 1 << 20;

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
  deferOptions?: boolean;
}

/** Thrown by a deferring parse that meets text it cannot defer: parse again without. */
class CannotDefer extends Error {}

class Parser {
  readonly docs: Document[] = [];
  doc: Document | null = null;
  private section: SectionNode | null = null;
  private refs: SegmentRef[] = [];
  private readonly trivia: boolean;
  private name: string | null;
  /** Options are deferred (see the top); `reader` reads them later. */
  private defer = false;
  private reader: OptionReader | null = null;
  /** The section whose lines are being recorded. */
  private recording: SectionNode | null = null;
  private recordStart = 0;
  /** Where the current logical line starts, and how many statements it had so far. */
  private lineStart = 0;
  private statements = 0;
  private configOnLine = false;
  constructor(private readonly cfg: ParserConfig, into?: Document) {
    this.name = cfg.name;
    this.trivia = cfg.trivia;
    if (into) this.doc = into;
  }

  run(text: string, defer: boolean): void {
    const tk = new Tokenizer(text);
    const wanted = this.cfg.deferOptions ?? text.length >= DEFER_FROM;
    this.defer = defer && wanted && !this.trivia && !this.cfg.log && !tk.hasNul;
    if (this.defer) this.reader = optionReader(text, this.cfg);
    const segments = this.lines(tk, text.length);
    this.closeLines(text.length);
    if (!this.doc && this.name !== null && this.docs.length === 0) this.switchPackage(this.name);
    if (this.doc && !this.docs.includes(this.doc)) this.docs.push(this.doc);
    if (this.trivia && this.docs.length === 1) {
      const headEnd = segments.length > 0 ? segments[0]!.body : text.length;
      this.docs[0]!.source = { text, segments, headEnd };
    }
    // the baseline tells the layout-preserving writer what changed; without a source it is unused
    if (!this.cfg.log && this.trivia) for (const d of this.docs) d.markBaseline();
  }

  /** Parses the logical lines from the tokenizer's position to `end`; with trivia, their segments. */
  private lines(tk: Tokenizer, end: number): Segment[] {
    const trivia = this.trivia;
    const segments: Segment[] = [];
    let leadStart = -1;
    while (tk.offset < end) {
      const lineStart = tk.offset;
      tk.startLine();
      this.lineStart = lineStart;
      this.statements = 0;
      this.configOnLine = false;
      if (trivia) this.refs = [];
      if (tk.code(0) !== 0) {
        try {
          this.parseLine(tk);
        } catch (err) {
          if (!(err instanceof LexError)) throw err;
          const pe = new UciParseError(err.reason, this.cfg.file, err.line, this.byteOffset(tk, err.byte));
          if (this.cfg.strict) throw pe;
          if (this.defer) throw new CannotDefer();
          this.cfg.onError?.(pe);
        }
      }
      if (this.defer && this.configOnLine && this.statements > 1) throw new CannotDefer();
      if (trivia && this.refs.length > 0) {
        if (leadStart < 0) leadStart = lineStart;
        const seg: Segment = { start: leadStart, body: lineStart, end: tk.offset, refs: this.refs };
        segments.push(seg);
        for (const r of this.refs) if (!(r instanceof NoopRef)) (r.segs ??= []).push(seg);
        leadStart = tk.offset;
      }
    }
    return segments;
  }

  /** Reads a deferred section's lines into `into` (SectionNode.options). */
  readDeferred(text: string, s: SectionNode, into: SectionNode): void {
    this.section = into;
    this.lines(new Tokenizer(text, s.linesFrom, false), s.linesTo);
    const more = s.moreLines;
    if (more) for (let i = 0; i < more.length; i += 2) this.lines(new Tokenizer(text, more[i]!, false), more[i + 1]!);
    this.section = null;
  }

  /** Ends the recorded section's current run of lines at `end`. */
  private closeLines(end: number): void {
    const s = this.recording;
    if (!s) return;
    this.recording = null;
    const start = this.recordStart;
    if (start === end) return; // no lines after its config line
    if (!s.reader) {
      s.linesFrom = start;
      s.linesTo = end;
      s.reader = this.reader;
    } else {
      s.moreLines = [...(s.moreLines ?? []), start, end]; // of its exact size (a push reserves 16 more slots)
    }
  }

  /** A deferring parse: the section's lines start after its config line. */
  private recordLines(s: SectionNode, start: number): void {
    this.closeLines(this.lineStart);
    this.recording = s;
    this.recordStart = start;
  }

  /** libuci reports byte offsets; with UTF-16 text convert the code-unit offset. */
  private byteOffset(tk: Tokenizer, units: number): number {
    if (this.cfg.latin1) return units;
    const text = tk.text(0, units);
    return Buffer.byteLength(text, 'utf8') + units - text.length;
  }

  /** Types and option names repeat across sections; one string each keeps big files small in memory. */
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
      const keyword = tk.keyword();
      if (keyword !== Keyword.None && keyword !== Keyword.Comment) this.statements++;
      switch (keyword) {
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
    this.closeLines(this.lineStart);
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
    const type = this.intern(tk.nextArg(true));
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
    if (this.defer) {
      this.configOnLine = true;
      this.recordLines(this.section, tk.offset);
    }
  }

  private optionStatement(tk: Tokenizer, list: boolean): void {
    const s = this.section;
    if (!s) tk.fail('option/list command found before the first section');
    if (!tk.skipWord()) tk.fail('option without name');
    const name = this.intern(tk.nextArg(true, isValidName));
    const value = tk.nextArg(false);
    tk.assertEol(this.cfg.strict);
    if (this.defer) return; // read again with the section's options (readDeferred)
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
    deferOptions: opts.deferOptions,
    name: opts.name,
    single: true,
    ...extra,
  };
}

/** What reads the options of a deferred parse's sections: one eager parser over their lines. */
function optionReader(text: string, cfg: ParserConfig): OptionReader {
  let p: Parser | null = null;
  // errors were reported by the first reading; strict, there were none
  return (s, into) => (p ??= new Parser({ ...cfg, onError: undefined })).readDeferred(text, s, into);
}

/** Parses, deferring options where it can (see the top). */
function parse(text: string, cfg: ParserConfig, into?: Document): Document[] {
  try {
    const p = new Parser(cfg, into);
    p.run(text, true);
    return p.docs;
  } catch (err) {
    if (!(err instanceof CannotDefer)) throw err;
  }
  const p = new Parser(cfg, into);
  p.run(text, false);
  return p.docs;
}

/** Parses one package's text (libuci grammar; `package` statements are ignored). */
export function parseDocument(text: string, opts: ParseOptions): Document {
  return parse(text, config(opts, {}))[0]!;
}

/**
 * `uci import` without a name: the text names its packages with `package` statements.
 * A package named twice is a Duplicate error.
 */
export function parsePackages(text: string, opts: Omit<ParseOptions, 'name'>): Document[] {
  return parse(text, config({ ...opts, name: '' }, { name: null, single: false, trivia: false }));
}

/** `uci -m import`: parses text into an existing document, recording each change. */
export function mergeInto(doc: Document, text: string, opts: Omit<ParseOptions, 'name'> & { log: DeltaLog }): void {
  new Parser(config({ ...opts, name: doc.name }, { trivia: false, log: opts.log }), doc).run(text, false);
}
