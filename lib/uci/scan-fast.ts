// A package file's statements read straight from its bytes, for the commands that only need
// its content (`uci export`, `fw4 print`): no Document, and little work per byte, since a
// command runs cold (before the JIT has optimised anything) and fresh memory is slow to touch
// (page faults: 30-45 ms for 6.4 MB on this machine). The file is read through one reused
// window. Lines as libuci writes them are recognised with a few comparisons; other plain lines
// are tokenised. Anything else (continuations, escapes, `;`, NUL and other rare control bytes,
// repeated names, a section named like an anonymous one, errors, `package`) makes the scan
// give up, so that the full parser, which reproduces libuci's every quirk, decides those.

const SP = 32;
const TAB = 9;
const NL = 10;
const HASH = 35;
const SQ = 39;
const DQ = 34;
const SEMI = 59;
const BSL = 92;

const enum Stmt { Config, Option, List }

/** Bytes that make the scan give up anywhere in the file (libuci treats them specially). */
const RARE = [0, 11, 12, 13];

const CONFIG = Buffer.from('config');
const OPTION = Buffer.from('option');
const LIST = Buffer.from('list');
const CONFIG_SP = Buffer.from('config ');
const TAB_OPTION_SP = Buffer.from('\toption ');
const TAB_LIST_SP = Buffer.from('\tlist ');

// The typed array built-in, not Buffer's override: no call into C++ per line.
const indexOf: (this: Uint8Array, byte: number, from: number) => number = Uint8Array.prototype.indexOf;

/** pread(2): reads up to `length` bytes at `position` of the source into buf at `offset`. */
export type ReadAt = (buf: Buffer, offset: number, length: number, position: number) => number;

/**
 * What the scan found, line by line. Positions are in `src` (the window, valid during the call);
 * `at` is where the line starts in the source; `canonical` says the line is byte for byte what
 * `uci export` writes for it. Values are literal bytes (no escapes in what the scan accepts).
 */
export interface ScanSink {
  /** `config type [name]`; an anonymous section has ns === ne. */
  section(src: Buffer, ts: number, te: number, ns: number, ne: number, at: number, canonical: boolean): void;
  /** `option name value` or `list name value`; `name` is src[ns, ne) as a string when the scan has made it. */
  option(src: Buffer, list: boolean, ns: number, ne: number, vs: number, ve: number, at: number, canonical: boolean, name?: string): void;
  /** A line that is only a newline. */
  blank(at: number): void;
  /** A comment or blank-looking line; also called with the source's length at its end. */
  other(at: number): void;
}

/** A ReadAt over bytes in memory. */
export function bytesReader(src: Buffer): ReadAt {
  return (buf, offset, length, position) => src.copy(buf, offset, position, Math.min(src.length, position + length));
}

/** Scans a whole source into sink; false when the full parser must read it instead. */
export function scanPackage(readAt: ReadAt, sink: ScanSink, window: number): boolean {
  return new Scanner(readAt, sink, window).run();
}

/**
 * scanPackage of bytes in memory, scanned where they are: positions are offsets in `src`.
 * `text`: the same bytes as a latin1 string, when the caller has it (ASCII sources): lines as
 * libuci writes them are then recognised by a regular expression, native code, instead of a
 * JS loop over their bytes, which a cold command runs in the interpreter at ~100 instructions a
 * byte (callgrind: reading fw4-bench rules-1000's 182 KB config took 150M instructions).
 */
export function scanBytes(src: Buffer, sink: ScanSink, text: string | null = null): boolean {
  return new Scanner(() => 0, sink, src, text).run();
}

