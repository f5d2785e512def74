// The routers of `uci-fw4 migrate`: target URLs, the targets file (errors name file:line), the
// same router twice.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTargets, targetSpecs, targetUrl } from '../../cli/migrate-targets.js';
import { tempFiles } from '../helpers/files.js';

const { dir, file } = tempFiles('migrate-targets-');

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('target URLs', () => {
  it('http and https; a bare host means its /ubus; a path is kept', () => {
    expect(targetUrl('http://192.168.1.1', '--target')).toBe('http://192.168.1.1/ubus');
    expect(targetUrl('https://gw.example:8443/ubus', '--target')).toBe('https://gw.example:8443/ubus');
    expect(targetUrl('http://[fd00::1]/cgi-bin/ubus', '--target')).toBe('http://[fd00::1]/cgi-bin/ubus');
  });

  it('refuses other schemes, non-URLs and credentials in the URL, naming where', () => {
    expect(() => targetUrl('ftp://gw/ubus', '--target')).toThrow("--target: 'ftp://gw/ubus': only http and https URLs are targets, not ftp");
    expect(() => targetUrl('192.168.1.1', 'fleet.txt:3')).toThrow("fleet.txt:3: '192.168.1.1' is not a URL");
    expect(() => targetUrl('http://root:pw@gw/ubus', '--target')).toThrow('no user or password in the URL');
    expect(() => targetUrl('javascript:alert(1)', '--target')).toThrow('only http and https');
  });
});

describe('targets file', () => {
  it('one target a line: URL USER [NAME]; comments and blank lines are skipped', async () => {
    const f = file('ok.txt', '# the lab\n\nhttp://10.0.0.1/ubus root gw1\n  https://10.0.0.2 admin   # no name\r\nhttp://10.0.0.3/ubus root\n');
    expect(await checkTargets([], [f], 'root')).toBe(3);
    expect(await all(targetSpecs(['http://10.0.0.9'], [f], 'ops'))).toEqual([
      { url: 'http://10.0.0.9/ubus', user: 'ops' },
      { url: 'http://10.0.0.1/ubus', user: 'root', name: 'gw1' },
      { url: 'https://10.0.0.2/ubus', user: 'admin' },
      { url: 'http://10.0.0.3/ubus', user: 'root' },
    ]);
  });

  it('errors name the file and line', async () => {
    const cases: [string, string][] = [
      ['http://10.0.0.1/ubus\n', ':1: expected \'URL USER [NAME]\', found only \'http://10.0.0.1/ubus\''],
      ['\n\nhttp://a/ubus root n extra\n', ':3: expected \'URL USER [NAME]\', found 4 fields'],
      ['# x\nssh://10.0.0.1 root\n', ":2: 'ssh://10.0.0.1': only http and https URLs are targets, not ssh"],
      ['http://a/ubus ro;ot\n', ":1: 'ro;ot' is not a user name"],
      ['http://a/ubus root\nhttp://b/ubus root\nhttp://a/ubus admin x\n', ':3: http://a/ubus is already a target (' ],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const f = file(`bad${i}.txt`, text);
      await expect(checkTargets([], [f], 'root')).rejects.toThrow(f + message);
    }
  });

  it('the same router from --target and a file; a missing file or a directory', async () => {
    const f = file('dup.txt', 'http://10.0.0.1 root\n');
    await expect(checkTargets(['http://10.0.0.1/ubus'], [f], 'root')).rejects.toThrow(`${f}:1: http://10.0.0.1/ubus is already a target (--target)`);
    await expect(checkTargets([], [join(dir, 'nope.txt')], 'root')).rejects.toThrow(`${join(dir, 'nope.txt')}: cannot read the targets file: no such file or directory`);
    await expect(checkTargets([], [dir], 'root')).rejects.toThrow(`${dir}: cannot read the targets file: it is a directory`);
  });
});
