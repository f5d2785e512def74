// A package's plain data straight from its file's bytes (scan-fast.ts), for commands that only
// read it (`fw4 print`): no Document. Null when the full parser must read the file.

import { anonymousName } from './document.js';
import { isAscii } from 'node:buffer';
import { scanBytes, type ScanSink } from './scan-fast.js';
import type { OptionValue, UciPackage, UciSection } from './types.js';

class PackageSink implements ScanSink {
  readonly sections: UciSection[] = [];
  private options = new Map<string, OptionValue>();

  /**
   * `text`: the whole source as a string when it is ASCII, so that names and values are slices
   * of it (cheap in JS) rather than one decoding call into C++ each.
   */
  constructor(private readonly encoding: 'utf8' | 'latin1', private readonly text: string | null) {}

  private slice(src: Buffer, start: number, end: number, encoding: 'utf8' | 'latin1'): string {
    return this.text === null ? src.toString(encoding, start, end) : this.text.slice(start, end);
  }

  section(src: Buffer, ts: number, te: number, ns: number, ne: number): void {
    const type = this.slice(src, ts, te, 'latin1'); // printable ASCII: the scan accepts no other
    const anonymous = ns === ne;
    const index = this.sections.length;
    // every section is a new one (the scan refuses repeated names): libuci's counter is index + 1
    const name = anonymous ? anonymousName(index + 1, type, this.encoding === 'latin1') : this.slice(src, ns, ne, 'latin1');
    this.options = new Map();
    this.sections.push({ type, name, anonymous, index, options: this.options });
  }

  option(src: Buffer, list: boolean, ns: number, ne: number, vs: number, ve: number, _at: number, _canonical: boolean, known?: string): void {
    const name = known ?? this.slice(src, ns, ne, 'latin1');
    const value = this.slice(src, vs, ve, this.encoding);
    if (!list) {
      this.options.set(name, value);
      return;
    }
    // the scan passes list items of one name only one after the other
    const items = this.options.get(name);
    if (Array.isArray(items)) items.push(value);
    else this.options.set(name, [value]);
  }

  blank(): void {}

  other(): void {}
}

/**
 * The package in `src` as plain data, as parseDocument(...).toPackage() gives it, or null when
 * the file needs the full parser. `encoding` decodes values (the library reads UTF-8; the
 * `uci` command one byte per character).
 */
export function readPackageBytes(src: Buffer, name: string, encoding: 'utf8' | 'latin1' = 'utf8'): UciPackage | null {
  const text = isAscii(src) ? src.toString('latin1') : null;
  const sink = new PackageSink(encoding, text);
  return scanBytes(src, sink, text) ? { name, sections: sink.sections } : null;
}
