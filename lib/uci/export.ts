// libuci's canonical text (file.c uci_export_package): what `uci export` prints and what a
// commit writes (the same without the `package` line).

import type { Document } from './document.js';
import type { OptionValue, UciPackage } from './types.js';

/** libuci's uci_escape: every `'` becomes `'\''`, nothing else changes. */
export function escape(s: string): string {
  return s.indexOf("'") < 0 ? s : s.replaceAll("'", "'\\''");
}

export function sectionHeader(type: string, name: string, anonymous: boolean, names: boolean): string {
  return anonymous && !names ? `config ${escape(type)}\n` : `config ${escape(type)} '${escape(name)}'\n`;
}

interface Sink {
  add(s: string): void;
}

class StringSink implements Sink {
  out = '';
  add(s: string): void {
    this.out += s;
  }
}

/**
 * Text written as bytes into a 1 MB buffer, handed to `flush` each time it fills and at `end`
 * (the chunk's memory is reused after). A big package concatenated as a string would leave a
 * rope of hundreds of thousands of pieces for the GC to copy; a commit writes the chunks to the
 * file as they come, never holding the whole text.
 */
class ByteSink implements Sink {
  private buf = Buffer.allocUnsafe(1 << 20);
  private n = 0;
  constructor(
    private readonly encoding: 'latin1' | 'utf8',
    private readonly flush: (chunk: Buffer) => void,
  ) {}

  add(s: string): void {
    const most = this.encoding === 'latin1' ? s.length : s.length * 3;
    if (this.n + most > this.buf.length) {
      this.end();
      if (most > this.buf.length) this.buf = Buffer.allocUnsafe(most);
    }
    this.n += this.buf.write(s, this.n, this.encoding);
  }

  end(): void {
    if (this.n > 0) this.flush(this.buf.subarray(0, this.n));
    this.n = 0;
  }
}

/** The text `fill` writes: in buffer-sized chunks for a package of one byte per character. */
function textOf(pkg: UciPackage | Document, fill: (out: Sink) => void): string {
  if (!('latin1' in pkg && pkg.latin1)) {
    const out = new StringSink();
    fill(out);
    return out.out;
  }
  const chunks: string[] = [];
  const out = new ByteSink('latin1', (chunk) => chunks.push(chunk.toString('latin1')));
  fill(out);
  out.end();
  return chunks.length === 1 ? chunks[0]! : chunks.join('');
}

// One string per line: each write into the buffer has a fixed cost worth more than the copy.
function addOption(out: Sink, name: string, value: OptionValue): void {
  const n = escape(name);
  if (typeof value === 'string') {
    out.add(`\toption ${n} '${escape(value)}'\n`);
    return;
  }
  for (let i = 0; i < value.length; i++) out.add(`\tlist ${n} '${escape(value[i]!)}'\n`);
}

export function optionLines(name: string, value: OptionValue): string {
  const out = new StringSink();
  addOption(out, name, value);
  return out.out;
}

function addBody(out: Sink, pkg: UciPackage | Document, anonymousNames: boolean): void {
  if ('toPackage' in pkg) {
    const sections = pkg.sections;
    for (let j = 0; j < sections.length; j++) {
      const s = sections[j]!;
      out.add('\n');
      out.add(sectionHeader(s.type, s.name, s.anonymous, anonymousNames));
      const opts = s.peekOptions();
      for (let i = 0; i < opts.length; i++) addOption(out, opts[i]!.name, opts[i]!.value);
    }
  } else {
    for (const s of pkg.sections) {
      out.add('\n');
      out.add(sectionHeader(s.type, s.name, s.anonymous, anonymousNames));
      for (const [name, value] of s.options) addOption(out, name, value);
    }
  }
  out.add('\n');
}

/** The package body: each section as `\nconfig …` with its options, then one final newline. */
export function canonicalBody(pkg: UciPackage | Document, anonymousNames = false): string {
  return textOf(pkg, (out) => addBody(out, pkg, anonymousNames));
}

/** canonicalBody as bytes in the document's encoding, handed to `write` a chunk at a time (reused after). */
export function writeCanonicalBody(doc: Document, anonymousNames: boolean, write: (chunk: Buffer) => void): void {
  const out = new ByteSink(doc.latin1 ? 'latin1' : 'utf8', write);
  addBody(out, doc, anonymousNames);
  out.end();
}

/** Exactly what `uci export <pkg>` prints. */
export function exportText(pkg: UciPackage | Document, opts: { anonymousNames?: boolean } = {}): string {
  return textOf(pkg, (out) => {
    out.add(`package ${escape(pkg.name)}\n`);
    addBody(out, pkg, opts.anonymousNames ?? false);
  });
}
