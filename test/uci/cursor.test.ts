import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Cursor, formatChange, UciError } from '../../lib/uci/index.js';

let dir: string;
const conf = (): string => join(dir, 'conf');
const save = (): string => join(dir, 'save');
const CONFIG = "# network\nconfig interface 'lan'\n\toption proto 'static'\n\tlist dns '1.1.1.1'\n\nconfig route\n\toption target '10.0.0.0/8'\n";

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uci-cursor-'));
  mkdirSync(conf());
  writeFileSync(join(conf(), 'network'), CONFIG);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('Cursor', () => {
  test('stages changes in the savedir in libuci delta format', () => {
    const c = new Cursor({ confdir: conf(), savedir: save() });
    c.set('network', 'lan', 'proto', "it's dhcp");
    expect(c.add('network', 'route')).toBe('cfg03c8b4'); // third section; djb2('route') & 0xffff = 0xc8b4
    c.addList('network', 'lan', 'dns', '9.9.9.9');
    c.delList('network', 'lan', 'dns', '1.1.1.1');
    c.rename('network', '@route[0]', undefined, 'r1');
    c.reorder('network', 'r1', 0);
    c.delete('network', 'lan', 'proto');
    expect(readFileSync(join(save(), 'network'), 'utf8')).toBe(
      [
        "network.lan.proto='it'\\''s dhcp'",
        "+network.cfg03c8b4='route'",
        "|network.lan.dns='9.9.9.9'",
        "~network.lan.dns='1.1.1.1'",
        "@network.cfg02c8b4='r1'",
        "^network.r1='0'",
        '-network.lan.proto',
        '',
      ].join('\n'),
    );
    expect(c.changes('network').map((ch) => ch.op)).toEqual(['set', 'add', 'list-add', 'list-del', 'rename', 'reorder', 'delete']);
  });

  test('lists staged changes as `uci changes` lines: add, rename and reorder like a set, a list-index delete without its index', () => {
    const c = new Cursor({ confdir: conf(), savedir: save() });
    c.set('network', 'lan', 'proto', "it's dhcp");
    c.add('network', 'route');
    c.addList('network', 'lan', 'dns', '9.9.9.9');
    c.delList('network', 'lan', 'dns', '1.1.1.1');
    c.rename('network', '@route[0]', undefined, 'r1');
    c.reorder('network', 'r1', 0);
    c.delete('network', 'lan', 'proto');
    expect(c.changes('network').map(formatChange)).toEqual([
      "network.lan.proto='it'\\''s dhcp'",
      "network.cfg03c8b4='route'",
      "network.lan.dns+='9.9.9.9'",
      "network.lan.dns-='1.1.1.1'",
      "network.cfg02c8b4='r1'",
      "network.r1='0'",
      '-network.lan.proto',
    ]);
    expect(formatChange({ op: 'delete', package: 'network', section: 'lan', option: 'dns', value: '0' })).toBe('-network.lan.dns');
  });

  test('reads changes staged by another process (or the real uci) and replays them in order', () => {
    mkdirSync(save());
    writeFileSync(join(save(), 'network'), "network.lan.proto='dhcp'\n@network.lan='inside'\n|network.inside.dns='8.8.8.8'\nbad line\n");
    const c = new Cursor({ confdir: conf(), savedir: save() });
    expect(c.get('network', 'inside', 'proto')).toBe('dhcp');
    expect(c.get('network', 'inside', 'dns')).toEqual(['1.1.1.1', '8.8.8.8']);
    expect(c.get('network', 'lan')).toBeUndefined();
    expect(c.changes('network')).toHaveLength(3);
  });

  test('commit replaces the file atomically, keeps comments, and empties the staged changes', () => {
    const c = new Cursor({ confdir: conf(), savedir: save() });
    c.set('network', 'lan', 'proto', 'dhcp');
    expect(c.commitText('network')).toBe(CONFIG.replace("'static'", "'dhcp'"));
    c.commit('network');
    expect(readFileSync(join(conf(), 'network'), 'utf8')).toBe(CONFIG.replace("'static'", "'dhcp'"));
    expect(readFileSync(join(save(), 'network'), 'utf8')).toBe('');
    expect(readdirSync(conf())).toEqual(['network']);
    expect(new Cursor({ confdir: conf(), savedir: save() }).changes('network')).toEqual([]);
  });

  test('commit with keepComments false writes libuci text and keeps the file mode', () => {
    const file = join(conf(), 'network');
    chmodSync(file, 0o640);
    const c = new Cursor({ confdir: conf(), savedir: save(), keepComments: false });
    c.set('network', 'lan', 'proto', 'dhcp');
    c.commit('network');
    expect(readFileSync(file, 'utf8')).toBe(
      "\nconfig interface 'lan'\n\toption proto 'dhcp'\n\tlist dns '1.1.1.1'\n\nconfig route\n\toption target '10.0.0.0/8'\n\n",
    );
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  test('commit without applicable changes leaves the file alone', () => {
    const c = new Cursor({ confdir: conf(), savedir: save() });
    c.commit('network');
    expect(readFileSync(join(conf(), 'network'), 'utf8')).toBe(CONFIG);
  });

  test('revert drops the staged changes of one section', () => {
    const c = new Cursor({ confdir: conf(), savedir: save() });
    c.set('network', 'lan', 'proto', 'dhcp');
    c.set('network', '@route[0]', 'metric', '5');
    c.revert('network', 'lan');
    expect(c.get('network', 'lan', 'proto')).toBe('static');
    expect(c.get('network', '@route[-1]', 'metric')).toBe('5');
    expect(readFileSync(join(save(), 'network'), 'utf8')).toBe("network.cfg02c8b4.metric='5'\n");
  });

  test('a null savedir stages in memory only', () => {
    const c = new Cursor({ confdir: conf(), savedir: null });
    c.set('network', 'lan', 'proto', 'dhcp');
    expect(existsSync(save())).toBe(false);
    expect(c.changes('network')).toEqual([{ op: 'set', package: 'network', section: 'lan', option: 'proto', value: 'dhcp' }]);
    c.commit('network');
    expect(c.get('network', 'lan', 'proto')).toBe('dhcp');
    expect(c.changes('network')).toEqual([]);
  });

  test('configs lists the packages; a missing package is NOT_FOUND', () => {
    writeFileSync(join(conf(), 'has.dot'), '');
    mkdirSync(join(conf(), 'subdir'));
    writeFileSync(join(conf(), 'alpha'), '');
    const c = new Cursor({ confdir: conf(), savedir: save() });
    expect(c.configs()).toEqual(['alpha', 'network']);
    expect(() => c.load('nope')).toThrow(UciError);
    expect(() => c.load('nope')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('a savedir record torn by a killed writer', () => {
  test('is cut off before the next change is staged, so it cannot swallow it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uci-torn-'));
    try {
      mkdirSync(join(dir, 'conf'));
      mkdirSync(join(dir, 'save'));
      writeFileSync(join(dir, 'conf', 'test'), "config foo 'x'\n\toption a 'old'\n");
      writeFileSync(join(dir, 'save', 'test'), "test.x.b='1'\ntest.x.a='cut sho");
      const cursor = new Cursor({ confdir: join(dir, 'conf'), savedir: join(dir, 'save') });
      cursor.set('test', 'x', 'a', 'new');
      expect(readFileSync(join(dir, 'save', 'test'), 'utf8')).toBe("test.x.b='1'\ntest.x.a='new'\n");
      cursor.commit('test');
      expect(readFileSync(join(dir, 'conf', 'test'), 'utf8')).toBe("config foo 'x'\n\toption a 'new'\n\toption b '1'\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
