// The commands' fast paths (lib/uci/scan-fast.ts) against the full parser: on any input, the
// export straight from the bytes (export-fast.ts) and the plain data straight from the bytes
// (read-fast.ts) either decline (null) or give exactly what the parser gives.

import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { exportFileBytes, type ExportWriter } from '../../lib/uci/export-fast.js';
import { readPackageBytes } from '../../lib/uci/read-fast.js';
import { Cursor, exportText, parseDocument } from '../../lib/uci/index.js';

/** The parser's export of the bytes, or null where the parser reports an error. */
function slow(bytes: Buffer): string | null {
  try {
    return exportText(parseDocument(bytes.toString('latin1'), { name: 'pkg', latin1: true, trivia: false }));
  } catch {
    return null;
  }
}

function fast(text: string | Buffer, window?: number): string | null {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const pieces = exportFileBytes(bytes, Buffer.from('pkg'), window);
  return pieces && Buffer.concat(pieces).toString('latin1');
}

/**
 * Asserts the fast path agrees with the parser, whatever the window the file is read through
 * (lines then cross window boundaries), and returns whether it answered.
 */
function agrees(text: string): boolean {
  const got = fast(text);
  for (const window of [1, 7, 64]) expect(fast(text, window)).toBe(got);
  const bytes = Buffer.from(text, 'latin1');
  const data = readPackageBytes(bytes, 'pkg', 'latin1');
  expect(data === null).toBe(got === null); // both scan the same way
  if (got === null) return false;
  expect(got).toBe(slow(bytes));
  expect(data).toEqual(parseDocument(text, { name: 'pkg', latin1: true, trivia: false }).toPackage());
  return true;
}

describe('export from bytes', () => {
  test('files as libuci writes them are exported without the parser, byte for byte', () => {
    const canonical = "\nconfig zone 'lan'\n\toption name 'lan'\n\tlist network 'lan'\n\tlist network 'lan6'\n\nconfig rule\n\toption src 'wan'\n\toption target 'ACCEPT'\n\n";
    expect(agrees(canonical)).toBe(true);
    expect(fast(canonical)).toBe(`package pkg\n${canonical}`);
  });

  test('layouts that differ from libuci are normalised as the parser does', () => {
    const cases = [
      "config zone\n\toption a 'b'\nconfig rule\n\toption c 'd'\n", // no blank line between sections
      "\n\n\nconfig zone\n\n\n\toption a 'b'\n\n\n", // blank runs, one inside a section
      "# head\nconfig zone # named below\n  option a b   # plain value\n\to x \"it's\"\n\tl l1 'v 1'\n\tlist l1 v2\n# tail",
      "c t 'n1'\n\toption a 'b'\nc t n2\n\toption a 'with \\ backslash'", // abbreviations, no final newline
      "config 't#x'\n\toption a 'b'\n", // quoted type with a hash
      "config zone\n\toption a 'b'\n\n# between\n\nconfig rule\n\toption a 'c'\n",
      '\tconfig zone\n\toption  a\t"x y"\t\n',
      "config zone\n\toption a 'tab\there é\xff'\n",
    ];
    for (const c of cases) expect(agrees(c), JSON.stringify(c)).toBe(true);
  });

  test('what only the parser can decide is declined', () => {
    const cases = [
      "config a 'n'\n\toption x 'y'\nconfig a 'n'\n\toption z 'w'\n", // named twice: libuci merges
      "config a 'cfg0a1b2c'\n\toption x 'y'\n", // could merge with an anonymous section
      "config a\n\toption x 'y'\n\toption x 'z'\n", // a later value replaces an earlier one
      "config a\n\tlist x 'y'\n\toption z 'w'\n\tlist x 'v'\n", // list items apart
      "config a\n\toption x 'y'\n\tlist x 'v'\n", // option turned into a list
      "config a\r\n\toption x 'y'\r\n",
      "config a\n\toption x 'y\0z'\n",
      "config a\n\toption x 'multi\nline'\n",
      'config a\n\toption x "esc\\"aped"\n',
      "config a\n\toption x y; option z w\n",
      "config a\n\toption x ab'cd'\n",
      "config a\n\toption x ''\n",
      "config a\n\toption x\n",
      "\toption x 'y'\n", // before any section
      "package other\nconfig a\n",
      "config a b c\n",
      "config a 'b c'\n",
      "config\n",
      "bogus a\n",
    ];
    for (const c of cases) for (const window of [undefined, 5]) expect(fast(c, window), JSON.stringify(c)).toBeNull();
  });

  test('on generated line soups it never disagrees with the parser', () => {
    const blank = fc.constantFrom(' ', '\t', '  ', '');
    const word = fc.constantFrom('a', 'b', 'x_1', 'cfg0a1b2c', 'zone', 'it\'s', 'a b', 'é', '#c', 'v;w', 'back\\slash', '');
    const quoted = word.chain((w) => fc.constantFrom(w, `'${w}'`, `"${w}"`, `${w}'q'`));
    const keyword = fc.constantFrom('config', 'c', 'option', 'o', 'list', 'l', 'package', 'conf', '#');
    const line = fc.tuple(blank, keyword, fc.array(fc.tuple(fc.constantFrom(' ', '\t', '  '), quoted), { maxLength: 3 }), fc.constantFrom('', ' # note', '\r'))
      .map(([lead, kw, args, tail]) => lead + kw + args.map(([sp, a]) => sp + a).join('') + tail);
    const file = fc.array(fc.oneof(line, fc.constant(''), fc.constant('config t'), fc.constant("\toption n 'v'")), { maxLength: 14 })
      .chain((lines) => fc.boolean().map((nl) => lines.join('\n') + (nl ? '\n' : '')));
    let answered = 0;
    fc.assert(fc.property(file, (text) => {
      if (agrees(text)) answered++;
    }), { numRuns: 3000 });
    expect(answered).toBeGreaterThan(100); // the comparison ran on many files, not only on refusals
  });
});

