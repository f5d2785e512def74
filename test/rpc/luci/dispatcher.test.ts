// LuCI's dispatcher over a fixture root, over real HTTP: the login form and its cookie
// (dispatcher.uc:927-970), the page shell's L.env (header.ut), admin/menu with depends and ACL
// filtering (dispatcher.uc:171-331, index.uc:153), the admin/uci endpoints (uci.uc), the POST
// token check (dispatcher.uc:712), translations (index.uc:124) and the document root.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, login as rpcLogin } from '../harness.js';
import { PASSWORD, startRoot, type RootServer } from './fixture.js';

let h: RootServer;
const firewall = () => readFileSync(join(h.dir, 'etc/config/firewall'), 'utf8');
let original: string;

beforeAll(async () => {
  h = await startRoot();
  original = firewall();
});
afterAll(() => h.close());

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

async function get(path: string, options: { cookie?: string; method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.Cookie = `sysauth_http=${options.cookie}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(h.url + path, { method: options.method ?? (options.body === undefined ? 'GET' : 'POST'), body: options.body, headers, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Logs in through the form; returns the session id the cookie carries. */
async function formLogin(user = 'root', path = '/cgi-bin/luci/admin'): Promise<string> {
  const r = await get(path, { body: new URLSearchParams({ luci_username: user, luci_password: PASSWORD }).toString() });
  expect(r.status).toBe(302);
  return /^sysauth_http=([0-9a-f]{32});/.exec(r.headers.get('set-cookie') ?? '')![1]!;
}

/** The object the page shell hands to `new LuCI(…)`. */
function envOf(html: string): Record<string, any> {
  const m = /<script>L = new LuCI\((.*)\);<\/script>/.exec(html);
  expect(m, 'page shell has L = new LuCI(env)').not.toBeNull();
  return JSON.parse(m![1]!);
}

type Node = { satisfied: boolean; readonly?: boolean; children?: Record<string, Node> };
const menuNode = (menu: Node, path: string): Node => path.split('/').reduce((n, s) => n.children![s]!, menu);

describe('login', () => {
  it('answers a page that needs a login with the form, 403 and X-LuCI-Login-Required', async () => {
    const r = await get('/cgi-bin/luci/admin/network/firewall');
    expect(r.status).toBe(403);
    expect(r.headers.get('x-luci-login-required')).toBe('yes');
    expect(r.text).toContain('<form method="post">');
    expect(r.text).toContain('name="luci_username"');
    expect(r.text).toContain('name="luci_password"');
    expect(r.text).not.toContain('Invalid username');
  });

  it('refuses a wrong password with the form again and its warning, setting no cookie', async () => {
    const r = await get('/cgi-bin/luci/admin', { body: 'luci_username=root&luci_password=wrong' });
    expect(r.status).toBe(403);
    expect(r.headers.get('set-cookie')).toBeNull();
    expect(r.text).toContain('Invalid username and/or password!');
  });

  it('sets the sysauth_http cookie as dispatcher.uc does and redirects to the requested page', async () => {
    const body = new URLSearchParams({ luci_username: 'root', luci_password: PASSWORD }).toString();
    const r = await get('/cgi-bin/luci/admin/network/firewall', { body });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/cgi-bin/luci/admin/network/firewall');
    expect(r.headers.get('set-cookie')).toMatch(/^sysauth_http=[0-9a-f]{32}; path=\/cgi-bin\/luci\/; SameSite=strict; HttpOnly$/);
  });

  it('an unknown session cookie gets the login form', async () => {
    const r = await get('/cgi-bin/luci/admin/network/firewall', { cookie: 'f'.repeat(32) });
    expect(r.status).toBe(403);
    expect(r.text).toContain('name="luci_password"');
  });

  it('a session made over /ubus (no LuCI token) is not a LuCI login', async () => {
    const sid = await rpcLogin(h.url, 'root', PASSWORD);
    expect((await get('/cgi-bin/luci/admin/network/firewall', { cookie: sid })).status).toBe(403);
  });
});

describe('page shell', () => {
  it('loads the view of the page an alias leads to, with L.env as header.ut sets it', async () => {
    const sid = await formLogin();
    const r = await get('/cgi-bin/luci/admin/network/firewall', { cookie: sid });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    const env = envOf(r.text);
    expect(env).toMatchObject({
      media: '/luci-static/fixture',
      resource: '/luci-static/resources',
      scriptname: '/cgi-bin/luci',
      pathinfo: '/admin/network/firewall',
      documentroot: '/www',
      requestpath: ['admin', 'network', 'firewall', 'zones'],
      dispatchpath: ['admin', 'network', 'firewall', 'zones'],
      pollinterval: 5,
      ubuspath: '/ubus/',
      sessionid: sid,
      apply_rollback: 90,
      apply_holdoff: 4,
      apply_timeout: 5,
      apply_display: 1.5,
      rollback_token: null,
    });
    expect(env.token).toMatch(/^[0-9a-f]{32}$/);
    expect(env.nodespec).toMatchObject({ title: 'General Settings', action: { type: 'view', path: 'fixture/zones' }, readonly: false });
    // header.ut writes the JSON with every / escaped
    expect(r.text).toContain('"scriptname":"\\/cgi-bin\\/luci"');
    expect(r.text).toContain('<link rel="stylesheet" href="/luci-static/fixture/cascade.css">');
    expect(r.text).toMatch(/<script src="\/luci-static\/resources\/luci\.js\?v=\d+"><\/script>/);
    expect(r.text).toContain('ui.instantiateView("fixture/zones")');
    expect(r.text).toContain('<title>fixture-router | General Settings</title>');
  });

  it('marks a page read-only for a user whose groups only read it, and refuses a page no group reaches', async () => {
    const sid = await formLogin('viewer');
    const env = envOf((await get('/cgi-bin/luci/admin/network/firewall/zones', { cookie: sid })).text);
    expect(env.nodespec.readonly).toBe(true);
    expect((await get('/cgi-bin/luci/admin/network/readonly', { cookie: sid })).status).toBe(200);
    // the secret page's group is not the viewer's (dispatcher.uc:993)
    expect((await get('/cgi-bin/luci/admin/network/secret', { cookie: sid })).status).toBe(403);
  });

  it('resolves as dispatcher.uc: an unsatisfied segment stops the walk, a firstchild node takes its lightest child', async () => {
    const sid = await formLogin();
    const page = async (path: string) => {
      const r = await get(path, { cookie: sid });
      return { status: r.status, path: r.status === 200 ? envOf(r.text).dispatchpath : r.text };
    };
    // network's lightest eligible child: wireless (15) is unsatisfied, lanonly (20) is next
    expect(await page('/cgi-bin/luci/admin/network')).toEqual({ status: 200, path: ['admin', 'network', 'lanonly'] });
    expect(await page('/cgi-bin/luci/admin')).toEqual({ status: 200, path: ['admin', 'network', 'lanonly'] });
    // custom depends on a file the root lacks: the walk stops at firewall, whose alias leads to zones
    expect(await page('/cgi-bin/luci/admin/network/firewall/custom')).toEqual({ status: 200, path: ['admin', 'network', 'firewall', 'zones'] });
    // an unknown segment leaves the walk on a firstchild node without resolving it (dispatcher.uc:633)
    for (const path of ['/cgi-bin/luci/admin/network/nothing', '/cgi-bin/luci/admin/uci']) {
      const none = await get(path, { cookie: sid });
      expect(none.status).toBe(404);
      expect(none.text).toContain('No page is registered at');
    }
    const legacy = await get('/cgi-bin/luci/admin/network/legacy', { cookie: sid });
    expect(legacy.status).toBe(500);
    expect(legacy.text).toContain('which uci-fw4 serve --root does not run');
  });
});

describe('admin/menu', () => {
  it('without a session: nodes that need an ACL group are unsatisfied, depends are checked against the root', async () => {
    const r = await get('/cgi-bin/luci/admin/menu');
    expect(r.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const menu = JSON.parse(r.text) as Node;
    expect(menuNode(menu, 'admin/network/firewall').satisfied).toBe(false);
    expect(menuNode(menu, 'admin/logout').satisfied).toBe(false);
    expect(menuNode(menu, 'admin/network/firewall/zones').satisfied).toBe(true);
    // fs: the root has /sbin/fw4 but not /usr/share/fw3/helpers.conf
    expect(menuNode(menu, 'admin/network/firewall/custom').satisfied).toBe(false);
    // uci: no wireless config; network.lan has proto static
    expect(menuNode(menu, 'admin/network/wireless').satisfied).toBe(false);
    expect(menuNode(menu, 'admin/network/lanonly').satisfied).toBe(true);
    // the JSON carries the menu.d fields LuCI's menu scripts read
    expect(menuNode(menu, 'admin/network/firewall')).toMatchObject({ title: 'Firewall', order: 60, action: { type: 'alias' } });
    expect(menuNode(menu, 'admin/translations')).toMatchObject({ wildcard: true, wildcardaction: { type: 'function' } });
  });

  it('with the cookie: the user’s groups decide, read-only where only read is granted', async () => {
    const viewer = JSON.parse((await get('/cgi-bin/luci/admin/menu', { cookie: await formLogin('viewer') })).text) as Node;
    expect(menuNode(viewer, 'admin/network/firewall')).toMatchObject({ satisfied: true, readonly: true });
    expect(menuNode(viewer, 'admin/network/secret').satisfied).toBe(false);
    expect(menuNode(viewer, 'admin/logout').satisfied).toBe(true);
    expect(menuNode(viewer, 'admin/logout').readonly).toBeUndefined();
    const root = JSON.parse((await get('/cgi-bin/luci/admin/menu', { cookie: await formLogin('root') })).text) as Node;
    expect(menuNode(root, 'admin/network/secret').satisfied).toBe(true);
    expect(menuNode(root, 'admin/network/firewall').readonly).toBeUndefined();
  });

  it('sees a menu.d file added while the server runs', async () => {
    writeFileSync(join(h.dir, 'usr/share/luci/menu.d/late.json'), JSON.stringify({ 'admin/late': { title: 'Late', action: { type: 'view', path: 'x' } } }));
    const menu = JSON.parse((await get('/cgi-bin/luci/admin/menu')).text) as Node;
    expect(menuNode(menu, 'admin/late').satisfied).toBe(true);
  });
});

describe('admin/uci', () => {
  let sid: string;
  let token: string;
  const uci = (method: string, args: object = {}) => call(h.url, sid, 'uci', method, args);
  const stage = (value: string) => uci('set', { config: 'firewall', section: '@zone[1]', values: { input: value } });
  const endpoint = (name: string, query: Record<string, string>) => get(`/cgi-bin/luci/admin/uci/${name}?${new URLSearchParams(query)}`, { cookie: sid, method: 'POST' });

  beforeAll(async () => {
    sid = await formLogin();
    token = envOf((await get('/cgi-bin/luci/admin/network/firewall', { cookie: sid })).text).token;
  });
  afterEach(() => vi.restoreAllMocks());

  it('apply_rollback asks for POST and the session token (dispatcher.uc:712)', async () => {
    expect((await get(`/cgi-bin/luci/admin/uci/apply_rollback?sid=${sid}&token=${token}`, { cookie: sid })).status).toBe(405);
    const bad = await endpoint('apply_rollback', { sid, token: '0'.repeat(32) });
    expect(bad.status).toBe(403);
    expect(bad.text).toContain('Form token mismatch');
    expect((await get(`/cgi-bin/luci/admin/uci/apply_rollback?token=${token}`, { method: 'POST' })).status).toBe(403);
  });

  it('answers the CORS preflight of a cors node as dispatcher.uc:1016 (confirm asks for no login)', async () => {
    const r = await get('/cgi-bin/luci/admin/uci/confirm', { method: 'OPTIONS', headers: { Origin: 'http://192.168.1.1' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('http://192.168.1.1');
    expect(r.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
  });

  it('apply_rollback with nothing staged: 204 No data', async () => {
    expect((await endpoint('apply_rollback', { sid, token })).status).toBe(204);
  });

  it('apply_rollback + confirm: the confdir changes and stays changed; the token confirms once', async () => {
    expect(await stage('DROP')).toEqual([0]);
    const r = await endpoint('apply_rollback', { sid, token });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const confirmToken = (JSON.parse(r.text) as { token: string }).token;
    expect(confirmToken).toMatch(/^[0-9a-f]{32}$/);
    expect(firewall()).toContain("option input 'DROP'");
    // every page now carries footer.ut's confirmation call with the token
    const page = (await get('/cgi-bin/luci/admin/network/firewall', { cookie: sid })).text;
    expect(page).toMatch(new RegExp(`L\\.ui\\.changes\\.confirm\\(true, Date\\.now\\(\\) \\+ \\d+, "${confirmToken}"\\)`));
    // a second checked apply while one is pending is refused
    expect((await endpoint('apply_rollback', { sid, token })).status).toBe(403);
    expect((await get(`/cgi-bin/luci/admin/uci/confirm?token=${'1'.repeat(32)}`, { method: 'POST' })).status).toBe(403);
    const ok = await get(`/cgi-bin/luci/admin/uci/confirm?token=${confirmToken}`, { method: 'POST' });
    expect([ok.status, ok.text]).toEqual([200, 'OK']);
    expect((await get(`/cgi-bin/luci/admin/uci/confirm?token=${confirmToken}`, { method: 'POST' })).status).toBe(204);
    expect(firewall()).toContain("option input 'DROP'");
    expect(firewall()).not.toBe(original);
  });

  it('apply_rollback without confirm: the 90 s rollback LuCI asks for restores the file byte for byte', async () => {
    const before = firewall();
    const realSetTimeout = globalThis.setTimeout;
    const delays: number[] = [];
    // only the rollback timer is shortened: LuCI's minimum of 90 s would make the test wait that long
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(fn, ms === 90_000 ? 200 : ms);
    }) as typeof setTimeout);
    expect(await stage('REJECT')).toEqual([0]);
    expect((await endpoint('apply_rollback', { sid, token })).status).toBe(200);
    expect(delays).toContain(90_000);
    expect(firewall()).toContain("option input 'REJECT'");
    await new Promise((r) => realSetTimeout(r, 500));
    expect(firewall()).toBe(before);
    // rpcd's timer (rpc_uci_apply_timeout → rpc_uci_do_rollback): the applying session still
    // exists, so its change is staged again, as LuCI then shows it unsaved
    const [status, staged] = (await uci('changes', { config: 'firewall' })) as [number, { changes: string[][] }];
    expect(status).toBe(0);
    expect(staged.changes.map(([op, , option, value]) => [op, option, value])).toEqual([['set', 'input', 'REJECT']]);
    expect((await endpoint('revert', { sid, token })).status).toBe(200);
    expect(await uci('changes', { config: 'firewall' })).toEqual([0, { changes: [] }]);
  });

  it('revert drops the staged changes; apply_unchecked commits at once and answers 204', async () => {
    expect((await endpoint('revert', { sid, token })).status).toBe(200);
    expect(await uci('changes', { config: 'firewall' })).toEqual([0, { changes: [] }]);
    const before = firewall();
    expect(await stage('ACCEPT')).toEqual([0]);
    expect((await endpoint('apply_unchecked', { sid, token })).status).toBe(204);
    expect(firewall()).not.toBe(before);
    expect(firewall()).toContain("option input 'ACCEPT'");
  });
});

/** An .lmo catalog as po2lmo writes one: the strings, then 16-byte entries, then the index offset. */
function lmo(entries: [number, string][]): Buffer {
  const strings = entries.map(([, text]) => Buffer.from(text, 'utf8'));
  const index = Buffer.alloc(entries.length * 16 + 4);
  let offset = 0;
  entries.forEach(([key], i) => {
    index.writeUInt32BE(key, i * 16);
    index.writeUInt32BE(1, i * 16 + 4);
    index.writeUInt32BE(offset, i * 16 + 8);
    index.writeUInt32BE(strings[i]!.length, i * 16 + 12);
    offset += strings[i]!.length;
  });
  index.writeUInt32BE(offset, entries.length * 16);
  return Buffer.concat([...strings, index]);
}

describe('translations', () => {
  it('answers window.TR from the root’s catalogs of the language, and picks the language from Accept-Language', async () => {
    const dir = join(h.dir, 'usr/lib/lua/luci/i18n');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'base.de.lmo'), lmo([[0x0000abcd, 'Hallo'], [0xdeadbeef, 'Zonen </script>']]));
    // the dispatcher looked for the i18n directory when it started: a root made without one stays without
    const restarted = await startRoot(h.dir);
    try {
      const tr = await fetch(`${restarted.url}/cgi-bin/luci/admin/translations/de`);
      expect(tr.headers.get('content-type')).toBe('application/javascript; charset=UTF-8');
      expect(await tr.text()).toBe('window.TR={"0000abcd":"Hallo","deadbeef":"Zonen \\u003c/script>",};');
      expect(await (await fetch(`${restarted.url}/cgi-bin/luci/admin/translations/fr`)).text()).toBe('window.TR={};');
      const page = await (await fetch(`${restarted.url}/cgi-bin/luci/admin`, { headers: { 'Accept-Language': 'fr;q=1, de-DE, de;q=0.5' } })).text();
      expect(page).toContain('<html lang="de">');
      expect(page).toContain('<script src="/cgi-bin/luci/admin/translations/de"></script>');
    } finally {
      await restarted.server.close();
      restarted.app.close();
    }
  });
});

describe('document root and logout', () => {
  it('serves www, and nothing outside it', async () => {
    const js = await get('/luci-static/resources/luci.js');
    expect([js.status, js.headers.get('content-type')]).toEqual([200, 'application/javascript; charset=utf-8']);
    expect((await get('/')).text).toContain('cgi-bin/luci/');
    symlinkSync(join(h.dir, 'etc'), join(h.dir, 'www/etc-link'));
    expect((await get('/etc-link/config/firewall')).status).toBe(404);
    expect((await get('/%2e%2e/etc/config/firewall')).status).toBe(404);
    expect((await get('/../etc/config/firewall')).status).toBe(404);
  });

  it('logout ends the session and clears the cookie', async () => {
    const sid = await formLogin();
    const r = await get('/cgi-bin/luci/admin/logout', { cookie: sid });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/cgi-bin/luci/');
    expect(r.headers.get('set-cookie')).toBe('sysauth_http=; expires=Thu, 01 Jan 1970 01:00:00 GMT; path=/cgi-bin/luci/');
    expect((await get('/cgi-bin/luci/admin/network/firewall', { cookie: sid })).status).toBe(403);
  });
});
