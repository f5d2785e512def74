// The root's own logins (its rpcd config, `$p$` passwords in its etc/shadow) and its system: with
// no snapshot given, the one its network config describes, derived again after a change.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpcObjects } from '../../../rpc/objects/index.js';
import { call, login } from '../harness.js';
import { startRoot, type RootServer } from './fixture.js';

let h: RootServer;
beforeAll(async () => {
  h = await startRoot(undefined, rpcObjects);
});
afterAll(() => h.close());

const form = (user: string, password: string) =>
  fetch(`${h.url}/cgi-bin/luci/admin`, { method: 'POST', body: new URLSearchParams({ luci_username: user, luci_password: password }), redirect: 'manual' });

describe('serve --root: the root as a router', () => {
  it('logs in the root’s rpcd login whose password is $p$admin, checked against the root’s etc/shadow', async () => {
    expect((await form('admin', 'secret')).status).toBe(302);
    expect((await form('admin', 'wrong')).status).toBe(403);
    // root has no password in the root's shadow, but no rpcd login either: only the settings' root logs in
    expect((await form('root', '')).status).toBe(403);
  });

  it('answers network.interface dump from the system the root’s network config describes, derived again after a commit', async () => {
    const sid = await login(h.url, 'admin', 'secret');
    const lan = async () => {
      const [status, data] = await call(h.url, sid, 'network.interface', 'dump');
      expect(status).toBe(0);
      return (data!.interface as { interface: string; 'ipv4-address'?: { address: string }[] }[]).find((i) => i.interface === 'lan');
    };
    expect((await lan())!['ipv4-address']).toEqual([expect.objectContaining({ address: '192.168.1.1', mask: 24 })]);
    expect(await call(h.url, sid, 'uci', 'set', { config: 'network', section: 'lan', values: { ipaddr: '10.9.8.7' } })).toEqual([0]);
    expect(await call(h.url, sid, 'uci', 'commit', { config: 'network' })).toEqual([0]);
    expect(readFileSync(join(h.dir, 'etc/config/network'), 'utf8')).toContain("option ipaddr '10.9.8.7'");
    expect((await lan())!['ipv4-address']).toEqual([expect.objectContaining({ address: '10.9.8.7', mask: 24 })]);
  });
});
