// The lexer's export-form mode (lexer.ts exportFormLine) and the shortcuts built on it
// (form-read.ts) against the full parser: on any input, export, show and get of a package with
// nothing staged either decline (null) or give exactly what the parser gives.

import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { exportForm, showForm } from '../../lib/uci/form-read.js';
import { Cursor, exportText, exportUnchanged, getUnchanged, parseDocument, sectionRefs, showText, showUnchanged, UciError } from '../../lib/uci/index.js';

/** The parser's document of the bytes, or null where the parser reports an error. */
function parsed(text: string) {
  try {
    return parseDocument(text, { name: 'pkg', latin1: true, trivia: false });
  } catch {
    return null;
  }
}

function fast(text: string): string | null {
  const pieces = exportForm(Buffer.from(text, 'latin1'), text, 'pkg');
  return pieces && Buffer.concat(pieces).toString('latin1');
}

/** Asserts export and show from the form agree with the parser, and returns whether they answered. */
function agrees(text: string): boolean {
  const got = fast(text);
  const shown = showForm(text, 'pkg', { extended: true });
  expect(shown === null).toBe(got === null); // both read the same way
  if (got === null) return false;
  const doc = parsed(text);
  expect(doc).not.toBeNull();
  expect(got).toBe(exportText(doc!));
  expect(Buffer.concat(shown!).toString('latin1')).toBe(showText(doc!.toPackage()));
  expect(Buffer.concat(showForm(text, 'pkg', { extended: false })!).toString('latin1')).toBe(showText(doc!.toPackage(), undefined, { extended: false }));
  return true;
}

