import { describe, expect, test } from 'vitest';
import { Document, exportText, parseDocument, UciError, UciParseError } from '../../lib/uci/index.js';

const parseError = (text: string): UciParseError => {
  try {
    parseDocument(text, { name: 'test', file: '/etc/config/test' });
  } catch (err) {
    if (err instanceof UciParseError) return err;
    throw err;
  }
  throw new Error('parsed without error');
};

describe('parseDocument', () => {
  test('syntax errors carry file, line, column and libuci reason', () => {
    const err = parseError("config foo 'x'\n option a b c\n");
    expect(err).toBeInstanceOf(UciError);
    expect(err.code).toBe('PARSE');
    expect([err.file, err.line, err.byte, err.column, err.reason]).toEqual(['/etc/config/test', 2, 14, 15, 'too many arguments']);
    expect(err.message).toBe('/etc/config/test:2:15: too many arguments');
  });

  test('byte offsets count UTF-8 bytes of the logical line', () => {
    const err = parseError("config foo 'x'\n\toption ä 1\n");
    expect(err.reason).toBe('invalid character in name field');
    expect(err.byte).toBe(11);
  });

  test('anonymous sections get libuci names: counter and type hash', () => {
    const doc = parseDocument('config foo\nconfig bar named\nconfig bar\n', { name: 'test' });
    expect(doc.toPackage().sections.map((s) => [s.name, s.anonymous])).toEqual([
      ['cfg017389', true],
      ['named', false],
      ['cfg0360ba', true],
    ]);
  });

  test('same-named sections merge; empty options are no-ops; lists keep empty items', () => {
    const doc = parseDocument("config t x\n option a 1\nconfig t y\nconfig t x\n option a ''\n option b 2\n list l ''\n", { name: 'p' });
    const pkg = doc.toPackage();
    expect(pkg.sections.map((s) => s.name)).toEqual(['x', 'y']);
    expect([...pkg.sections[0]!.options]).toEqual([['a', '1'], ['b', '2'], ['l', ['']]]);
  });

  test('non-strict mode reports each error and keeps going', () => {
    const errors: string[] = [];
    const doc = parseDocument('config a x\nbogus\n option k v\n', { name: 'p', strict: false, onError: (e) => errors.push(`${e.line}:${e.reason}`) });
    expect(errors).toEqual(['2:invalid command']);
    expect(doc.get('x', 'k')).toBe('v');
  });

  test('a Document built through the API exports like libuci', () => {
    const doc = new Document('net');
    doc.set('lan', undefined, 'interface');
    doc.set('lan', 'proto', 'static');
    doc.addList('lan', 'dns', "it's");
    expect(doc.add('route')).toBe('cfg02c8b4'); // djb2('route') & 0xffff = 0xc8b4
    expect(exportText(doc)).toBe("package net\n\nconfig interface 'lan'\n\toption proto 'static'\n\tlist dns 'it'\\''s'\n\nconfig route\n\n");
  });
});
