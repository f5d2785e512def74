// `uci-fw4 serve --root` as a command: the root's confdir and LuCI behind the settings' users,
// and the errors for a directory that is no root.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, serve } from '../harness.js';
import { makeRoot } from './fixture.js';

const dir = makeRoot();
const scratch = mkdtempSync(join(tmpdir(), 'uci-fw4-root-cli-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});
const bin = join(root, 'bin/uci-fw4.js');

describe('uci-fw4 serve --root', () => {
  it('serves the root: the login form, the demo user logs in with the cookie, the root’s confdir over /ubus', async () => {
    const s = await serve(['--root', dir, '--listen', '127.0.0.1:0']);
    try {
      expect(s.stderr()).toContain(`LuCI of ${dir} at ${s.url}/cgi-bin/luci/`);
      const form = await fetch(`${s.url}/cgi-bin/luci/admin/network/firewall`);
      expect(form.status).toBe(403);
      expect(await form.text()).toContain('name="luci_password"');
      const body = new URLSearchParams({ luci_username: 'root', luci_password: 'uci-fw4-demo' });
      const r = await fetch(`${s.url}/cgi-bin/luci/admin/network/firewall`, { method: 'POST', body, redirect: 'manual' });
      expect(r.status).toBe(302);
      const sid = /^sysauth_http=([0-9a-f]{32});/.exec(r.headers.get('set-cookie')!)![1]!;
      const page = await fetch(`${s.url}/cgi-bin/luci/admin/network/firewall`, { headers: { Cookie: `sysauth_http=${sid}` } });
      expect(page.status).toBe(200);
      const msg = { jsonrpc: '2.0', id: 1, method: 'call', params: [sid, 'uci', 'get', { config: 'luci', section: 'main', option: 'mediaurlbase' }] };
      const reply = await (await fetch(`${s.url}/ubus`, { method: 'POST', body: JSON.stringify(msg) })).json();
      // the fixture root's own luci config (the example confdir has none), through the root's ACL groups
      expect(reply.result).toEqual([0, { value: '/luci-static/fixture' }]);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it('refuses a directory without etc/config, and --root with --confdir', () => {
    const r = spawnSync(process.execPath, [bin, 'serve', '--root', scratch], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([1, `uci-fw4 serve: --root ${scratch}: no etc/config directory (not an OpenWrt root file system or backup)\n`]);
    const both = spawnSync(process.execPath, [bin, 'serve', '--root', dir, '--confdir', dir], { encoding: 'utf8' });
    expect(both.status).toBe(1);
    expect(both.stderr).toContain('--root and --confdir exclude each other');
  });
});
