// `uci export` of a package with no staged changes, straight from the file's bytes to libuci's
// canonical text (scan-fast.ts reads the statements). The result is a plan: ranges of the file
// output as they are (lines already in canonical form, as libuci writes them) and the text of
// the lines that are not; for a big file the ranges are read again while writing, so neither
// the file nor the output is ever held in fresh memory.

import { closeSync, readFileSync, readSync } from 'node:fs';
import { bytesReader, scanPackage, type ReadAt, type ScanSink } from './scan-fast.js';

const NL = 10;
const SQ = 39;
const BSL = 92;

/** Bytes [from, to) of the source, output as they are. */
interface SourceRange {
  from: number;
  to: number;
}

type ExportPiece = Buffer | SourceRange;

class ExportSink implements ScanSink {
  /** The output: runs of the source and, between them, text written into `out`. */
  readonly pieces: ExportPiece[] = [];
  private out = Buffer.allocUnsafe(16384);
  private o = 0;
  /** Where the text not yet in `pieces` starts in `out`. */
  private textStart = 0;
  /** Start (in the source) of the bytes output as they are not yet in `pieces`, or -1. */
  private run = -1;
  /** A blank line inside the run (in the source), kept only if a section follows, or -1. */
  private pendingBlank = -1;
  /** Where the last line was, if it was exactly a newline (the blank line export writes before a section), or -1. */
  private prevBlank = -1;

  constructor(pkg: Buffer) {
    this.ensure(16 + 4 * pkg.length);
    this.lit('package ');
    this.copyEscaped(pkg, 0, pkg.length);
    this.byte(NL);
  }

  finish(): ExportPiece[] {
    this.ensure(1);
    this.byte(NL);
    this.closeText();
    return this.pieces;
  }

  section(src: Buffer, ts: number, te: number, ns: number, ne: number, at: number, canonical: boolean): void {
    const prevBlank = this.prevBlank;
    this.prevBlank = -1;
    if (!canonical) {
      this.flush(at);
      this.ensure(16 + 4 * (te - ts + ne - ns));
      this.lit('\nconfig ');
      this.copyEscaped(src, ts, te);
      if (ne > ns) {
        this.lit(" '");
        this.copyEscaped(src, ns, ne);
        this.byte(SQ);
      }
      this.byte(NL);
    } else if (this.pendingBlank >= 0) {
      this.pendingBlank = -1; // the blank line before it is export's
    } else if (this.run >= 0) {
      this.flush(at);
      this.ensure(1);
      this.byte(NL);
      this.run = at;
    } else if (prevBlank >= 0 && prevBlank === at - 1) {
      this.run = at - 1; // the blank line before it
    } else {
      this.ensure(1);
      this.byte(NL);
      this.run = at;
    }
  }

  option(src: Buffer, list: boolean, ns: number, ne: number, vs: number, ve: number, at: number, canonical: boolean): void {
    this.prevBlank = -1;
    if (canonical) {
      if (this.pendingBlank >= 0) this.flush(at); // the blank line was inside a section: dropped
      if (this.run < 0) this.run = at;
      return;
    }
    this.flush(at);
    this.ensure(20 + (ne - ns) + 4 * (ve - vs));
    this.lit(list ? '\tlist ' : '\toption ');
    this.copyEscaped(src, ns, ne);
    this.lit(" '");
    this.copyEscaped(src, vs, ve);
    this.lit("'\n");
  }

  blank(at: number): void {
    if (this.pendingBlank >= 0) this.flush(at);
    else if (this.run >= 0) this.pendingBlank = at;
    this.prevBlank = at;
  }

  other(at: number): void {
    this.flush(at); // a pending blank line is dropped: what follows brings its own
    this.prevBlank = -1;
  }

  /** Ends the pending run at `end`, or at a blank line pending in it. */
  private flush(end: number): void {
    if (this.run < 0) return;
    this.closeText();
    this.pieces.push({ from: this.run, to: this.pendingBlank >= 0 ? this.pendingBlank : end });
    this.run = -1;
    this.pendingBlank = -1;
  }

  private closeText(): void {
    if (this.o === this.textStart) return;
    this.pieces.push(this.out.subarray(this.textStart, this.o));
    this.textStart = this.o;
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

/**
 * What `uci export <pkg>` prints for a source with no staged changes, as a plan: text, and
 * ranges of the source output as they are. Null when the source needs the full parser. `pkg` is
 * the package name's bytes; `window` the size of the buffer the source is read through.
 */
function planExport(readAt: ReadAt, pkg: Buffer, window = 1 << 18): ExportPiece[] | null {
  const sink = new ExportSink(pkg);
  return scanPackage(readAt, sink, window) ? sink.finish() : null;
}

/** planExport over bytes in memory; the pieces are views of `src` (nothing is copied). */
export function exportFileBytes(src: Buffer, pkg: Buffer, window?: number): Buffer[] | null {
  const plan = planExport(bytesReader(src), pkg, window ?? Math.max(src.length, 1));
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
    let bytes: Buffer;
    try {
      bytes = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
    const pieces = exportFileBytes(bytes, pkg);
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
function writePlan(plan: ExportPiece[], readAt: ReadAt, write: (bytes: Buffer) => void): void {
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
