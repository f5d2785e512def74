// rpcd's session object over a real socket: login, expiry, ACLs, the anonymous session, and the
// login throttle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON, call, callMsg, login, rpc, startHarness, type Harness } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    users: [
      { name: 'root', password: 'secret', read: '*', write: '*' },
      { name: 'viewer', password: 'look', read: 'uci-fw4-session uci-fw4-config' },
      { name: 'nofw', password: 'pw', read: '*', write: '* !uci-fw4-config' },
    ],
    acl: { 'grant.json': { 'test-grant': { read: { ubus: { session: ['grant', 'revoke'] } } } } },
  });
});
afterAll(() => h.close());

describe('session.login', () => {
  it('opens a session: 32 hex id, timeout, expires, acls with access-group, data.username', async () => {
    const [status, d] = await call(h.url, ANON, 'session', 'login', { username: 'root', password: 'secret' });
    expect(status).toBe(0);
    expect(d!.ubus_rpc_session).toMatch(/^[0-9a-f]{32}$/);
    expect(d!.timeout).toBe(300);
    // rpcd dumps the session as it sets its timer (session.c rpc_session_to_blob, line 229)
    expect(d!.expires).toBe(300);
    expect(d!.data).toEqual({ username: 'root' });
    const acls = d!.acls as Record<string, Record<string, string[]>>;
    expect(Object.keys(acls)).toEqual(['access-group', 'file', 'ubus', 'uci']);
    expect(acls['access-group']).toEqual({
      'test-grant': ['read'],
      unauthenticated: ['read'],
      'uci-fw4-config': ['read', 'write'],
      'uci-fw4-firewall': ['read'],
      'uci-fw4-luci': ['read'],
      'uci-fw4-session': ['read'],
    });
    expect(acls.uci).toEqual({ '*': ['read', 'write'], firewall: ['read'] });
    // acl.d files in glob order: grant.json, uci-fw4.json, unauthenticated.json
    expect(acls.ubus!.session).toEqual(['grant', 'revoke', 'access', 'list', 'get', 'set', 'unset', 'destroy', 'login']);
  });

  it('gives distinct ids to two logins of the same user', async () => {
    expect(await login(h.url)).not.toBe(await login(h.url));
  });

  it('refuses a wrong password and an unknown user with status 6', async () => {
    expect(await call(h.url, ANON, 'session', 'login', { username: 'root', password: 'nope' })).toEqual([6]);
    expect(await call(h.url, ANON, 'session', 'login', { username: 'mallory', password: 'secret' })).toEqual([6]);
    expect(await call(h.url, ANON, 'session', 'login', { username: 'root' })).toEqual([2]);
  });

  it('honours a timeout argument', async () => {
    const [, d] = await call(h.url, ANON, 'session', 'login', { username: 'root', password: 'secret', timeout: 42 });
    expect(d!.timeout).toBe(42);
  });

  it('applies negative group patterns (write = * !uci-fw4-config) and write implying read', async () => {
    const [, d] = await call(h.url, ANON, 'session', 'login', { username: 'nofw', password: 'pw' });
    const groups = (d!.acls as Record<string, Record<string, string[]>>)['access-group']!;
    expect(groups['uci-fw4-config']).toEqual(['read']);
    expect(groups['uci-fw4-firewall']).toEqual(['read']);
  });
});

describe('the anonymous session', () => {
  // rpcd's unauthenticated.json grants session access and login; luci-base's adds luci.getFeatures
  it('may call session.access, session.login and luci.getFeatures and nothing else', async () => {
    const objects = (await rpc(h.url, { jsonrpc: '2.0', id: 1, method: 'list', params: ['*'] })).result as Record<string, Record<string, unknown>>;
    let tried = 0;
    for (const [object, methods] of Object.entries(objects)) {
      for (const method of Object.keys(methods)) {
        if (['session.access', 'session.login', 'luci.getFeatures'].includes(`${object}.${method}`)) continue;
        const r = await rpc(h.url, callMsg(ANON, object, method, {}));
        expect(r.error, `${object}.${method}`).toEqual({ code: -32002, message: 'Access denied' });
        tried++;
      }
    }
    expect(tried).toBeGreaterThanOrEqual(8);
  });

  it('is what an unknown or malformed session id gets: -32002', async () => {
    for (const sid of ['0123456789abcdef0123456789abcdef', 'x', '', '../../etc/passwd']) {
      expect((await rpc(h.url, callMsg(sid, 'session', 'list'))).error?.code).toBe(-32002);
    }
  });
});

describe('session lifetime', () => {
  it('expires after its timeout: -32002 afterwards', async () => {
    const sid = await login(h.url, 'root', 'secret', 1);
    expect((await call(h.url, sid, 'session', 'get'))[0]).toBe(0);
    await sleep(1100);
    const r = await rpc(h.url, callMsg(sid, 'session', 'get'));
    expect(r.error).toEqual({ code: -32002, message: 'Access denied' });
  });

  it('renews the expiry on every use', async () => {
    const sid = await login(h.url, 'root', 'secret', 1);
    for (let i = 0; i < 3; i++) {
      await sleep(600);
      expect((await call(h.url, sid, 'session', 'get'))[0]).toBe(0);
    }
  });

  it('ends with destroy', async () => {
    const sid = await login(h.url);
    expect(await call(h.url, sid, 'session', 'destroy')).toEqual([0]);
    expect((await rpc(h.url, callMsg(sid, 'session', 'get'))).error?.code).toBe(-32002);
  });
});

