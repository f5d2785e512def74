// `uci export` of a package with no staged changes, straight from the file's bytes to libuci's
// canonical text, without building a Document: on a 20000-section file the model's strings and
// objects cost more than the parsing itself, a command runs cold (the work per byte must be small
// before the JIT has optimised anything), and fresh memory is slow to touch (page faults: 30-45
// ms for 6.4 MB on this machine). So the file is read through one reused window, and the result
// is a plan: ranges of the file that are output as they are (lines already in canonical form,
// as libuci writes them) and the text of the lines that are not; the ranges are read again
// while writing. Other plain lines are tokenised here. Anything else (continuations, escapes, `;`, NUL and other rare control
// bytes, repeated names, a section named like an anonymous one, errors) returns null, so that
// the full parser, which reproduces libuci's every quirk, decides those.

import { closeSync, readSync } from 'node:fs';

const SP = 32;
const TAB = 9;
const NL = 10;
const HASH = 35;
const SQ = 39;
const DQ = 34;
const SEMI = 59;
const BSL = 92;

const enum Stmt { Config, Option, List }

/** Bytes that make the fast path give up anywhere in the file (libuci treats them specially). */
const RARE = [0, 11, 12, 13];

const CONFIG = Buffer.from('config');
const OPTION = Buffer.from('option');
const LIST = Buffer.from('list');
const CONFIG_SP = Buffer.from('config ');
const TAB_OPTION_SP = Buffer.from('\toption ');
const TAB_LIST_SP = Buffer.from('\tlist ');

// The typed array built-in, not Buffer's override: no call into C++ per line.
const indexOf: (this: Uint8Array, byte: number, from: number) => number = Uint8Array.prototype.indexOf;

/** Bytes [from, to) of the source, output as they are. */
export interface SourceRange {
  from: number;
  to: number;
}

export type ExportPiece = Buffer | SourceRange;

/** pread(2): reads up to `length` bytes at `position` of the source into buf at `offset`. */
export type ReadAt = (buf: Buffer, offset: number, length: number, position: number) => number;

class FastExport {
  /** The window on the source: src[0] is byte `base`; src[0, lim) is loaded, src[0, n) holds whole lines. */
  private src: Buffer;
  private base = 0;
  private lim = 0;
  private n = 0;
  private eof = false;
  /** Where the last line was, if it was exactly a newline (the blank line export writes before a section), or -1. */
  private prevBlank = -1;
  /** The output: runs of the source and, between them, text written into `out`. */
  private readonly pieces: ExportPiece[] = [];
  private out = Buffer.allocUnsafe(16384);
  private o = 0;
  /** Where the text not yet in `pieces` starts in `out`. */
  private textStart = 0;
  private p = 0;
  /** Start (in the source) of the bytes output as they are not yet in `pieces`, or -1. */
  private run = -1;
  /** A blank line inside the run (in the source), kept only if a section follows, or -1. */
  private blank = -1;
  private tokStart = 0;
  private tokEnd = 0;
  /** Names of named sections so far: a repeat merges sections in libuci. */
  private readonly named = new Set<string>();
  private inSection = false;
  /** The current section's option names (hash, place in `names`), to detect repeats; reused. */
  private opts = 0;
  private readonly optHash: number[] = [];
  private readonly optStart: number[] = [];
  private readonly optEnd: number[] = [];
  private names = Buffer.allocUnsafe(256);
  private namesEnd = 0;
  private lastList = -1;
  private failed = false;

  constructor(private readonly readAt: ReadAt, window: number) {
    this.src = Buffer.allocUnsafe(window);
  }

  export(pkg: Buffer): ExportPiece[] | null {
    this.ensure(16 + 4 * pkg.length);
    this.lit('package ');
    this.copyEscaped(pkg, 0, pkg.length);
    this.byte(NL);
    while (this.more()) {
      const loaded = this.src.subarray(0, this.lim);
      if (RARE.some((b) => loaded.indexOf(b) >= 0)) return null;
      while (this.p < this.n) {
        if (!this.canonicalLine() && !this.line()) return null;
      }
    }
    this.flush(this.base + this.p);
    this.ensure(1);
    this.byte(NL);
    this.closeText();
    return this.pieces;
  }

