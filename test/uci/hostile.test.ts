// Names with dots, spaces, quotes, newlines or NUL are refused with libuci's messages; values
// with quotes, backslashes and newlines come back exactly.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Cursor, Document, exportText, parseDocument } from '../../lib/uci/index.js';

const BAD_NAMES = ['a.b', 'a b', "a'b", 'a"b', 'a\nb', 'a\0b', '', 'ä'];
const VALUES = ["it's", 'say "hi"', 'back\\slash', 'two\nlines', "mixed '\"\\\n\t end ", ' ', '#not a comment', 'semi;colon'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uci-hostile-'));
  mkdirSync(join(dir, 'conf'));
  writeFileSync(join(dir, 'conf', 'test'), "config foo 'x'\n\toption a '1'\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const errorOf = (fn: () => unknown): { code: string; message: string } => {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('no error');
};

describe('library: hostile names are refused', () => {
  test.each(BAD_NAMES)('section name %j', (name) => {
    const doc = new Document('test');
    const err = errorOf(() => doc.set(name, undefined, 'foo'));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/^Invalid argument/);
    expect(doc.sections).toHaveLength(0);
  });

  test.each(BAD_NAMES)('option name %j', (name) => {
    const doc = parseDocument("config foo 'x'\n", { name: 'test' });
    const err = errorOf(() => doc.set('x', name, 'v'));
    expect(err.code).toBe('PARSE');
    expect(err.message).toMatch(/^Parse error/);
    expect(doc.toPackage().sections[0]!.options.size).toBe(0);
  });

  test.each(BAD_NAMES)('rename target %j', (name) => {
    const doc = parseDocument("config foo 'x'\n\toption a 1\n", { name: 'test' });
    expect(errorOf(() => doc.rename('x', undefined, name)).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => doc.rename('x', 'a', name)).code).toBe('INVALID_ARGUMENT');
    expect(doc.get('x', 'a')).toBe('1');
  });

  test.each(['a b', 'a\nb', 'a\0b', '', 'ä'])('section type %j in add', (type) => {
    const doc = new Document('test');
    expect(errorOf(() => doc.add(type)).code).toBe('INVALID_ARGUMENT');
    expect(doc.sections).toHaveLength(0);
  });

  test('any printable ASCII is a legal type, as in libuci', () => {
    expect(new Document('test').add("it's.a/type")).toMatch(/^cfg01[0-9a-f]{4}$/);
  });

  test('values with control characters other than TAB, CR, LF are a Parse error', () => {
    const doc = parseDocument("config foo 'x'\n", { name: 'test' });
    expect(errorOf(() => doc.set('x', 'a', 'nul\0')).code).toBe('PARSE');
    expect(errorOf(() => doc.set('x', 'a', 'bell\x07')).code).toBe('PARSE');
  });
});

describe('library: values round-trip exactly', () => {
  test.each(VALUES)('%j through export and parse, and through commit and reload', (value) => {
    const doc = parseDocument("config foo 'x'\n", { name: 'test' });
    doc.set('x', 'v', value);
    doc.addList('x', 'l', value);
    expect(parseDocument(exportText(doc), { name: 'test' }).get('x', 'v')).toBe(value);
    for (const keepComments of [true, false]) {
      const c = new Cursor({ confdir: join(dir, 'conf'), savedir: join(dir, 'save'), keepComments });
      c.set('test', 'x', 'v', value);
      c.addList('test', 'x', 'l', value);
      expect(new Cursor({ confdir: join(dir, 'conf'), savedir: join(dir, 'save') }).get('test', 'x', 'v')).toBe(value);
      c.commit('test');
      const again = new Cursor({ confdir: join(dir, 'conf'), savedir: join(dir, 'save') });
      expect(again.get('test', 'x', 'v')).toBe(value);
      expect((again.get('test', 'x', 'l') as string[]).at(-1)).toBe(value);
    }
  });
});

const bin = fileURLToPath(new URL('../../bin/uci-fw4.js', import.meta.url));
const uci = (...args: string[]): { out: string; err: string; rc: number } => {
  const r = spawnSync(process.execPath, [bin, 'uci', '-c', 'conf', '-t', 'save', ...args], { cwd: dir, encoding: 'latin1' });
  return { out: r.stdout, err: r.stderr, rc: r.status ?? -1 };
};

describe('the uci command answers hostile names like libuci', () => {
  test('dots, spaces, quotes and newlines in names', () => {
    expect(uci('set', 'test.x.a.b=1')).toEqual({ out: '', err: 'uci: Parse error\n', rc: 1 });
    expect(uci('set', 'test.x y.a=1')).toEqual({ out: '', err: 'uci: Invalid argument\n', rc: 1 });
    expect(uci('set', "test.x.a'b=1")).toEqual({ out: '', err: 'uci: Parse error\n', rc: 1 });
    expect(uci('set', 'test.x.a\nb=1')).toEqual({ out: '', err: 'uci: Parse error\n', rc: 1 });
    expect(uci('set', 'test.x.a=bell\x07')).toEqual({ out: '', err: 'uci: Parse error\n', rc: 1 });
    // libuci writes a rename to an invalid name but never replays it [V:104]
    expect(uci('rename', 'test.x=a.b')).toEqual({ out: '', err: '', rc: 0 });
    expect(readFileSync(join(dir, 'save', 'test'), 'latin1')).toBe("@test.x='a.b'\n");
    expect(uci('show', 'test').out).toBe("test.x=foo\ntest.x.a='1'\n");
    expect(uci('changes').out).toBe('');
  });

  test('values with quotes and newlines survive set, commit and get', () => {
    const value = "it's \"q\"\nline 2 \\ end";
    expect(uci('set', `test.x.v=${value}`).rc).toBe(0);
    expect(uci('commit', 'test').rc).toBe(0);
    expect(uci('get', 'test.x.v').out).toBe(Buffer.from(value + '\n', 'utf8').toString('latin1'));
  });
});
