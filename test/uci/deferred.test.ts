// Options deferred by a parse without trivia (lib/uci/parser.ts): read from a section's lines
// on first use, they are what an eager parse (with trivia) makes of the same text, and writing
// the package reads them without keeping them.
import { describe, expect, it } from 'vitest';
import { exportText, parseDocument, type UciParseError } from '../../lib/uci/index.js';

const CASES: Record<string, string> = {
  plain: "config rule 'r1'\n\toption name 'a'\n\tlist proto 'tcp'\n\tlist proto 'udp'\n\nconfig zone\n\toption name 'lan'\n",
  'same option twice, empty no-op, option turned list': "config a 'x'\n\toption k '1'\n\toption k '2'\n\toption e ''\n\toption l 'one'\n\tlist l 'two'\n",
  'a named section merged from two places': "config a 'x'\n\toption k '1'\n\nconfig b\n\toption m 'y'\n\nconfig a 'x'\n\toption k '3'\n\toption n '4'\n",
  'comments, blank lines, continuations and a package line inside': "package p\n# head\nconfig a\n\t# note\n\toption k 'v1'   # tail\n\n\toption q 'multi\\\nline'\n\toption r s; option t u\n",
  'a config sharing its line (parsed again without deferring)': "config a 'x'; option k '1'\n\toption m '2'\nconfig b; option k 3\n",
  'a NUL byte (not deferred)': "config a 'x'\n\toption k 'v'\n# \0 note\n\toption m 'z'\n",
  'sections without options': "config a 'x'\nconfig b\n\nconfig c 'y'\n\toption k 'v'\n",
};

describe('deferred options', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`${name}: the same package as an eager parse`, () => {
      const eager = parseDocument(text, { name: 'p', trivia: true });
      const deferred = parseDocument(text, { name: 'p', trivia: false, deferOptions: true });
      expect(deferred.sections.some((s) => s.reader !== null)).toBe(!/\0|^config[^\n]*;/m.test(text));
      expect(exportText(deferred)).toBe(exportText(eager));
      expect(deferred.toPackage()).toEqual(eager.toPackage());
      // and once read and kept (the first access), still the same, edits included
      const first = eager.sections[0]!.name;
      deferred.set(first, 'k', 'new');
      eager.set(first, 'k', 'new');
      expect(exportText(deferred)).toBe(exportText(eager));
    });
  }

  it('writing the package reads the options without keeping them; an edit reads one section', () => {
    const text = CASES.plain! + CASES['a named section merged from two places']!.replace("'x'", "'x2'");
    const doc = parseDocument(text, { name: 'p', trivia: false, deferOptions: true });
    expect(doc.sections.every((s) => s.reader !== null)).toBe(true);
    const chunks: Buffer[] = [];
    doc.writeText({ keepComments: false }, (c) => chunks.push(Buffer.from(c)));
    // against a parse that reads every option at once, not the deferred document's own export
    expect(Buffer.concat(chunks).toString()).toBe(exportText(parseDocument(text, { name: 'p', trivia: false })).replace(/^package p\n/, ''));
    expect(doc.sections.every((s) => s.reader !== null)).toBe(true);
    doc.set('r1', 'name', 'b');
    expect(doc.sections.map((s) => s.reader === null)).toEqual([true, false, false, false, false]);
  });

  it('non-strict: each error reported once, in order, and the lines after it read', () => {
    const errors: string[] = [];
    const onError = (e: UciParseError): number => errors.push(`${e.line}:${e.reason}`);
    const doc = parseDocument("config a 'x'\n\toption k '1'\n\toption 'bad name' v\n\toption m '2'\nconfig b 'y'\n\toption n 'unterminated\n", { name: 'p', trivia: false, deferOptions: true, strict: false, onError });
    expect(errors).toEqual(['3:invalid character in name field', "6:EOF with unterminated '"]);
    expect(doc.get('x', 'm')).toBe('2');
    expect(doc.get('y')).toBe('b');
  });
});

it('by default only a text of 1 MB or more is deferred', () => {
  const section = "config rule\n\toption name 'x'\n\toption target 'ACCEPT'\n";
  const small = parseDocument(section.repeat(100), { name: 'p', trivia: false });
  expect(small.sections.every((s) => s.reader === null)).toBe(true);
  const big = parseDocument(section.repeat(Math.ceil((1 << 20) / section.length)), { name: 'p', trivia: false });
  expect(big.sections.every((s) => s.reader !== null)).toBe(true);
});
