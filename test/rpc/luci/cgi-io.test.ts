// cgi-io beside the dispatcher (/cgi-bin/cgi-exec, cgi-download, cgi-upload, cgi-backup), over
// real HTTP: the checks in the order and with the statuses and messages of openwrt/cgi-io main.c
// (main_exec, main_download, main_backup, failure()), util.c's postdecode and parse_command.
// LuCI posts to cgi-exec after every apply (ui.js:5302, fs.js exec_direct).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand, postDecode } from '../../../rpc/luci/cgi-io.js';
import { login } from '../harness.js';
import { makeRoot, PASSWORD, startRoot, type RootServer } from './fixture.js';

let h: RootServer;
let rootSid: string;
let viewerSid: string;

beforeAll(async () => {
  const dir = makeRoot();
  // the grants luci-mod-network and luci-base give LuCI's own pages, and programs to find
  const acl = {
    'fixture-cgi': {
      read: { 'cgi-io': ['exec', 'download'], file: { '/usr/libexec/luci-peeraddr': ['exec'], '/bin/echo': ['exec'], '/etc/config/system': ['read'], '/etc/config': ['read'], '/etc/nothing': ['read'] } },
    },
  };
  writeFileSync(join(dir, 'usr/share/rpcd/acl.d/cgi.json'), JSON.stringify(acl));
  for (const exe of ['usr/libexec/luci-peeraddr', 'bin/echo', 'bin/sh']) {
    mkdirSync(join(dir, exe, '..'), { recursive: true });
    writeFileSync(join(dir, exe), '#!/bin/sh\n');
    chmodSync(join(dir, exe), 0o755);
  }
  h = await startRoot(dir);
  rootSid = await login(h.url, 'root', PASSWORD);
  viewerSid = await login(h.url, 'viewer', PASSWORD);
});
afterAll(() => h.close());

interface Reply {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
}

async function post(applet: string, body: string | Record<string, string>, method = 'POST'): Promise<Reply> {
  const res = await fetch(`${h.url}/cgi-bin/${applet}`, {
    method,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: method === 'GET' ? undefined : typeof body === 'string' ? body : new URLSearchParams(body).toString(),
  });
  return { status: res.status, statusText: res.statusText, headers: res.headers, text: await res.text() };
}

const exec = (sid: string, command: string, extra: Record<string, string> = {}) => post('cgi-exec', { sessionid: sid, command, stderr: '0', ...extra });

describe('cgi-exec', () => {
  it('what LuCI asks after an apply (luci-peeraddr): granted and found, then 501 saying no program runs here', async () => {
    // exec_direct's own encoding of the form (fs.js:432)
    const r = await post('cgi-exec', `sessionid=${rootSid}&command=${encodeURIComponent('/usr/libexec/luci-peeraddr')}&stderr=0`);
    expect(r.status).toBe(501);
    expect(r.statusText).toBe('Running a program is not available off-device');
    expect(r.text).toBe('Running a program is not available off-device\n');
    expect(r.headers.get('content-type')).toBe('text/plain');
  });

  it('403 without a session, for a session without the cgi-io exec grant, for a GET and for a form that does not decode', async () => {
    for (const r of [
      await post('cgi-exec', { command: '/usr/libexec/luci-peeraddr' }),
      await exec('0123456789abcdef0123456789abcdef', '/usr/libexec/luci-peeraddr'),
      await exec(viewerSid, '/usr/libexec/luci-peeraddr'),
      await post('cgi-exec', '', 'GET'),
      await post('cgi-exec', `sessionid=${rootSid}&command=%zz`),
    ]) {
      expect([r.status, r.statusText, r.text]).toEqual([403, 'Exec permission denied', 'Exec permission denied\n']);
    }
  });

  it('400 for a command with no word and for a bad mimetype or filename; 404 for an executable the root lacks', async () => {
    expect([(await exec(rootSid, '  ')).statusText]).toEqual(['Invalid command parameter']);
    expect((await exec(rootSid, '/bin/echo', { mimetype: 'text/plain\r\nX: y' })).status).toBe(400);
    expect((await exec(rootSid, '/bin/echo', { filename: 'a"b' })).statusText).toBe('Invalid characters in filename');
    const r = await exec(rootSid, '/usr/bin/nothing-here');
    expect([r.status, r.text]).toEqual([404, 'Executable not found\n']);
  });

  it('the file ACL: the whole command line or the executable found on uhttpd\'s PATH; else 403', async () => {
    // `echo` is found as /bin/echo, which is granted
    expect((await exec(rootSid, 'echo hello\\ world')).status).toBe(501);
    const r = await exec(rootSid, '/bin/sh -c id');
    expect([r.status, r.statusText]).toEqual([403, 'Access to command denied by ACL']);
  });
});

describe('cgi-download', () => {
  it('serves a granted file of the root with the asked name and type', async () => {
    const r = await post('cgi-download', { sessionid: rootSid, path: '/etc/config/system', filename: 'system.txt', mimetype: 'text/plain' });
    expect(r.status).toBe(200);
    expect(r.text).toBe(readFileSync(join(h.dir, 'etc/config/system'), 'utf8'));
    expect(r.headers.get('content-type')).toBe('text/plain');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="system.txt"');
    const plain = await post('cgi-download', { sessionid: rootSid, path: '/etc/config/system' });
    expect(plain.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('403 without the grants, 404 with strerror for a missing file, 403 for a directory', async () => {
    expect((await post('cgi-download', { sessionid: viewerSid, path: '/etc/config/system' })).text).toBe('Download permission denied\n');
    expect((await post('cgi-download', { sessionid: rootSid, path: '/etc/shadow' })).text).toBe('Access to path denied by ACL\n');
    const missing = await post('cgi-download', { sessionid: rootSid, path: '/etc/nothing' });
    expect([missing.status, missing.statusText, missing.text]).toEqual([404, 'Failed to stat requested path', 'Failed to stat requested path: No such file or directory\n']);
    expect((await post('cgi-download', { sessionid: rootSid, path: '/etc/config' })).text).toBe('Requested path is not a regular file or block device\n');
  });
});

describe('cgi-upload and cgi-backup', () => {
  it('a backup needs the cgi-io backup grant (403); an upload writes nothing here (501)', async () => {
    expect((await post('cgi-backup', { sessionid: rootSid })).statusText).toBe('Backup permission denied');
    const r = await post('cgi-upload', 'x');
    expect([r.status, r.statusText]).toEqual([501, 'Uploading a file is not available off-device']);
  });
});

describe('postdecode and parse_command', () => {
  it('names compare undecoded, a later field replaces an earlier one until as many as wanted were seen, a bad escape fails the form', () => {
    expect(postDecode('a=1&b=x+y%21&a=2', ['a', 'b'])).toEqual(new Map([['a', '1'], ['b', 'x y!']]));
    expect(postDecode('a=1&a=2&b=3', ['a', 'b'])).toEqual(new Map([['a', '2']]));
    expect(postDecode('a%3D=1', ['a='])).toEqual(new Map());
    expect(postDecode('a=%4', ['a'])).toBeNull();
    expect(postDecode('', ['a'])).toBeNull();
  });

  it('splits at unescaped white space; the line checked against the ACL joins the words with one space', () => {
    expect(parseCommand('  /bin/ping  -c\\ 1 \t x\\\\ ')).toEqual({ line: '/bin/ping -c 1 x\\', argv: ['/bin/ping', '-c 1', 'x\\'] });
    expect(parseCommand(' \t')).toBeNull();
  });
});