describe('export from bytes', () => {
  test('files as libuci writes them are exported without the parser, byte for byte', () => {
    const canonical = "\nconfig zone 'lan'\n\toption name 'lan'\n\tlist network 'lan'\n\tlist network 'lan6'\n\nconfig rule\n\toption src 'wan'\n\toption target 'ACCEPT'\n\n";
    expect(agrees(canonical)).toBe(true);
    expect(fast(canonical)).toBe(`package pkg\n${canonical}`);
  });

  test('blank lines, comments and a missing final newline are normalised as the parser does', () => {
    const cases = [
      "config zone\n\toption a 'b'\nconfig rule\n\toption c 'd'\n", // no blank line between sections
      "\n\n\nconfig zone\n\n\n\toption a 'b'\n\n\n", // blank runs, one inside a section
      "# head\nconfig zone\n  # inside\n\tlist l1 'v 1'\n\tlist l1 'v2'\n# tail",
      "config t 'n1'\n\toption a 'b'\nconfig t 'n2'\n\toption a 'with \\ backslash'", // no final newline
      "config zone\n\toption a 'b'\n\n# between\n\nconfig rule\n\toption a 'c'\n",
      "config zone\n\toption a 'tab\there é\xff # ; \"'\n",
      "config zone", // a section alone, without a newline
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
      // what the parser reads fine but export does not write this way
      "c t 'n1'\n\toption a 'b'\n",
      "config t\n  option a b\n",
      "config t\n\toption a \"b\"\n",
      "config 't#x'\n\toption a 'b'\n",
      "config t # note\n",
    ];
    for (const c of cases) expect(fast(c), JSON.stringify(c)).toBeNull();
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

describe('the shortcuts of the command', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'uci-form-read-'));
    mkdirSync(join(dir, 'conf'));
    mkdirSync(join(dir, 'save'));
    writeFileSync(join(dir, 'conf', 'net'), "config iface 'lan'\n\toption proto 'static'\n\nconfig iface\n\tlist dns '1.1.1.1'\n\tlist dns 'a b'\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cursor = (): Cursor => new Cursor({ confdir: join(dir, 'conf'), savedir: join(dir, 'save'), latin1: true });
  const text = (pieces: Buffer[] | null): string | null => pieces && Buffer.concat(pieces).toString('latin1');
  const full = (): ReturnType<Cursor['load']> => cursor().load('net');
  const code = (fn: () => unknown): string => {
    try {
      fn();
      return 'no error';
    } catch (err) {
      return err instanceof UciError ? err.code : String(err);
    }
  };

  test('export, show and get answer for a package with nothing staged, as the full path does', () => {
    const c = cursor();
    expect(text(exportUnchanged(c, 'net'))).toBe(exportText(cursor().document('net')));
    expect(text(showUnchanged(c, 'net'))).toBe(showText(full()));
    expect(text(showUnchanged(c, 'net.@iface[-1]', { delimiter: ',' }))).toBe(showText(full(), '@iface[-1]', { delimiter: ',' }));
    expect(text(showUnchanged(c, 'net.lan.proto'))).toBe("net.lan.proto='static'\n");
    expect(sectionRefs(full().sections)).toEqual(['lan', '@iface[1]']);
    expect(getUnchanged(c, 'net.@iface[1].dns')).toBe("1.1.1.1 'a b'\n");
    expect(getUnchanged(c, 'net.@iface[0]')).toBe('iface\n');
    expect(code(() => getUnchanged(c, 'net.lan.mtu'))).toBe('NOT_FOUND');
    expect(code(() => showUnchanged(c, 'net.@iface[2]'))).toBe('NOT_FOUND');
    expect(code(() => getUnchanged(c, 'net.@iface[x]'))).toBe('INVALID_ARGUMENT');
  });

  test('@type[-n] and @[-n] count from the end of the sections of that type (or of all), as the full path does', () => {
    writeFileSync(join(dir, 'conf', 'net'), "config iface 'lan'\n\toption proto 'static'\n\nconfig rule\n\toption name 'r0'\n\n"
      + "config iface\n\toption proto 'dhcp'\n\nconfig iface 'wan'\n\tlist dns '1.1.1.1'\n\tlist dns '9.9.9.9'\n\nconfig rule\n\toption name 'r1'\n");
    const c = cursor();
    const refs = ['@iface[-1]', '@iface[-2]', '@iface[-3]', '@rule[-1]', '@rule[-2]', '@[-1]', '@[-4]', '@[-5]', '@iface[1]'];
    for (const ref of refs) expect(text(showUnchanged(c, `net.${ref}`)), ref).toBe(showText(full(), ref));
    expect(getUnchanged(c, 'net.@iface[-2].proto')).toBe('dhcp\n');
    expect(getUnchanged(c, 'net.@iface[-1].dns')).toBe('1.1.1.1 9.9.9.9\n');
    expect(getUnchanged(c, 'net.@rule[-2].name')).toBe('r0\n');
    expect(getUnchanged(c, 'net.@[-4]')).toBe('rule\n');
    expect(code(() => getUnchanged(c, 'net.@iface[-4]'))).toBe('NOT_FOUND');
    expect(code(() => showUnchanged(c, 'net.@rule[-3]'))).toBe('NOT_FOUND');
    expect(code(() => getUnchanged(c, 'net.@[-6]'))).toBe('NOT_FOUND');
    expect(cursor().get('net', '@iface[-4]')).toBeUndefined(); // the full path agrees: not there
  });

  test("an anonymous section by the name libuci generates for it (cfg…), as the full path finds it", () => {
    const c = cursor();
    const anon = full().sections[1]!.name;
    expect(anon).toMatch(/^cfg[0-9a-f]{6}$/);
    expect(getUnchanged(c, `net.${anon}.dns`)).toBe("1.1.1.1 'a b'\n");
    expect(getUnchanged(c, `net.${anon}`)).toBe('iface\n');
    expect(text(showUnchanged(c, `net.${anon}`))).toBe(showText(full(), anon));
    expect(code(() => getUnchanged(c, 'net.cfg09ffff'))).toBe('NOT_FOUND');
  });

  test('decline when changes are staged, so that they show', () => {
    const c = cursor();
    c.set('net', 'lan', 'proto', 'dhcp');
    expect(exportUnchanged(c, 'net')).toBeNull();
    expect(exportUnchanged(cursor(), 'net')).toBeNull();
    expect(showUnchanged(cursor(), 'net')).toBeNull();
    expect(getUnchanged(cursor(), 'net.lan.proto')).toBeNull();
    expect(cursor().get('net', 'lan', 'proto')).toBe('dhcp');
  });

  test('decline paths, values and files the export form does not cover', () => {
    expect(exportUnchanged(cursor(), join(dir, 'conf', 'net'))).toBeNull();
    expect(getUnchanged(cursor(), 'net.lan.proto=x')).toBeNull();
    writeFileSync(join(dir, 'conf', 'net'), "config iface 'lan'\n\toption proto static\n");
    expect(showUnchanged(cursor(), 'net')).toBeNull();
    expect(getUnchanged(cursor(), 'net.lan.proto')).toBeNull();
  });
});
