// rpcd's file object (openwrt/rpcd file.c 4476687) over a real socket: ACL checks in scope
// `file` on the canonical path (rpc_canonicalize_path lines 188-242, __rpc_check_path 249-285),
// errno statuses (rpc_errno_status 156-179), the stat fields (_rpc_file_add_stat 516-532), list
// entries with symlink targets (rpc_file_list 535-606), read (300-370), exec's ACL (903-960);
// and the root directory read as a chroot: no path or link leaves it.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalPath } from '../../rpc/objects/file.js';
import { call, login } from './harness.js';
import { startSystem, useSystem } from './fixtures/system.js';

const uid = process.getuid?.() ?? 0;
const gid = process.getgid?.() ?? 0;

const sys = useSystem({
  rootFiles: {
    '/etc/passwd': `tester:x:${uid}:${gid}:tester:/root:/bin/ash\n`,
    '/etc/group': `testers:x:${gid}:\n`,
    '/etc/shadow': 'root:$1$x$y:1::::::\n',
    '/etc/firewall.user': '# custom rules\n',
    '/etc/empty': '',
    // an absolute link starts again at the root: /etc/hostname of the root, which has none
    '/etc/escape': { link: '/etc/hostname' },
    '/etc/climb': { link: '../../../../../../etc/hostname' },
    '/www/luci-static/resources/preload/': '',
  },
  acl: {
    'files.json': {
      'test-files': {
        read: {
          file: { '/etc/escape': ['read'], '/etc/climb': ['read'], '/etc/empty': ['read'], '/www/*': ['read'], '/usr/bin/ok': ['exec'], '/bin/ping *': ['exec'] },
          ubus: { file: ['exec'] },
        },
      },
    },
  },
});

describe('file.read', () => {
  it('reads a granted file; refuses one no ACL grants with 6 (PERMISSION_DENIED) before looking at it', async () => {
    expect(await call(sys.url, sys.sid, 'file', 'read', { path: '/etc/firewall.user' })).toEqual([0, { data: '# custom rules\n' }]);
    expect(await call(sys.url, sys.sid, 'file', 'read', { path: '/etc/shadow' })).toEqual([6]);
    expect(await call(sys.url, sys.sid, 'file', 'read', { path: '/etc/nonexistent' })).toEqual([6]);
    expect(await call(sys.url, sys.sid, 'file', 'read', { path: '/etc/firewall.user', base64: true })).toEqual([0, { data: Buffer.from('# custom rules\n').toString('base64') }]);
  });

  it('checks the ACL on the canonical path: //, /./, /x/.. and a trailing / collapse first', async () => {
    for (const path of ['/etc//firewall.user', '/etc/./firewall.user', '/tmp/../etc/firewall.user', 'etc/../etc/firewall.user']) {
      expect(await call(sys.url, sys.sid, 'file', 'read', { path }), path).toEqual([0, { data: '# custom rules\n' }]);
    }
    expect(await call(sys.url, sys.sid, 'file', 'read', { path: '/etc/firewall.user/../shadow' })).toEqual([6]);
    expect(canonicalPath('/a/b/../../../c/')).toBe('/c');
    expect(canonicalPath('/..')).toBe('/');
  });

  it('follows links inside the root only: a granted link to /etc/hostname finds the root\'s (none), never the host\'s', async () => {
    expect(await call(sys.url, sys.sid, 'file', 'read', { path: '/etc/escape' })).toEqual([4]);
    expect(await call(sys.url, sys.sid, 'file', 'read', { path: '/etc/climb' })).toEqual([4]);
  });

  it('answers NO_DATA for an empty file and a directory, INVALID_ARGUMENT without a path, UNKNOWN_ERROR for an empty one', async () => {
    expect(await call(sys.url, sys.sid, 'file', 'read', { path: '/etc/empty' })).toEqual([5]);
    expect(await call(sys.url, sys.sid, 'file', 'read', { path: '/www/luci-static' })).toEqual([5]);
    expect(await call(sys.url, sys.sid, 'file', 'read', {})).toEqual([2]);
    expect(await call(sys.url, sys.sid, 'file', 'read', { path: '' })).toEqual([9]);
  });
});