  /** Moves the window past the lines done and loads more; false at the end of the source. */
  private more(): boolean {
    if (this.eof) return false;
    const src0 = this.src;
    const keep = this.lim - this.p;
    if (this.p > 0) src0.copyWithin(0, this.p, this.lim);
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
   * 'value'`, `\tlist name 'value'`, each ending in a newline), or a blank line, joins the run
   * of bytes copied as they are. False, with nothing consumed, otherwise.
   */
  private canonicalLine(): boolean {
    const src = this.src;
    const p = this.p;
    const at = this.base + p;
    const nl = indexOf.call(src, NL, p);
    if (nl < 0 || nl >= this.n) return false;
    const c = src[p];
    if (c === TAB) {
      let nameStart: number;
      let list: boolean;
      if (startsWith(src, p, nl, TAB_OPTION_SP)) {
        nameStart = p + 8;
        list = false;
      } else if (startsWith(src, p, nl, TAB_LIST_SP)) {
        nameStart = p + 6;
        list = true;
      } else {
        return false;
      }
      const nameEnd = nameLength(src, nameStart, nl) + nameStart;
      if (nameEnd === nameStart || src[nameEnd] !== SP || src[nameEnd + 1] !== SQ) return false;
      // a non-empty value with no quote in it, closed at the end of the line
      if (nl === nameEnd + 3 || indexOf.call(src, SQ, nameEnd + 2) !== nl - 1) return false;
      if (!this.inSection || !this.firstUse(nameStart, nameEnd, list)) return false;
      if (this.blank >= 0) this.flush(at); // the blank line was inside a section: dropped
      if (this.run < 0) this.run = at;
    } else if (c === NL) {
      if (this.blank >= 0) this.flush(at);
      else if (this.run >= 0) this.blank = at;
    } else if (startsWith(src, p, nl, CONFIG_SP)) {
      const typeEnd = typeLength(src, p + 7, nl) + p + 7;
      if (typeEnd === p + 7) return false;
      if (typeEnd !== nl) {
        const nameEnd = nameLength(src, typeEnd + 2, nl) + typeEnd + 2;
        if (src[typeEnd] !== SP || src[typeEnd + 1] !== SQ || nameEnd === typeEnd + 2 || nameEnd !== nl - 1 || src[nameEnd] !== SQ) return false;
        if (!this.newName(src.toString('latin1', typeEnd + 2, nameEnd))) return false;
      }
      this.startSection();
      if (this.blank >= 0) {
        this.blank = -1; // the blank line before it is export's
      } else if (this.run >= 0) {
        this.flush(at);
        this.ensure(1);
        this.byte(NL);
        this.run = at;
      } else if (this.prevBlank >= 0 && this.prevBlank === at - 1) {
        this.run = at - 1; // the blank line before it
      } else {
        this.ensure(1);
        this.byte(NL);
        this.run = at;
      }
    } else {
      return false;
    }
    this.prevBlank = c === NL ? at : -1;
    this.p = nl + 1;
    return true;
  }

  /** Ends the pending run at `end`, or at a blank line pending in it. */
  private flush(end: number): void {
    if (this.run < 0) return;
    this.closeText();
    this.pieces.push({ from: this.run, to: this.blank >= 0 ? this.blank : end });
    this.run = -1;
    this.blank = -1;
  }

  private closeText(): void {
    if (this.o === this.textStart) return;
    this.pieces.push(this.out.subarray(this.textStart, this.o));
    this.textStart = this.o;
  }

  /** Any other line, tokenised; false when it is outside what this path handles. */
  private line(): boolean {
    const src = this.src;
    const n = this.n;
    this.flush(this.base + this.p); // a pending blank line is dropped: this line's output (if any) brings its own
    this.prevBlank = -1;
    let p = this.p;
    let c = src[p]!;
    while (p < n && (c === SP || c === TAB)) c = src[++p]!;
    if (p >= n || c === NL || c === HASH) return this.endLine(p);
    const kwStart = p;
    while (p < n && c !== SP && c !== TAB && c !== NL) c = src[++p]!;
    if (p >= n || (c !== SP && c !== TAB)) return false; // a keyword must be followed by a blank (libuci's strtok)
    const stmt = keyword(src, kwStart, p);
    if (stmt === null) return false;
    this.p = p + 1;
    return stmt === Stmt.Config ? this.config() : this.option(stmt === Stmt.List);
  }

  private config(): boolean {
    const src = this.src;
    if (!this.token() || this.tokStart === this.tokEnd || !validType(src, this.tokStart, this.tokEnd)) return false;
    const typeStart = this.tokStart;
    const typeEnd = this.tokEnd;
    let nameStart = 0;
    let nameEnd = 0;
    if (this.token()) {
      nameStart = this.tokStart;
      nameEnd = this.tokEnd;
      if (nameStart === nameEnd || nameLength(src, nameStart, nameEnd) !== nameEnd - nameStart) return false;
      if (this.token() || !this.newName(src.toString('latin1', nameStart, nameEnd))) return false;
    }
    this.startSection();
    this.ensure(16 + 4 * (typeEnd - typeStart + nameEnd - nameStart));
    this.lit('\nconfig ');
    this.copyEscaped(src, typeStart, typeEnd);
    if (nameEnd > nameStart) {
      this.lit(" '");
      this.copyEscaped(src, nameStart, nameEnd);
      this.byte(SQ);
    }
    this.byte(NL);
    return this.endLine(this.p);
  }

  private option(list: boolean): boolean {
    if (!this.inSection) return false;
    const src = this.src;
    if (!this.token() || this.tokStart === this.tokEnd) return false;
    const nameStart = this.tokStart;
    const nameEnd = this.tokEnd;
    if (nameLength(src, nameStart, nameEnd) !== nameEnd - nameStart) return false;
    if (!this.token() || this.tokStart === this.tokEnd) return false; // an empty value is a no-op or an empty list item
    const valStart = this.tokStart;
    const valEnd = this.tokEnd;
    if (this.token() || !this.firstUse(nameStart, nameEnd, list)) return false;
    this.ensure(20 + (nameEnd - nameStart) + 4 * (valEnd - valStart));
    this.lit(list ? '\tlist ' : '\toption ');
    this.copyEscaped(src, nameStart, nameEnd);
    this.lit(" '");
    this.copyEscaped(src, valStart, valEnd);
    this.lit("'\n");
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
    this.opts = 0;
    this.namesEnd = 0;
    this.lastList = -1;
  }

  /**
   * True when the name is new in this section, or continues the list just before it; a value
   * replacing an earlier one or list items split by other options reorder what libuci keeps.
   */
  private firstUse(start: number, end: number, list: boolean): boolean {
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

  /** Room for `extra` more bytes of text (fresh memory is costly: it grows only when needed). */
  private ensure(extra: number): void {
    if (this.o + extra <= this.out.length) return;
    this.closeText();
    this.out = Buffer.allocUnsafe(Math.max(this.out.length * 2, extra));
    this.o = 0;
    this.textStart = 0;
  }

  private byte(b: number): void {
    this.out[this.o++] = b;
  }

  private lit(s: string): void {
    for (let i = 0; i < s.length; i++) this.out[this.o++] = s.charCodeAt(i);
  }

  /** libuci's uci_escape on bytes: `'` becomes `'\''`. */
  private copyEscaped(from: Buffer, start: number, end: number): void {
    const out = this.out;
    let o = this.o;
    for (let i = start; i < end; i++) {
      const b = from[i]!;
      if (b === SQ) {
        out[o++] = SQ;
        out[o++] = BSL;
        out[o++] = SQ;
      }
      out[o++] = b;
    }
    this.o = o;
  }
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

/**
 * What `uci export <pkg>` prints for a source with no staged changes, as a plan: text, and
 * ranges of the source output as they are. Null when the source needs the full parser. `pkg` is
 * the package name's bytes; `window` the size of the buffer the source is read through.
 */
export function planExport(readAt: ReadAt, pkg: Buffer, window = 1 << 18): ExportPiece[] | null {
  return new FastExport(readAt, window).export(pkg);
}

/** planExport over bytes in memory; the pieces are views of `src` (nothing is copied). */
export function exportFileBytes(src: Buffer, pkg: Buffer, window?: number): Buffer[] | null {
  const readAt: ReadAt = (buf, offset, length, position) => src.copy(buf, offset, position, Math.min(src.length, position + length));
  const plan = planExport(readAt, pkg, window ?? Math.max(src.length, 1));
  return plan && plan.map((p) => (Buffer.isBuffer(p) ? p : src.subarray(p.from, p.to)));
}

/** Writes an export through `write`, which must write all it is given. */
export type ExportWriter = (write: (bytes: Buffer) => void) => void;

/** Files up to this size are read whole: the fresh memory costs less than a second read. */
const READ_WHOLE = 1 << 20;

/**
 * The export of an open regular file of `size` bytes, or null (fd then closed). A big file is
 * planned through a window and read again through the same descriptor when written (a commit
 * replacing the file meanwhile does not change what is printed), which closes it.
 */
export function exportOpenFile(fd: number, size: number, pkg: Buffer): ExportWriter | null {
  if (size <= READ_WHOLE) {
    const bytes = Buffer.allocUnsafe(size);
    let got = 0;
    try {
      for (let n; got < size && (n = readSync(fd, bytes, got, size - got, got)) > 0;) got += n;
    } finally {
      closeSync(fd);
    }
    const pieces = exportFileBytes(bytes.subarray(0, got), pkg);
    return pieces && ((write) => pieces.forEach((p) => write(p)));
  }
  const readAt: ReadAt = (buf, offset, length, position) => readSync(fd, buf, offset, length, position);
  const plan = planExport(readAt, pkg);
  if (!plan) {
    closeSync(fd);
    return null;
  }
  return (write) => {
    try {
      writePlan(plan, readAt, write);
    } finally {
      closeSync(fd);
    }
  };
}

/**
 * Writes a plan: its text, and each range read again through `readAt` into one reused buffer.
 * `write` must write all it is given.
 */
export function writePlan(plan: ExportPiece[], readAt: ReadAt, write: (bytes: Buffer) => void): void {
  let buf: Buffer | null = null;
  for (const piece of plan) {
    if (Buffer.isBuffer(piece)) {
      write(piece);
      continue;
    }
    buf ??= Buffer.allocUnsafe(1 << 18);
    for (let at = piece.from; at < piece.to;) {
      const got = readAt(buf, 0, Math.min(buf.length, piece.to - at), at);
      if (got === 0) throw new Error('the file being exported was shortened while it was written');
      write(buf.subarray(0, got));
      at += got;
    }
  }
}
