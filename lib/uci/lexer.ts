// libuci's tokenizer (file.c uci_getln, parse_str, next_arg), reproduced on a JS string.
//
// libuci reads one physical line at a time into a growable buffer and decodes arguments in place.
// We keep the logical line as an immutable string `buf` and model the in-place writes that can
// affect later parsing: a NUL written at the current position ends the line (`cut`). Offsets are
// code units; with latin1 text (what the command uses) they are libuci's byte offsets.

export class LexError extends Error {
  constructor(readonly reason: string, readonly byte: number, readonly line: number) {
    super(reason);
  }
}

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

export const enum Keyword { None, Comment, Package, Config, Option, List, Invalid }

/** What Tokenizer.exportFormLine() found. */
export const enum FormLine { Config, Option, List, Blank, Ignored }

// The export-form mode's lines: statements exactly as libuci's export writes them (a type is
// printable ASCII but quotes, `#`, `;` and `\`; names `[A-Za-z0-9_]`; values single-quoted
// without `'`), a line that is only a newline, and lines the parser ignores as a whole (blank
// ones, and comments: `#` as the first word ends the line before any argument is read).
const FORM_CONFIG = /config ([!$-&(-:<-[\]-~]+)(?: '([A-Za-z0-9_]+)')?(?:\n|$)/y;
const FORM_OPTION = /\t(?:option|list) ([A-Za-z0-9_]+) '[^'\n]+'(?:\n|$)/y;
const FORM_IGNORED = /[ \t\v\f\r]*(?:#[^\n]*)?(?:\n|$)/y;

export class Tokenizer {
  /** Physical lines read so far that ended in a newline (libuci's `line`). */
  line = 0;
  /** Characters read into the buffer by the last successful read (libuci's `buf_filled`). */
  filled = 0;
  pos = 0;
  /** Reason and position of the last error on this tokenizer (libuci's pctx->reason/byte). */
  lastReason: string | null = null;
  lastByte = 0;
  // The logical line is buf[base .. base + len): usually a window on the source itself, a
  // string of its own once a continuation or an embedded NUL has changed it.
  private buf = '';
  private base = 0;
  private len = 0;
  /** End of the last keyword found by `keyword()`. */
  private wordEnd = 0;
  private srcPos = 0;
  private bufsz = 32;
  /** The text has a NUL byte (libuci's line reading treats it specially). */
  readonly hasNul: boolean;

  /**
   * Reads `src` from `start` (a line start; the parser re-reads a section's lines from there,
   * telling whether the text has a NUL byte, which such a re-read requires it has not).
   */
  constructor(private readonly src: string, start = 0, hasNul = src.indexOf('\0') >= 0) {
    this.srcPos = start;
    this.hasNul = hasNul;
  }

  /** Set by exportFormLine(): the type or option name. */
  formName = '';
  private formStart = 0;
  private formEnd = 0;

  /** After exportFormLine(): the section name ('' if anonymous) or the value (sliced only when asked for). */
  get formValue(): string {
    return this.src.slice(this.formStart, this.formEnd);
  }

  /**
   * The export-form mode: when the next physical line is one that libuci's export writes (or
   * one the parser ignores), consumes it without decoding and says which; `formName` and
   * `formValue` hold its parts. Anything else (and any text with a NUL byte, which libuci's
   * line reading treats specially) gives null and consumes nothing: only the parser can read
   * it. For such lines the statement is exactly what the parser makes of it.
   */
  exportFormLine(): FormLine | null {
    const src = this.src;
    const at = this.srcPos;
    if (this.hasNul || at >= src.length) return null;
    let m: RegExpExecArray | null;
    const c = src.charCodeAt(at);
    if (c === 9 && (FORM_OPTION.lastIndex = at, (m = FORM_OPTION.exec(src)))) {
      const end = FORM_OPTION.lastIndex;
      const list = src.charCodeAt(at + 1) === 108; // `\tlist`
      this.srcPos = end;
      this.formName = m[1]!;
      // the value is between `name '` and the closing quote
      this.formStart = at + (list ? 6 : 8) + this.formName.length + 2;
      this.formEnd = end - (src.charCodeAt(end - 1) === 10 ? 2 : 1);
      return list ? FormLine.List : FormLine.Option;
    }
    if (c === 99 && (FORM_CONFIG.lastIndex = at, (m = FORM_CONFIG.exec(src)))) {
      const end = FORM_CONFIG.lastIndex;
      this.srcPos = end;
      this.formName = m[1]!;
      // the name, if any, is quoted after the type
      this.formStart = at + 7 + this.formName.length + (m[2] === undefined ? 0 : 2);
      this.formEnd = m[2] === undefined ? this.formStart : this.formStart + m[2].length;
      return FormLine.Config;
    }
    if (c === 10) {
      this.srcPos = at + 1;
      return FormLine.Blank;
    }
    FORM_IGNORED.lastIndex = at;
    if (!FORM_IGNORED.test(src)) return null;
    this.srcPos = FORM_IGNORED.lastIndex;
    return FormLine.Ignored;
  }

  /** Offset in the source text of the next unread physical line. */
  get offset(): number {
    return this.srcPos;
  }

  get atEof(): boolean {
    return this.srcPos >= this.src.length;
  }

  code(i: number): number {
    return i < this.len ? this.buf.charCodeAt(this.base + i) : 0;
  }

  /** The logical line's text between two positions. */
  text(from: number, to: number): string {
    return this.buf.slice(this.base + from, this.base + Math.min(to, this.len));
  }

  fail(reason: string): never {
    this.lastReason = reason;
    this.lastByte = this.pos;
    throw new LexError(reason, this.pos, this.line);
  }

  /** A fresh parse context on the same input (libuci frees and reallocates pctx). */
  resetContext(): void {
    this.line = 0;
    this.bufsz = 32;
    this.buf = '';
    this.base = 0;
    this.len = 0;
    this.filled = 0;
    this.pos = 0;
    this.lastReason = null;
    this.lastByte = 0;
  }

  /** The unread rest of the input, which is then consumed. */
  takeRest(): string {
    const rest = this.src.slice(this.srcPos);
    this.srcPos = this.src.length;
    return rest;
  }

  /** Starts a new logical line: `pos = 0; uci_getln(0)`. */
  startLine(): void {
    this.pos = 0;
    if (this.hasNul) this.getln(0);
    else this.nextLine();
  }

  /** uci_getln(0) for text without NUL: the buffer becomes a window on the next line. */
  private nextLine(): void {
    if (this.bufsz <= 1) this.bufsz *= 2;
    const src = this.src;
    if (this.srcPos >= src.length) {
      this.len = 0;
      return;
    }
    const nl = src.indexOf('\n', this.srcPos);
    const end = nl < 0 ? src.length : nl + 1;
    const length = end - this.srcPos;
    // keep the buffer size libuci's fgets loop would reach; it decides how NUL bytes cut later lines
    let ofs = 0;
    let rem = length;
    for (;;) {
      const max = this.bufsz - ofs - 1;
      if (rem <= max) break;
      ofs += max;
      rem -= max;
      this.bufsz *= 2;
    }
    if (nl < 0) this.bufsz *= 2;
    else this.line++;
    this.buf = src;
    this.base = this.srcPos;
    this.len = length;
    this.filled = length;
    this.srcPos = end;
  }

  /**
   * uci_getln(offset): reads the next physical line into the buffer at `offset`, the way fgets
   * does into a buffer of `bufsz` bytes (an embedded NUL cuts a chunk short, and the rest of that
   * chunk is lost; the counter only moves when a chunk ends in a newline).
   */
  getln(offset: number): void {
    if (offset >= this.bufsz - 1) this.bufsz *= 2;
    let ofs = offset;
    let text = this.text(0, offset);
    const src = this.src;
    try {
      for (;;) {
        if (this.srcPos >= src.length) return;
        const nl = src.indexOf('\n', this.srcPos);
        const lineEnd = nl < 0 ? src.length : nl + 1;
        const take = Math.min(lineEnd - this.srcPos, this.bufsz - ofs - 1);
        let chunk = src.slice(this.srcPos, this.srcPos + take);
        this.srcPos += take;
        if (this.hasNul) {
          const z = chunk.indexOf('\0');
          if (z >= 0) chunk = chunk.slice(0, z);
        }
        if (chunk.length === 0) return;
        text += chunk;
        ofs += chunk.length;
        this.filled = ofs;
        if (chunk.charCodeAt(chunk.length - 1) === 10) {
          this.line++;
          return;
        }
        this.bufsz *= 2;
      }
    } finally {
      this.buf = text;
      this.base = 0;
      this.len = text.length;
    }
  }

  /** A NUL written at `i`: the line ends there. */
  private cut(i: number): void {
    if (i < this.len) this.len = i;
  }

  skipWhitespace(): void {
    while (isSpace(this.code(this.pos))) this.pos++;
  }

  /** strtok(buf + pos, " \t") and the dispatch on the word (file.c uci_parse_line). */
  keyword(): Keyword {
    let i = this.pos;
    let c = this.code(i);
    while (c === 32 || c === 9) c = this.code(++i);
    if (c === 0) return Keyword.None;
    let j = i;
    while (c !== 0 && c !== 32 && c !== 9) c = this.code(++j);
    this.wordEnd = j;
    const first = this.code(i);
    if (first === 35) return Keyword.Comment;
    switch (first) {
      case 112: return this.spelled(i, j, 'package', Keyword.Package); // p
      case 99: return this.spelled(i, j, 'config', Keyword.Config); // c
      case 111: return this.spelled(i, j, 'option', Keyword.Option); // o
      case 108: return this.spelled(i, j, 'list', Keyword.List); // l
      default: return Keyword.Invalid;
    }
  }

  /** The word buf[i..j) is the keyword or its one-letter abbreviation. */
  private spelled(i: number, j: number, full: string, kw: Keyword): Keyword {
    const n = j - i;
    return n === 1 || (n === full.length && this.buf.startsWith(full, this.base + i)) ? kw : Keyword.Invalid;
  }

  /** Steps over the keyword (uci_increase_pos); false when that would pass the buffer's end. */
  skipWord(): boolean {
    const next = this.wordEnd + 1;
    if (next > this.filled) return false;
    this.pos = next;
    return true;
  }

  /** next_arg(): the next argument, decoded; '' when there is none. */
  nextArg(required: boolean, validate?: (s: string) => boolean): string {
    this.skipWhitespace();
    let arg: string;
    if (this.code(this.pos) === 59) {
      this.pos++;
      arg = '';
    } else {
      arg = this.parseStr();
    }
    if (arg === '') {
      if (required) this.fail('insufficient arguments');
      return arg;
    }
    if (validate && !validate(arg)) this.fail('invalid character in name field');
    return arg;
  }

  /** assert_eol(): one more argument must be empty (only enforced in strict mode). */
  assertEol(strict: boolean): void {
    this.skipWhitespace();
    const extra = this.nextArg(false);
    if (extra !== '' && strict) this.fail('too many arguments');
  }

  /** True when something is left after the current position (libuci's `*pctx_cur_str`). */
  hasRest(): boolean {
    return this.code(this.pos) !== 0;
  }

  private parseStr(): string {
    const start = this.pos;
    let out = '';
    let run = this.pos;
    let next = true;
    let c: number;
    scan: do {
      c = this.code(this.pos);
      switch (c) {
        case 39: // '
          out += this.text(run, this.pos) + this.singleQuoted();
          run = this.pos;
          break;
        case 34: // "
          out += this.text(run, this.pos) + this.doubleQuoted();
          run = this.pos;
          break;
        case 35: // #
          out += this.text(run, this.pos);
          this.cut(this.pos);
          run = this.pos;
          break scan;
        case 0:
          break scan;
        case 59: // ;
          next = false;
          break scan;
        case 92: // \
          out += this.text(run, this.pos);
          run = this.escaped();
          if (run < 0) {
            run = this.pos;
            continue;
          }
          break;
        default:
          this.pos++;
      }
    } while ((c = this.code(this.pos)) !== 0 && !isSpace(c));
    out += this.text(run, this.pos);
    if (this.code(this.pos) !== 0 && next) this.pos++;
    // the terminating NUL lands on the current position only if decoding shortened nothing
    if (start + out.length === this.pos) this.cut(this.pos);
    return out;
  }

  /**
   * parse_backslash: at a backslash, either a continuation (the next line is read in its place;
   * returns -1) or an escaped character, which is stepped over and whose position is returned.
   */
  private escaped(): number {
    this.pos++;
    const c = this.code(this.pos);
    if (c === 0 || c === 10 || (c === 13 && this.code(this.pos + 1) === 10 && this.code(this.pos + 2) === 0)) {
      this.getln(this.pos);
      return -1;
    }
    return this.pos++;
  }

  private singleQuoted(): string {
    this.pos++;
    let out = '';
    for (;;) {
      const q = this.buf.indexOf("'", this.base + this.pos);
      if (q >= 0 && q < this.base + this.len) {
        out += this.text(this.pos, q - this.base);
        this.pos = q - this.base + 1;
        return out;
      }
      out += this.text(this.pos, this.len);
      this.pos = this.len;
      this.getln(this.pos);
      if (this.code(this.pos) === 0) this.fail("EOF with unterminated '");
    }
  }

  private doubleQuoted(): string {
    this.pos++;
    let out = '';
    let run = this.pos;
    for (;;) {
      const c = this.code(this.pos);
      if (c === 34) {
        out += this.text(run, this.pos);
        this.pos++;
        return out;
      }
      if (c === 0) {
        out += this.text(run, this.pos);
        this.getln(this.pos);
        if (this.code(this.pos) === 0) this.fail('EOF with unterminated "');
        run = this.pos;
        continue;
      }
      if (c === 92) {
        out += this.text(run, this.pos);
        run = this.escaped();
        if (run < 0) run = this.pos;
        continue;
      }
      this.pos++;
    }
  }
}