describe('plain data from bytes', () => {
  test('UTF-8 values and generated anonymous names are those of the parser', () => {
    const text = "config zone\n\toption name 'réseau'\n\tlist network 'lan'\n\tlist network 'wan'\n\nconfig rule 'r1'\n\toption src 'lan'\n\nconfig zone\n\toption name 'wan'\n";
    const data = readPackageBytes(Buffer.from(text, 'utf8'), 'firewall');
    expect(data).toEqual(parseDocument(text, { name: 'firewall', trivia: false }).toPackage());
    expect(data!.sections.map((s) => s.name)).toEqual(['cfg01dc81', 'r1', 'cfg03dc81']);
  });

  test('an ASCII file (names and values sliced from one decoded string) and the same with one byte over 127 agree with the parser', () => {
    const ascii = "config zone\n\toption name 'lan'\n\tlist network 'lan'\n\tlist network 'wan6'\n\nconfig rule 'r1'\n\toption src 'lan'\n\toption name 'Allow-x'\n";
    for (const text of [ascii, ascii.replace('Allow-x', 'Allow-\u00e9')]) {
      for (const encoding of ['utf8', 'latin1'] as const) {
        const data = readPackageBytes(Buffer.from(text, encoding), 'firewall', encoding);
        expect(data).not.toBeNull();
        expect(data).toEqual(parseDocument(text, { name: 'firewall', latin1: encoding === 'latin1', trivia: false }).toPackage());
      }
    }
  });
});

describe('Cursor.exportUnchanged', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'uci-export-fast-'));
    mkdirSync(join(dir, 'conf'));
    mkdirSync(join(dir, 'save'));
    writeFileSync(join(dir, 'conf', 'net'), "config iface 'lan'\n\toption proto 'static'\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cursor = (): Cursor => new Cursor({ confdir: join(dir, 'conf'), savedir: join(dir, 'save'), latin1: true });
  const written = (writer: ExportWriter | null): string | null => {
    if (!writer) return null;
    const out: Buffer[] = [];
    writer((b) => out.push(Buffer.from(b))); // a copy: the writer reuses its buffer
    return Buffer.concat(out).toString('latin1');
  };

  test('answers for a package with nothing staged', () => {
    expect(written(cursor().exportUnchanged('net'))).toBe("package net\n\nconfig iface 'lan'\n\toption proto 'static'\n\n");
  });

  test('a file bigger than the window is planned, then read again while written', () => {
    const sections = Array.from({ length: 10000 }, (_, i) => (i % 3 === 0
      ? `config rule 'r${i}'\n\toption name 'rule ${i}'\n\tlist port '${i}'\n\tlist port '${i + 1}'\n\toption note "it's ${i}"   # kept apart\n`
      : `# section ${i}\nconfig zone\n\toption name 'zone ${i} with a value long enough to fill lines up'\n\toption input 'ACCEPT'\n\n`));
    const text = sections.join('\n');
    expect(text.length).toBeGreaterThan(1 << 20);
    writeFileSync(join(dir, 'conf', 'pkg'), text, 'latin1');
    expect(written(cursor().exportUnchanged('pkg'))).toBe(slow(Buffer.from(text, 'latin1')));
  });

  test('declines when changes are staged, so that export shows them', () => {
    const c = cursor();
    c.set('net', 'lan', 'proto', 'dhcp');
    expect(c.exportUnchanged('net')).toBeNull();
    expect(cursor().exportUnchanged('net')).toBeNull();
    expect(exportText(cursor().loadPackage('net').doc)).toContain("option proto 'dhcp'");
  });

  test('declines paths and tuples, which are looked up in full', () => {
    expect(cursor().exportUnchanged('net.lan')).toBeNull();
    expect(cursor().exportUnchanged(join(dir, 'conf', 'net'))).toBeNull();
  });
});
