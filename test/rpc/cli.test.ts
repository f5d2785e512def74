// `uci-fw4 serve` and `uci-fw4 passwd` as commands (the compiled CLI; npm test builds first).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../rpc/password.js';
import { ANON, call, root, serve } from './harness.js';

const bin = join(root, 'bin/uci-fw4.js');
const scratch = mkdtempSync(join(tmpdir(), 'uci-fw4-cli-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('uci-fw4 serve', () => {
  it('serves the example settings (demo user root) on a loopback address and stops on SIGTERM', async () => {
    const confdir = join(scratch, 'config');
    cpSync(join(root, 'examples/config'), confdir, { recursive: true });
    const s = await serve(['--listen', '127.0.0.1:0', '--confdir', confdir]);
    const [status, d] = await call(s.url, ANON, 'session', 'login', { username: 'root', password: 'uci-fw4-demo' });
    expect(status).toBe(0);
    expect(d!.ubus_rpc_session).toMatch(/^[0-9a-f]{32}$/);
    expect(await s.stop()).toBe(0);
    expect(s.stderr()).toMatch(/ call session\.login 0 /);
  });

  it('refuses a non-loopback listen address while the demo password is in use', () => {
    const r = spawnSync(process.execPath, [bin, 'serve', '--listen', '0.0.0.0:0'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('refusing to listen on 0.0.0.0: user root still has the demo password');
  });

  it('takes the confdir from --confdir when the settings file has none, and logs in its rpcd users', async () => {
    const confdir = join(scratch, 'router-config');
    cpSync(join(root, 'examples/config'), confdir, { recursive: true });
    // `openssl passwd -1 -salt md5salt secret1`
    writeFileSync(join(confdir, 'rpcd'), "config login\n\toption username 'admin'\n\toption password '$1$md5salt$OE0X56DtT1.1O4zI85NXg.'\n\tlist read '*'\n");
    const ini = join(scratch, 'no-confdir.ini');
    writeFileSync(ini, 'log = false\n');
    const s = await serve(['--settings', ini, '--confdir', confdir, '--listen', '127.0.0.1:0']);
    const [status] = await call(s.url, ANON, 'session', 'login', { username: 'admin', password: 'secret1' });
    expect(status).toBe(0);
    expect(await s.stop()).toBe(0);
    const r = spawnSync(process.execPath, [bin, 'serve', '--settings', ini], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("'confdir' is required (or --confdir)");
  });

  it('refuses a non-loopback listen address while an rpcd user has no password', () => {
    const confdir = join(scratch, 'nopw-config');
    cpSync(join(root, 'examples/config'), confdir, { recursive: true });
    // a fresh OpenWrt: root's shadow entry has no hash, and rpcd lets any password in
    writeFileSync(join(confdir, 'rpcd'), "config login\n\toption username 'open'\n\toption password '$p$open'\n");
    writeFileSync(join(scratch, 'nopw.shadow'), 'open::20000:0:99999:7:::\n');
    const ini = join(scratch, 'nopw.ini');
    writeFileSync(ini, 'log = false\nshadow = nopw.shadow\n');
    const r = spawnSync(process.execPath, [bin, 'serve', '--settings', ini, '--confdir', confdir, '--listen', '0.0.0.0:0'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('user open still has the demo password or none');
  });

  it('names a bad option and a bad settings file', () => {
    expect(spawnSync(process.execPath, [bin, 'serve', '--port', '1'], { encoding: 'utf8' }).stderr).toContain("unknown option '--port'");
    const r = spawnSync(process.execPath, [bin, 'serve', '--settings', join(scratch, 'missing.ini')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('missing.ini: cannot read');
  });
});

describe('uci-fw4 passwd', () => {
  it('prints a scrypt hash of the password read from stdin', async () => {
    const r = spawnSync(process.execPath, [bin, 'passwd'], { input: 'hunter2\n', encoding: 'utf8' });
    expect(r.status).toBe(0);
    const hash = r.stdout.trim();
    expect(hash).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword('hunter2', hash)).toBe(true);
    expect(await verifyPassword('hunter2\n', hash)).toBe(false);
  });

  it('refuses an empty password', () => {
    const r = spawnSync(process.execPath, [bin, 'passwd'], { input: '', encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('empty password');
  });
});