describe('session data and ACL methods', () => {
  it('set / get / unset values', async () => {
    const sid = await login(h.url);
    expect(await call(h.url, sid, 'session', 'set', { values: { b: [1, 2], a: 'x', '': 'skipped' } })).toEqual([0]);
    expect(await call(h.url, sid, 'session', 'get')).toEqual([0, { values: { a: 'x', b: [1, 2], username: 'root' } }]);
    expect(await call(h.url, sid, 'session', 'get', { keys: ['b', 7, 'zz'] })).toEqual([0, { values: { b: [1, 2] } }]);
    expect(await call(h.url, sid, 'session', 'unset', { keys: ['a'] })).toEqual([0]);
    expect(await call(h.url, sid, 'session', 'get')).toEqual([0, { values: { b: [1, 2], username: 'root' } }]);
  });

  it('access answers for one function, or dumps the ACLs', async () => {
    const sid = await login(h.url, 'viewer', 'look');
    expect(await call(h.url, sid, 'session', 'access', { object: 'uci', function: 'get' })).toEqual([0, { access: true }]);
    expect(await call(h.url, sid, 'session', 'access', { object: 'uci', function: 'set' })).toEqual([0, { access: false }]);
    expect(await call(h.url, sid, 'session', 'access', { scope: 'uci', object: 'network', function: 'read' })).toEqual([0, { access: true }]);
    expect(await call(h.url, sid, 'session', 'access', { scope: 'uci', object: 'network', function: 'write' })).toEqual([0, { access: false }]);
    const [, dump] = await call(h.url, sid, 'session', 'access');
    expect(Object.keys(dump!)).toEqual(['access-group', 'ubus', 'uci']);
  });

  it('denies a method outside the user groups with -32002', async () => {
    const sid = await login(h.url, 'viewer', 'look');
    expect((await rpc(h.url, callMsg(sid, 'session', 'create'))).error?.code).toBe(-32002);
    expect((await rpc(h.url, callMsg(sid, 'session', 'grant', { objects: [['*', '*']] }))).error?.code).toBe(-32002);
  });

  it('grant and revoke change what the session may do', async () => {
    const sid = await login(h.url);
    expect((await rpc(h.url, callMsg(sid, 'session', 'create'))).error?.code).toBe(-32002);
    expect(await call(h.url, sid, 'session', 'grant', { objects: [['sess*', 'cr?ate'], ['ignored'], [1, 2]] })).toEqual([0]);
    const [status, created] = await call(h.url, sid, 'session', 'create', { timeout: 5 });
    expect(status).toBe(0);
    expect(created).toMatchObject({ timeout: 5, expires: 5, acls: {}, data: {} });
    expect(await call(h.url, sid, 'session', 'revoke', { objects: [['sess*', 'cr?ate']] })).toEqual([0]);
    expect((await rpc(h.url, callMsg(sid, 'session', 'create'))).error?.code).toBe(-32002);
    expect(await call(h.url, sid, 'session', 'grant', { scope: 'custom', objects: [['a', 'b']] })).toEqual([0]);
    expect(await call(h.url, sid, 'session', 'access', { scope: 'custom', object: 'a', function: 'b' })).toEqual([0, { access: true }]);
    expect(await call(h.url, sid, 'session', 'revoke', { scope: 'custom' })).toEqual([0]);
    expect(await call(h.url, sid, 'session', 'access', { scope: 'custom', object: 'a', function: 'b' })).toEqual([0, { access: false }]);
    expect(await call(h.url, sid, 'session', 'grant', {})).toEqual([2]);
  });
});

describe('login brute force', () => {
  it('refuses even the right password while the back-off runs, then lets it in', async () => {
    const t = await startHarness({ extraIni: 'login_free_attempts = 2\nlogin_backoff_ms = 400' });
    try {
      const attempt = (password: string) => call(t.url, ANON, 'session', 'login', { username: 'root', password });
      expect(await attempt('wrong1')).toEqual([6]);
      expect((await attempt('secret'))[0]).toBe(0); // below the free attempts: checked, and clears the count
      expect(await attempt('wrong1')).toEqual([6]);
      expect(await attempt('wrong2')).toEqual([6]); // second failure: back-off of 400 ms starts
      expect(await attempt('secret')).toEqual([6]); // refused unchecked
      await sleep(450);
      expect(await attempt('wrong3')).toEqual([6]); // third failure: back-off doubles to 800 ms
      await sleep(450);
      expect(await attempt('secret')).toEqual([6]);
      await sleep(400);
      expect((await attempt('secret'))[0]).toBe(0);
      expect((await attempt('secret'))[0]).toBe(0); // success cleared the count
    } finally {
      await t.close();
    }
  });
});