describe('file.list, stat, lstat', () => {
  it('lists a directory with _rpc_file_add_stat\'s fields, owners named by the root\'s passwd and group', async () => {
    const [status, d] = await call(sys.url, sys.sid, 'file', 'list', { path: '/etc' });
    expect(status).toBe(0);
    const entries = d!.entries as Record<string, unknown>[];
    expect(entries.map((e) => e.name)).toEqual(['climb', 'empty', 'escape', 'firewall.user', 'group', 'passwd', 'shadow']);
    const st = statSync(join(sys.h.dir, 'root/etc/firewall.user'));
    expect(JSON.stringify(entries[3])).toBe(JSON.stringify({
      name: 'firewall.user', type: 'file', size: 15, mode: st.mode, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000),
      ctime: Math.floor(st.ctimeMs / 1000), inode: st.ino, uid, gid, user: 'tester', group: 'testers',
    }));
    // a symlink carries its target's name, and "broken" when the target is missing (lines 570-593)
    expect(entries[2]).toMatchObject({ type: 'symlink', target: { name: '/etc/hostname', type: 'broken' } });
  });

  it('stat follows links, lstat does not; a missing path is 4, a file listed as a directory 2', async () => {
    expect(await call(sys.url, sys.sid, 'file', 'stat', { path: '/etc/escape' })).toEqual([4]);
    const [status, l] = await call(sys.url, sys.sid, 'file', 'lstat', { path: '/etc/escape' });
    expect(status).toBe(0);
    expect(l).toMatchObject({ path: '/etc/escape', type: 'symlink' });
    expect(await call(sys.url, sys.sid, 'file', 'stat', { path: '/www/luci-static/resources/preload' })).toMatchObject([0, { path: '/www/luci-static/resources/preload', type: 'directory' }]);
    expect(await call(sys.url, sys.sid, 'file', 'list', { path: '/www/luci-static/resources/preload' })).toEqual([0, { entries: [] }]);
    expect(await call(sys.url, sys.sid, 'file', 'list', { path: '/etc/passwd' })).toEqual([2]);
    expect(await call(sys.url, sys.sid, 'file', 'list', { path: '/nonexistent' })).toEqual([4]);
  });
});

describe('file.exec', () => {
  it('checks the command, then the command line with its parameters, as rpcd; runs nothing (4 when granted)', async () => {
    expect(await call(sys.url, sys.sid, 'file', 'exec', { command: '/sbin/reboot' })).toEqual([6]);
    expect(await call(sys.url, sys.sid, 'file', 'exec', { command: '/usr/bin/ok' })).toEqual([4]);
    expect(await call(sys.url, sys.sid, 'file', 'exec', { command: '/bin/ping', params: ['-c', '1', '192.0.2.1'] })).toEqual([4]);
    expect(await call(sys.url, sys.sid, 'file', 'exec', { command: '/bin/ping' })).toEqual([6]);
    // a session may never pass an environment (line 922)
    expect(await call(sys.url, sys.sid, 'file', 'exec', { command: '/usr/bin/ok', env: { A: 'b' } })).toEqual([6]);
  });
});

describe('file without a root: the snapshot\'s recorded files', () => {
  it('reads a granted recorded file, and lists a recorded directory', async () => {
    const s = await startSystem({ acl: { 'proc.json': { proc: { read: { file: { '/proc/version': ['read'] } } } } } });
    try {
      const id = await login(s.url);
      const [status, d] = await call(s.url, id, 'file', 'read', { path: '/proc/version' });
      expect(status).toBe(0);
      expect(d!.data).toMatch(/^Linux version 6\.6\.73 /);
      const [, list] = await call(s.url, id, 'file', 'list', { path: '/sys/class/net/wan' });
      expect(list!.entries).toEqual([
        { name: 'flags', type: 'file', size: 7, mode: 0o100644, atime: 0, mtime: 0, ctime: 0, inode: 0, uid: 0, gid: 0 },
        { name: 'uevent', type: 'unknown', size: 0, mode: 0, atime: 0, mtime: 0, ctime: 0, inode: 0, uid: 0, gid: 0 },
      ]);
      expect(await call(s.url, id, 'file', 'read', { path: '/etc/board.json' })).toEqual([6]);
    } finally {
      await s.close();
    }
  });
});