// canonicalLine's shapes, for the text path: `\toption name 'value'`, `\tlist name 'value'`,
// `config type` and `config type 'name'` (a type is printable ASCII but quotes, #, ; and \)
const CANONICAL_OPTION = /\t(?:option|list) [A-Za-z0-9_]+ '[^'\n]+'\n/y;
const CANONICAL_CONFIG = /config [!$-&(-:<-[\]-~]+(?: '[A-Za-z0-9_]+')?\n/y;

class Scanner {
  /** The window on the source: src[0] is byte `base`; src[0, lim) is loaded, src[0, n) holds whole lines. */
  private src: Buffer;
  private base = 0;
  private lim = 0;
  private n = 0;
  private eof = false;
  private p = 0;
  private tokStart = 0;
  private tokEnd = 0;
  private failed = false;
  /** Names of named sections so far: a repeat merges sections in libuci. */
  private readonly named = new Set<string>();
  private inSection = false;
  /** The current section's option names (hash, place in `names`), to detect repeats; reused. */
  private opts = 0;
  private readonly optHash: number[] = [];
  private readonly optStart: number[] = [];
  private readonly optEnd: number[] = [];
  /** With `text`: the current section's option names and their places (firstUseOfName). */
  private readonly textOpts = new Map<string, number>();
  /** With `text`: the option name firstUse last read. */
  private name = '';
  private names = Buffer.allocUnsafe(256);
  private namesEnd = 0;
  private lastList = -1;

  /** `window`: its size, or the whole source, already loaded (then `text` may be it as latin1). */
  constructor(
    private readonly readAt: ReadAt, private readonly sink: ScanSink, window: number | Buffer, private readonly text: string | null = null,
  ) {
    if (typeof window === 'number') {
      this.src = Buffer.allocUnsafe(window);
      return;
    }
    this.src = window;
    this.lim = this.n = window.length;
    this.eof = true;
  }

  run(): boolean {
    for (let more = this.lim > 0 || this.more(); more; more = this.more()) {
      const loaded = this.src.subarray(0, this.lim);
      if (RARE.some((b) => loaded.indexOf(b) >= 0)) return false;
      while (this.p < this.n) {
        if (!this.canonicalLine() && !this.line()) return false;
      }
    }
    this.sink.other(this.base + this.p);
    return true;
  }

  /** Moves the window past the lines done and loads more; false at the end of the source. */
  private more(): boolean {
    if (this.eof) return false;
    const keep = this.lim - this.p;
    if (this.p > 0) this.src.copyWithin(0, this.p, this.lim);
    this.base += this.p;
    this.p = 0;
    this.lim = keep;
    for (;;) {
      if (this.lim === this.src.length) {
        // a line longer than the window: a bigger one
        const bigger = Buffer.allocUnsafe(this.src.length * 2);
        this.src.copy(bigger, 0, 0, this.lim);
        this.src = bigger;
      }
      const got = this.readAt(this.src, this.lim, this.src.length - this.lim, this.base + this.lim);
      if (got === 0) {
        this.eof = true;
        this.n = this.lim;
        return this.lim > 0;
      }
      this.lim += got;
      const nl = this.src.lastIndexOf(NL, this.lim - 1);
      if (nl >= 0) {
        this.n = nl + 1;
        return true;
      }
    }
  }

  /**
   * A line exactly as libuci writes it (`config type`, `config type 'name'`, `\toption name
   * 'value'`, `\tlist name 'value'`, each ending in a newline), or a blank line. False, with
   * nothing consumed, otherwise.
   */
  private canonicalLine(): boolean {
    if (this.text !== null) return this.canonicalText(this.text);
    // one pass over the line's bytes in JS: a built-in indexOf per line costs a call into C++
    const src = this.src;
    const n = this.n;
    const p = this.p;
    const at = this.base + p;
    const c = src[p];
    let nl: number;
    if (c === TAB) {
      let nameStart: number;
      let list: boolean;
      if (startsWith(src, p, n, TAB_OPTION_SP)) {
        nameStart = p + 8;
        list = false;
      } else if (startsWith(src, p, n, TAB_LIST_SP)) {
        nameStart = p + 6;
        list = true;
      } else {
        return false;
      }
      const nameEnd = nameLength(src, nameStart, n) + nameStart;
      if (nameEnd === nameStart || src[nameEnd] !== SP || src[nameEnd + 1] !== SQ) return false;
      // a non-empty value with no quote in it, closed at the end of the line
      let q = nameEnd + 2;
      while (q < n) {
        const d = src[q];
        if (d === SQ) break;
        if (d === NL) return false;
        q++;
      }
      nl = q + 1;
      if (nl >= n || src[nl] !== NL || q === nameEnd + 2) return false;
      if (!this.inSection || !this.firstUse(nameStart, nameEnd, list)) return false;
      this.sink.option(src, list, nameStart, nameEnd, nameEnd + 2, q, at, true);
    } else if (c === NL) {
      nl = p;
      this.sink.blank(at);
    } else if (startsWith(src, p, n, CONFIG_SP)) {
      const typeEnd = typeLength(src, p + 7, n) + p + 7;
      if (typeEnd === p + 7 || typeEnd >= n) return false;
      let nameStart = typeEnd;
      let nameEnd = typeEnd;
      if (src[typeEnd] === NL) {
        nl = typeEnd;
      } else {
        nameStart = typeEnd + 2;
        nameEnd = nameLength(src, nameStart, n) + nameStart;
        nl = nameEnd + 1;
        if (src[typeEnd] !== SP || src[typeEnd + 1] !== SQ || nameEnd === nameStart || src[nameEnd] !== SQ || nl >= n || src[nl] !== NL) return false;
        if (!this.newName(src.toString('latin1', nameStart, nameEnd))) return false;
      }
      this.startSection();
      this.sink.section(src, p + 7, typeEnd, nameStart, nameEnd, at, true);
    } else {
      return false;
    }
    this.p = nl + 1;
    return true;
  }

  /** canonicalLine over the whole source as a string (positions in it are those in src). */
  private canonicalText(text: string): boolean {
    const p = this.p;
    const c = text.charCodeAt(p);
    if (c === NL) {
      this.sink.blank(p);
      this.p = p + 1;
      return true;
    }
    const re = c === TAB ? CANONICAL_OPTION : CANONICAL_CONFIG;
    re.lastIndex = p;
    if (!re.test(text)) return false;
    const end = re.lastIndex; // after the newline
    if (c === TAB) {
      const list = text.charCodeAt(p + 1) === 108; // l
      const nameStart = p + (list ? 6 : 8);
      const nameEnd = text.indexOf(' ', nameStart);
      if (!this.inSection || !this.firstUse(nameStart, nameEnd, list)) return false;
      this.sink.option(this.src, list, nameStart, nameEnd, nameEnd + 2, end - 2, p, true, this.name);
    } else {
      let typeEnd = end - 1;
      let nameStart = typeEnd;
      let nameEnd = typeEnd;
      if (text.charCodeAt(end - 2) === SQ) {
        typeEnd = text.indexOf(' ', p + 7);
        nameStart = typeEnd + 2;
        nameEnd = end - 2;
        if (!this.newName(text.slice(nameStart, nameEnd))) return false;
      }
      this.startSection();
      this.sink.section(this.src, p + 7, typeEnd, nameStart, nameEnd, p, true);
    }
    this.p = end;
    return true;
  }

  /** Any other line, tokenised; false when it is outside what this scan handles. */
  private line(): boolean {
    const src = this.src;
    const n = this.n;
    const at = this.base + this.p;
    let p = this.p;
    let c = src[p]!;
    while (p < n && (c === SP || c === TAB)) c = src[++p]!;
    if (p >= n || c === NL || c === HASH) {
      this.sink.other(at);
      return this.endLine(p);
    }
    const kwStart = p;
    while (p < n && c !== SP && c !== TAB && c !== NL) c = src[++p]!;
    if (p >= n || (c !== SP && c !== TAB)) return false; // a keyword must be followed by a blank (libuci's strtok)
    const stmt = keyword(src, kwStart, p);
    if (stmt === null) return false;
    this.p = p + 1;
    return stmt === Stmt.Config ? this.config(at) : this.option(stmt === Stmt.List, at);
  }

  private config(at: number): boolean {
    const src = this.src;
    if (!this.token() || this.tokStart === this.tokEnd || !validType(src, this.tokStart, this.tokEnd)) return false;
    const typeStart = this.tokStart;
    const typeEnd = this.tokEnd;
    let nameStart = typeEnd;
    let nameEnd = typeEnd;
    if (this.token()) {
      nameStart = this.tokStart;
      nameEnd = this.tokEnd;
      if (nameStart === nameEnd || nameLength(src, nameStart, nameEnd) !== nameEnd - nameStart) return false;
      if (this.token() || !this.newName(src.toString('latin1', nameStart, nameEnd))) return false;
    }
    if (this.failed) return false;
    this.startSection();
    this.sink.section(src, typeStart, typeEnd, nameStart, nameEnd, at, false);
    return this.endLine(this.p);
  }

  private option(list: boolean, at: number): boolean {
    if (!this.inSection) return false;
    const src = this.src;
    if (!this.token() || this.tokStart === this.tokEnd) return false;
    const nameStart = this.tokStart;
    const nameEnd = this.tokEnd;
    if (nameLength(src, nameStart, nameEnd) !== nameEnd - nameStart) return false;
    if (!this.token() || this.tokStart === this.tokEnd) return false; // an empty value is a no-op or an empty list item
    const valStart = this.tokStart;
    const valEnd = this.tokEnd;
    if (this.token() || this.failed || !this.firstUse(nameStart, nameEnd, list)) return false;
    this.sink.option(src, list, nameStart, nameEnd, valStart, valEnd, at, false, this.text !== null ? this.name : undefined);
    return this.endLine(this.p);
  }

  /** A section name not seen before and not of the anonymous `cfgXXXXXX` form (it could merge). */
  private newName(name: string): boolean {
    if (this.named.has(name) || /^cfg[0-9a-f]{6}$/.test(name)) return false;
    this.named.add(name);
    return true;
  }

  private startSection(): void {
    this.inSection = true;
    if (this.text !== null) this.textOpts.clear();
    this.opts = 0;
    this.namesEnd = 0;
    this.lastList = -1;
  }

  /**
   * True when the name is new in this section, or continues the list just before it; a value
   * replacing an earlier one or list items split by other options reorder what libuci keeps.
   */
  private firstUse(start: number, end: number, list: boolean): boolean {
    if (this.text !== null) return this.firstUseOfName((this.name = this.text.slice(start, end)), list);
    const src = this.src;
    let h = 0;
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + src[i]!) & 0x3fffffff; // a small integer: no heap numbers
    const hashes = this.optHash;
    const k = this.opts;
    const names = this.names;
    if (list && this.lastList === k - 1 && k > 0 && hashes[k - 1] === h && sameBytes(names, this.optStart[k - 1]!, this.optEnd[k - 1]!, src, start, end)) {
      return true;
    }
    for (let i = 0; i < k; i++) {
      if (hashes[i] === h && sameBytes(names, this.optStart[i]!, this.optEnd[i]!, src, start, end)) return false;
    }
    // the name is kept apart from the window, which moves on
    const len = end - start;
    if (this.namesEnd + len > names.length) {
      const bigger = Buffer.allocUnsafe(Math.max(names.length * 2, this.namesEnd + len));
      names.copy(bigger, 0, 0, this.namesEnd);
      this.names = bigger;
    }
    for (let i = 0; i < len; i++) this.names[this.namesEnd + i] = src[start + i]!;
    hashes[k] = h;
    this.optStart[k] = this.namesEnd;
    this.optEnd[k] = this.namesEnd + len;
    this.namesEnd += len;
    this.opts = k + 1;
    this.lastList = list ? k : -1;
    return true;
  }

  /**
   * firstUse with the source as a string: names are kept in a Map (built-in code) rather than
   * hashed and compared byte by byte in JS, which a cold command runs in the interpreter.
   */
  private firstUseOfName(name: string, list: boolean): boolean {
    const k = this.opts;
    const at = this.textOpts.get(name);
    if (at !== undefined) return list && at === k - 1 && this.lastList === k - 1;
    this.textOpts.set(name, k);
    this.opts = k + 1;
    this.lastList = list ? k : -1;
    return true;
  }

  /**
   * The next argument on this line into tokStart/tokEnd; false at the end of the line or a
   * comment, and false with `failed` set on anything but one plain, single- or double-quoted word.
   */
  private token(): boolean {
    const src = this.src;
    const n = this.n;
    let p = this.p;
    let c = src[p]!;
    while (p < n && (c === SP || c === TAB)) c = src[++p]!;
    this.p = p;
    if (p >= n || c === NL || c === HASH) return false;
    if (c === SQ || c === DQ) {
      // the closing quote on this line; a newline or, inside "", a backslash gives up
      const q = c;
      let close = p + 1;
      let d = src[close]!;
      while (close < n && d !== q) {
        if (d === NL || (d === BSL && q === DQ)) return this.fail();
        d = src[++close]!;
      }
      if (close >= n) return this.fail();
      this.tokStart = p + 1;
      this.tokEnd = close;
      p = close + 1;
      c = src[p]!;
      if (p < n && c !== SP && c !== TAB && c !== NL && c !== HASH) return this.fail(); // glued to more text
    } else {
      this.tokStart = p;
      while (p < n && c !== SP && c !== TAB && c !== NL && c !== HASH) {
        if (c === SQ || c === DQ || c === SEMI || c === BSL) return this.fail();
        c = src[++p]!;
      }
      this.tokEnd = p;
    }
    this.p = p;
    return true;
  }

  private fail(): false {
    this.failed = true;
    return false;
  }

  /** After a statement: only blanks or a comment may follow on the line. */
  private endLine(p: number): boolean {
    if (this.failed) return false;
    const src = this.src;
    const n = this.n;
    let c = src[p]!;
    while (p < n && (c === SP || c === TAB)) c = src[++p]!;
    if (p < n && c !== NL && c !== HASH) return false;
    const nl = indexOf.call(src, NL, p);
    this.p = nl < 0 || nl >= n ? n : nl + 1;
    return true;
  }
}

