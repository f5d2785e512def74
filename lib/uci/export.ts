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
  done(): string;
}

class StringSink implements Sink {
  private out = '';
  add(s: string): void {
    this.out += s;
  }
  done(): string {
    return this.out;
  }
}

/**
 * Text of one byte per character written into buffer-sized chunks: a big package concatenated
 * as a string leaves a rope of hundreds of thousands of pieces for the GC to copy.
 */
class Latin1Sink implements Sink {
  private readonly chunks: string[] = [];
  private buf = Buffer.allocUnsafe(1 << 20);
  private n = 0;
  add(s: string): void {
    if (this.n + s.length > this.buf.length) {
      this.chunks.push(this.buf.toString('latin1', 0, this.n));
      this.n = 0;
      if (s.length > this.buf.length) this.buf = Buffer.allocUnsafe(s.length);
    }
    this.n += this.buf.write(s, this.n, 'latin1');
  }
  done(): string {
    this.chunks.push(this.buf.toString('latin1', 0, this.n));
    return this.chunks.length === 1 ? this.chunks[0]! : this.chunks.join('');
  }
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
  return out.done();
}

function addBody(out: Sink, pkg: UciPackage | Document, anonymousNames: boolean): string {
  if ('toPackage' in pkg) {
    const sections = pkg.sections;
    for (let j = 0; j < sections.length; j++) {
      const s = sections[j]!;
      out.add('\n');
      out.add(sectionHeader(s.type, s.name, s.anonymous, anonymousNames));
      const opts = s.options;
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
  return out.done();
}

const sinkFor = (pkg: UciPackage | Document): Sink => ('latin1' in pkg && pkg.latin1 ? new Latin1Sink() : new StringSink());

/** The package body: each section as `\nconfig …` with its options, then one final newline. */
export function canonicalBody(pkg: UciPackage | Document, anonymousNames = false): string {
  return addBody(sinkFor(pkg), pkg, anonymousNames);
}

/** Exactly what `uci export <pkg>` prints. */
export function exportText(pkg: UciPackage | Document, opts: { anonymousNames?: boolean } = {}): string {
  const out = sinkFor(pkg);
  out.add(`package ${escape(pkg.name)}\n`);
  return addBody(out, pkg, opts.anonymousNames ?? false);
}
