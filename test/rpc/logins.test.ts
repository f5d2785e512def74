// Logins as rpcd decides them (session.c rpc_login_test_login, rpc_login_test_password,
// rpc_login_test_permission): the confdir's `rpcd` login sections with crypt(3) hashes or
// `$p$<user>` looked up in a shadow file, over a real socket; and the crypt(3) hashes themselves.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Cursor } from '../../lib/uci/index.js';
import { cryptHash, verifyCrypt } from '../../rpc/crypt.js';
import { parseSettings } from '../../rpc/settings.js';
import { SETTLE_MS } from '../../rpc/uci/freshness.js';
import { ANON, call, startHarness, type Harness } from './harness.js';

describe('crypt(3)', () => {
  // generated with `openssl passwd -1|-5|-6 -salt SALT PASSWORD` (OpenSSL 3)
  const openssl: [string, string][] = [
    ['hello', '$1$saltsalt$fFhQNRZ9A4AYLdo7vOe8a0'],
    ['', '$1$saltsalt$5Jhcit4zN9UlGiA0txPkO0'],
    ['router pass', '$1$Ab3xYz$XwGF8U5Kk.yKM7ZVlagfX1'],
    ['hello', '$5$saltsalt$kfE3pS1dKPPHrilLCLWxLECEVLX8Au49cWIQg7GMQ05'],
    ['router pass', '$5$abcdefgh12345678$d1R78Ojdpyas524OpCSk4kCHJVpUI5T6NQ.YO0Mokj6'],
    ['a much longer password with spaces and ünïcode 0123456789', '$5$saltsalt$/A8HaTwFq5DgCxMKE.G6QAI./S2.p37xSY.6bNbWQiC'],
    ['hello', '$6$saltsalt$YTeBOLnmm3CoeJTzBuijUEtOEWCqrw/nQ8/AeMmON4LGp3k0ZiMjC1OdqzWFUAfDQBvYkOch9BWtQTBcZ1E/p0'],
    ['a much longer password with spaces and ünïcode 0123456789', '$6$saltsalt$gAOLzfNjShzGceYDyCQKI8JHOSd8fMrKnTmpk5c2Z750JeV9FnbEY3wViHLlwdFC/ot4eExNMoqm49kZXHXZL0'],
    ['pw', '$6$rounds=1000$abc$yxe0KSjmoHd8rpohJgwvF5lnIQ/9t.klcz24a1cca3nWm.PLUmhXgcGgKWCoRFHRHYxXj4SVEtjCnCAwaFY0V0'],
  ];
  it.each(openssl)('matches openssl passwd for %j → %s', async (password, hash) => {
    expect(await cryptHash(password, hash)).toBe(hash);
    expect(await verifyCrypt(password, hash)).toBe(true);
    expect(await verifyCrypt(`${password}x`, hash)).toBe(false);
  });

  it('cuts salts as glibc does and keeps custom rounds (Drepper, "Unix crypt using SHA-256 and SHA-512", test vectors)', async () => {
    // `openssl passwd -5 -salt toolongsaltstringXYZ pw` cuts the salt to 16 characters
    expect(await cryptHash('pw', '$5$toolongsaltstringXYZ')).toBe('$5$toolongsaltstrin$Y3vz9Yc/Xx.o6DLddrkbpSLCVwMU7/nP4IbKEArcEi9');
    expect(await cryptHash('Hello world!', '$5$saltstring')).toBe('$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5');
    expect(await cryptHash('Hello world!', '$5$rounds=10000$saltstringsaltstring')).toBe('$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA');
    expect(await cryptHash('Hello world!', '$6$saltstring')).toBe('$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1');
  });

  it('refuses forms it does not compute (DES, bcrypt, garbage) instead of matching them', async () => {
    for (const hash of ['abJnggxhB/yWI', '$2b$10$abcdefghijklmnopqrstuu', '*', '!', 'x']) {
      expect(await cryptHash('pw', hash)).toBeNull();
      expect(await verifyCrypt('pw', hash)).toBe(false);
    }
  });
});