function sameBytes(a: Buffer, aStart: number, aEnd: number, b: Buffer, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

/** src[at, limit) begins with word. */
function startsWith(src: Buffer, at: number, limit: number, word: Buffer): boolean {
  if (at + word.length > limit) return false;
  for (let i = 0; i < word.length; i++) if (src[at + i] !== word[i]) return false;
  return true;
}

/** src[start, end) is the word or its first letter alone. */
function spelled(src: Buffer, start: number, end: number, word: Buffer): boolean {
  const len = end - start;
  if (len === 1) return true;
  if (len !== word.length) return false;
  for (let i = 1; i < len; i++) if (src[start + i] !== word[i]) return false;
  return true;
}

/** The statement keyword src[start, end), spelled out or abbreviated; null for others. */
function keyword(src: Buffer, start: number, end: number): Stmt | null {
  switch (src[start]) {
    case 99: return spelled(src, start, end, CONFIG) ? Stmt.Config : null; // c
    case 111: return spelled(src, start, end, OPTION) ? Stmt.Option : null; // o
    case 108: return spelled(src, start, end, LIST) ? Stmt.List : null; // l
    default: return null; // `package` statements and anything else take the full parser
  }
}

/** How many bytes from `start` (before `limit`) are name characters, `[A-Za-z0-9_]`. */
function nameLength(src: Buffer, start: number, limit: number): number {
  let i = start;
  for (; i < limit; i++) {
    const c = src[i]!;
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95)) break;
  }
  return i - start;
}

/**
 * How many bytes from `start` (before `limit`) can be a section type written bare and
 * exported as it is: printable ASCII without the quotes, `#`, `;` and `\`.
 */
function typeLength(src: Buffer, start: number, limit: number): number {
  let i = start;
  for (; i < limit; i++) {
    const c = src[i]!;
    if (c < 33 || c > 126 || c === SQ || c === DQ || c === HASH || c === SEMI || c === BSL) break;
  }
  return i - start;
}

/** Section types: printable ASCII. */
function validType(src: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    if (c < 33 || c > 126) return false;
  }
  return true;
}
