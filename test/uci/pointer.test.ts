// lib/uci/pointer.ts: libuci's pointer lookup and edits as the `uci` command uses them, and
// package names, which become paths, refused wherever they would leave the confdir.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Transaction } from '../../lib/migrate/index.js';
import { Cursor, editPointer, lookupPointer, UciError } from '../../lib/uci/index.js';

const bin = fileURLToPath(new URL('../../bin/uci-fw4.js', import.meta.url));
let dir: string;
let conf: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uci-pointer-'));
  conf = join(dir, 'a', 'b', 'conf');
  mkdirSync(conf, { recursive: true });
  writeFileSync(join(conf, 'net'), "config iface 'lan'\n\toption proto 'static'\n\nconfig iface\n\toption proto 'dhcp'\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cursor = (): Cursor => new Cursor({ confdir: conf, savedir: join(dir, 'save') });
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof UciError ? err.code : String(err);
  }
  return undefined;
};

describe('lookupPointer', () => {
  test('resolves @type[n] to the real name and finds the option', () => {
    const anonymous = cursor().document('net').sections[1]!.name;
    const p = lookupPointer(cursor(), 'net.@iface[-1].proto');
    expect([p.package, p.section, p.option, p.complete, p.found]).toEqual(['net', anonymous, 'proto', true, 'dhcp']);
    expect(lookupPointer(cursor(), 'net.lan').found).toBe('iface');
  });

  test('a missing option is incomplete, not an error; a bad tuple is', () => {
    const p = lookupPointer(cursor(), 'net.lan.mtu=1500');
    expect([p.complete, p.value, p.foundSection?.name, p.foundOption]).toEqual([false, '1500', 'lan', undefined]);
    expect(codeOf(() => lookupPointer(cursor(), 'net.lan.a.b'))).toBe('PARSE');
    expect(codeOf(() => lookupPointer(cursor(), 'net.@iface[x]'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => lookupPointer(cursor(), 'nope.lan'))).toBe('NOT_FOUND');
  });

  test('editPointer makes the edit and stages it', () => {
    const c = cursor();
    editPointer(c, lookupPointer(c, 'net.lan.mtu=1500'), 'set');
    const anonymous = lookupPointer(c, 'net.@iface[1]=0');
    editPointer(c, anonymous, 'reorder');
    expect(readFileSync(join(dir, 'save', 'net'), 'utf8')).toBe(`net.lan.mtu='1500'\n^net.${anonymous.section}='0'\n`);
    expect(cursor().get('net', 'lan', 'mtu')).toBe('1500');
    expect(cursor().document('net').sections[0]!.name).toBe(anonymous.section);
    expect(codeOf(() => editPointer(c, lookupPointer(c, 'net.nope=1'), 'reorder'))).toBe('NOT_FOUND');
  });

  test('the parse counter is read, never written, from outside', () => {
    const c = cursor();
    c.loadPackage('net');
    expect(c.parseCount).toBe(1);
    expect(() => ((c as unknown as { parseCount: number }).parseCount = 0)).toThrow(TypeError);
  });
});

describe('package names that would leave the confdir', () => {
  const outside = (): string[] => [join(dir, 'a', 'trav2'), join(dir, 'a', 'b', 'x'), join(dir, 'trav2')].filter((f) => existsSync(f));

  test('`uci import ../../trav2` is refused and writes nothing', () => {
    const r = spawnSync(process.execPath, [bin, 'uci', '-c', conf, '-t', join(dir, 'save'), 'import', '../../trav2'], {
      input: "config x 'y'\n",
      encoding: 'utf8',
    });
    expect([r.status, r.stdout, r.stderr]).toEqual([1, '', 'uci: Invalid argument\n']);
    expect(outside()).toEqual([]);
    expect(readdirSync(conf)).toEqual(['net']);
  });

  test('the library refuses them in import and in every edit', () => {
    const c = cursor();
    expect(codeOf(() => c.importText("config x 'y'\n", { name: '../../trav2' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => c.set('sub/../../x', 's', 'o', 'v'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => c.add('a\\b', 'type'))).toBe('INVALID_ARGUMENT');
    // a name starting with `.` but not `./` is no path either: libuci's uci_file_load says not found
    expect(codeOf(() => c.set('../x', 's', 'o', 'v'))).toBe('NOT_FOUND');
    expect(outside()).toEqual([]);
    expect(readdirSync(conf)).toEqual(['net']);
  });

  test('a migration cannot reach outside its confdir', () => {
    const tx = new Transaction(conf);
    expect(codeOf(() => tx.set('a/../../x', 's', 'o', 'v'))).toBe('INVALID_ARGUMENT');
    expect(outside()).toEqual([]);
  });
});
