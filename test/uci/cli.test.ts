// What the recorded vectors cannot show: `--keep-comments`, and the command reading changes
// staged by the library (and the other way round).

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Cursor } from '../../lib/uci/index.js';

const bin = fileURLToPath(new URL('../../bin/uci-fw4.js', import.meta.url));
const FILE = "# managed by hand\nconfig foo 'x'\n\toption a 1   # one\n\n# second\nconfig bar\n\toption z \"9\"\n";
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uci-cli-'));
  mkdirSync(join(dir, 'conf'));
  writeFileSync(join(dir, 'conf', 'test'), FILE);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const uci = (...args: string[]): { out: string; err: string; rc: number } => {
  const r = spawnSync(process.execPath, [bin, 'uci', '-c', 'conf', '-t', 'save', ...args], { cwd: dir, encoding: 'utf8' });
  return { out: r.stdout, err: r.stderr, rc: r.status ?? -1 };
};

describe('uci --keep-comments', () => {
  test('commit rewrites only the changed line', () => {
    expect(uci('set', 'test.x.a=2').rc).toBe(0);
    expect(uci('add_list', 'test.@bar[0].l=new')).toEqual({ out: '', err: '', rc: 0 });
    expect(uci('--keep-comments', 'commit', 'test')).toEqual({ out: '', err: '', rc: 0 });
    expect(readFileSync(join(dir, 'conf', 'test'), 'utf8')).toBe(
      "# managed by hand\nconfig foo 'x'\n\toption a '2'   # one\n\n# second\nconfig bar\n\toption z \"9\"\n\tlist l 'new'\n",
    );
  });

  test('without it, commit writes libuci text', () => {
    uci('set', 'test.x.a=2');
    uci('commit', 'test');
    expect(readFileSync(join(dir, 'conf', 'test'), 'utf8')).toBe("\nconfig foo 'x'\n\toption a '2'\n\nconfig bar\n\toption z '9'\n\n");
  });
});

describe('staged changes are shared between the command and the library', () => {
  test('library stages, command lists and commits', () => {
    new Cursor({ confdir: join(dir, 'conf'), savedir: join(dir, 'save') }).set('test', 'x', 'b', "it's");
    expect(uci('changes', 'test').out).toBe("test.x.b='it'\\''s'\n");
    expect(uci('get', 'test.x.b').out).toBe("it's\n");
  });

  test('command stages, library reads', () => {
    uci('rename', 'test.@bar[0]=named');
    uci('set', 'test.named.z=10');
    const c = new Cursor({ confdir: join(dir, 'conf'), savedir: join(dir, 'save') });
    expect(c.get('test', 'named', 'z')).toBe('10');
    expect(c.changes('test').map((ch) => ch.op)).toEqual(['rename', 'set']);
  });
});

describe('arguments are bytes', () => {
  // node decodes argv as UTF-8 (invalid bytes become U+FFFD); the command reads the bytes back
  test('a value that is not UTF-8 is committed as given, as batch does with the same line', () => {
    writeFileSync(join(dir, 'conf', 'p'), "config s 's'\n");
    const sh = (script: string) => spawnSync('/bin/sh', ['-c', script], { cwd: dir, encoding: 'latin1', env: { ...process.env, NODE: process.execPath, BIN: bin } });
    const run = `"$NODE" "$BIN" uci -c conf -t save`;
    const r = sh(`${run} set "p.s.x=$(printf 'v\\377\\376')" && printf "set p.s.y='w\\377\\376'\\n" | ${run} batch && ${run} commit p`);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(readFileSync(join(dir, 'conf', 'p')).toString('latin1')).toBe("\nconfig s 's'\n\toption x 'v\xff\xfe'\n\toption y 'w\xff\xfe'\n\n");
    expect(sh(`${run} get p.s.x`).stdout).toBe('v\xff\xfe\n');
  });
});