describe("the confdir's rpcd logins", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: [], extraIni: 'shadow = shadow' });
    // `openssl passwd -6 -salt rootsalt secret6`, `openssl passwd -1 -salt md5salt secret1`
    writeFileSync(join(h.dir, 'shadow'), [
      'root:$6$rootsalt$qKs05x/G0HMLPDRgF5hy4ErkeDE3KRlgZhgJ25cTZit58mmo2r1mMM5YzvTxf5hRfcr11ug2GeDebyGsB23201:20000:0:99999:7:::',
      'nopw::20000:0:99999:7:::',
      'locked:*:20000:0:99999:7:::',
      '',
    ].join('\n'));
    writeFileSync(join(h.confdir, 'rpcd'), [
      'config rpcd',
      "\toption socket '/var/run/ubus/ubus.sock'",
      "\toption timeout '30'",
      '',
      'config login',
      "\toption username 'root'",
      "\toption password '$p$root'",
      "\tlist read '*'",
      "\tlist write '*'",
      '',
      'config login',
      "\toption username 'md5'",
      "\toption password '$1$md5salt$OE0X56DtT1.1O4zI85NXg.'",
      "\tlist read 'uci-fw4-session'",
      '',
      'config login',
      "\toption username 'optread'",
      "\toption password '$1$md5salt$OE0X56DtT1.1O4zI85NXg.'",
      "\toption read '*'",
      '',
      'config login',
      "\toption username 'nopw'",
      "\toption password '$p$nopw'",
      '',
      'config login',
      "\toption username 'locked'",
      "\toption password '$p$locked'",
      '',
      'config login',
      "\toption username 'ghost'",
      "\toption password '$p$ghost'",
      '',
    ].join('\n'));
  });
  afterAll(() => h.close());

  const login = (username: string, password: string) => call(h.url, ANON, 'session', 'login', { username, password });

  it('logs in `$p$root` with the shadow file hash, with rpcd\'s `expires` (= timeout) and every group', async () => {
    const [status, d] = await login('root', 'secret6');
    expect(status).toBe(0);
    expect(d!.timeout).toBe(300);
    expect(d!.expires).toBe(300);
    expect(Object.keys((d!.acls as Record<string, object>)['access-group']!)).toContain('uci-fw4-config');
    expect((await login('root', 'secret'))[0]).toBe(6);
  });

  it('logs in an inline `$1$` hash with only the groups its `list read` names', async () => {
    const [status, d] = await login('md5', 'secret1');
    expect(status).toBe(0);
    expect(d!.acls).toEqual({
      'access-group': { 'uci-fw4-session': ['read'] },
      ubus: { session: ['access', 'list', 'get', 'set', 'unset', 'destroy'] },
    });
  });

  it('ignores an `option read` (rpcd reads lists only): the session gets no group at all', async () => {
    const [status, d] = await login('optread', 'secret1');
    expect(status).toBe(0);
    expect(d!.acls).toEqual({});
  });

  it('lets a user whose shadow hash is empty in with any password, as rpcd does on a fresh OpenWrt', async () => {
    expect((await login('nopw', 'anything'))[0]).toBe(0);
  });

  it('refuses a locked account (`*`), a `$p$` user missing from the shadow file, and an unknown user: 6', async () => {
    expect((await login('locked', '*'))[0]).toBe(6);
    expect((await login('ghost', ''))[0]).toBe(6);
    expect((await login('nobody', 'x'))[0]).toBe(6);
  });

  it('answers session.access to the anonymous session (rpcd unauthenticated.json): LuCI asks before login', async () => {
    expect(await call(h.url, ANON, 'session', 'access', { scope: 'ubus', object: 'session', function: 'login' })).toEqual([0, { access: true }]);
    expect(await call(h.url, ANON, 'session', 'access', { scope: 'ubus', object: 'uci', function: 'get' })).toEqual([0, { access: false }]);
  });
});

describe("the rpcd config between logins", () => {
  let h: Harness;
  const loads = vi.spyOn(Cursor.prototype, 'load');
  const rpcdLoads = () => loads.mock.calls.filter(([name]) => name === 'rpcd').length;
  // `openssl passwd -1 -salt md5salt secret1`
  const md5 = (username: string) => `config login\n\toption username '${username}'\n\toption password '$1$md5salt$OE0X56DtT1.1O4zI85NXg.'\n\tlist read '*'\n`;

  beforeAll(async () => {
    // files look older than the coarsest clock tick: a parse of one may be kept (freshness.ts)
    h = await startHarness({ users: [], now: () => Date.now() + 10 * SETTLE_MS });
    writeFileSync(join(h.confdir, 'rpcd'), md5('alice'));
  });
  afterAll(() => {
    loads.mockRestore();
    return h.close();
  });

  const login = (username: string) => call(h.url, ANON, 'session', 'login', { username, password: 'secret1' });

  it('is parsed once for many logins while the file is unchanged', async () => {
    loads.mockClear();
    for (let i = 0; i < 3; i++) expect((await login('alice'))[0]).toBe(0);
    expect(rpcdLoads()).toBe(1);
  });

  it('applies an edit to the next login, without a restart', async () => {
    expect((await login('alice'))[0]).toBe(0);
    expect((await login('bob'))[0]).toBe(6);
    loads.mockClear();
    writeFileSync(join(h.confdir, 'rpcd'), md5('bob'));
    expect((await login('bob'))[0]).toBe(0);
    expect((await login('alice'))[0]).toBe(6);
    expect(rpcdLoads()).toBe(1);
  });
});

describe('settings given on the command line', () => {
  it('make the settings file\'s confdir and listen optional; without them confdir is required', () => {
    const s = parseSettings('snapshot = snap.json\n', '/srv/uci-fw4/server.ini', { confdir: '/data/config', listen: { host: '127.0.0.1', port: 9 } });
    expect(s.confdir).toBe('/data/config');
    expect(s.listen).toEqual({ host: '127.0.0.1', port: 9 });
    expect(s.snapshot).toBe('/srv/uci-fw4/snap.json');
    expect(() => parseSettings('snapshot = snap.json\n', '/srv/uci-fw4/server.ini')).toThrow("'confdir' is required (or --confdir)");
  });
});
