// uci apply with rollback, confirm and rollback over a real socket, and LuCI's uci.js save()
// and apply() sequence replayed call for call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { uciObject } from '../../rpc/objects/uci.js';
import { call, callMsg, login, rpc, startHarness, type Harness } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let h: Harness;
let a: string;
let b: string;
let original: string;
const network = () => readFileSync(join(h.confdir, 'network'), 'utf8');
const uci = (sid: string, method: string, args: object = {}) => call(h.url, sid, 'uci', method, args);

beforeAll(async () => {
  h = await startHarness({ objects: [uciObject] });
  original = network();
});
afterAll(() => h.close());
beforeEach(async () => {
  a = await login(h.url);
  b = await login(h.url);
});

describe('uci apply', () => {
  it('with rollback: commits at once, restores the file byte for byte after the timeout and stages the changes again', async () => {
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ipaddr: '10.2.2.2' } })).toEqual([0]);
    expect(await uci(a, 'apply', { rollback: true, timeout: 1 })).toEqual([0]);
    expect(network()).toContain("option ipaddr '10.2.2.2'");
    expect(await uci(a, 'changes')).toEqual([0, { changes: {} }]);
    await sleep(1300);
    expect(network()).toBe(original);
    expect(await uci(a, 'changes')).toEqual([0, { changes: { network: [['set', 'lan', 'ipaddr', '10.2.2.2']] } }]);
    expect(await uci(a, 'confirm')).toEqual([5]);
    expect(await uci(a, 'revert', { config: 'network' })).toEqual([0]);
  });

  it('confirmed in time: the changes stay', async () => {
    expect(await uci(a, 'set', { config: 'network', section: 'wan', values: { metric: '20' } })).toEqual([0]);
    expect(await uci(a, 'apply', { rollback: true, timeout: 1 })).toEqual([0]);
    expect(await uci(a, 'confirm')).toEqual([0]);
    await sleep(1300);
    expect(network()).toBe(original.replace("\toption proto 'dhcp'\n", "\toption proto 'dhcp'\n\toption metric '20'\n"));
    expect(await uci(a, 'changes')).toEqual([0, { changes: {} }]);
    // put the file back for the next tests
    expect(await uci(a, 'delete', { config: 'network', section: 'wan', option: 'metric' })).toEqual([0]);
    expect(await uci(a, 'commit', { config: 'network' })).toEqual([0]);
    expect(network()).toBe(original);
  });

  it('while one is pending: a second rollback apply, commit and revert are refused; only its session confirms or rolls back', async () => {
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ipaddr: '10.3.3.3' } })).toEqual([0]);
    expect(await uci(a, 'apply', { rollback: true, timeout: 30 })).toEqual([0]);
    expect(await uci(b, 'set', { config: 'network', section: 'lan', values: { netmask: '255.0.0.0' } })).toEqual([0]);
    expect(await uci(b, 'apply', { rollback: true, timeout: 30 })).toEqual([6]);
    expect(await uci(a, 'apply', { rollback: true })).toEqual([6]);
    expect(await uci(b, 'commit', { config: 'network' })).toEqual([6]);
    expect(await uci(b, 'revert', { config: 'network' })).toEqual([6]);
    expect(await uci(b, 'confirm')).toEqual([6]);
    expect(await uci(b, 'rollback')).toEqual([6]);
    expect(await uci(a, 'rollback')).toEqual([0]);
    expect(network()).toBe(original);
    expect(await uci(a, 'rollback')).toEqual([5]);
    expect(await uci(b, 'revert', { config: 'network' })).toEqual([0]);
    expect(await uci(a, 'revert', { config: 'network' })).toEqual([0]);
  });

  it('answers 5 (NO_DATA) with nothing staged, and applies without rollback at once', async () => {
    expect(await uci(a, 'apply', { rollback: true, timeout: 1 })).toEqual([5]);
    expect(await uci(a, 'set', { config: 'network', section: 'wan6', values: { reqprefix: 'auto' } })).toEqual([0]);
    expect(await uci(a, 'apply')).toEqual([0]);
    expect(network()).toContain("option reqprefix 'auto'");
    expect(await uci(a, 'confirm')).toEqual([5]);
    expect(await uci(a, 'delete', { config: 'network', section: 'wan6', option: 'reqprefix' })).toEqual([0]);
    expect(await uci(a, 'commit', { config: 'network' })).toEqual([0]);
    expect(network()).toBe(original);
  });

  it('a new login of the same user reclaims the pending apply session (rpcd), so it can confirm', async () => {
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ip6assign: '64' } })).toEqual([0]);
    expect(await uci(a, 'apply', { rollback: true, timeout: 30 })).toEqual([0]);
    expect(await login(h.url)).toBe(a);
    expect(await uci(a, 'rollback')).toEqual([0]);
    expect(network()).toBe(original);
    expect(await login(h.url)).not.toBe(a);
    expect(await uci(a, 'revert', { config: 'network' })).toEqual([0]);
  });

  it('when the applying session is gone, the rollback restores the files only', async () => {
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ipaddr: '10.4.4.4' } })).toEqual([0]);
    expect(await uci(a, 'apply', { rollback: true, timeout: 1 })).toEqual([0]);
    expect(await call(h.url, a, 'session', 'destroy')).toEqual([0]);
    await sleep(1300);
    expect(network()).toBe(original);
  });
});

describe("LuCI's uci.js save() and apply()", () => {
  it('replays add, set, delete in one batch, then order, reload, apply with rollback and confirm', async () => {
    const firewallPath = join(h.confdir, 'firewall');
    const before = readFileSync(firewallPath, 'utf8');
    // uci.load('firewall'): callLoad
    const [, loaded] = await uci(a, 'get', { config: 'firewall' });
    const sections = Object.values(loaded!.values as Record<string, { '.name': string; '.type': string; '.index': number; name?: string }>);
    const byName = (n: string) => sections.find((s) => s.name === n)!['.name'];
    const wan = byName('wan');
    const igmp = byName('Allow-IGMP');
    const isakmp = byName('Allow-ISAKMP');
    const forwarding = sections.find((s) => s['.type'] === 'forwarding')!['.name'];

    // save(): callAdd for each created section, callSet per changed section, callDelete per
    // deleted section or option list, all issued together (rpc.js sends them as one batch)
    const batch = [
      callMsg(a, 'uci', 'add', { config: 'firewall', type: 'rule', values: { name: 'Allow-SSH-WAN', src: 'wan', proto: 'tcp', dest_port: '22', target: 'ACCEPT' } }),
      callMsg(a, 'uci', 'set', { config: 'firewall', section: wan, values: { input: 'DROP' } }),
      callMsg(a, 'uci', 'delete', { config: 'firewall', section: isakmp, options: null }),
      callMsg(a, 'uci', 'delete', { config: 'firewall', section: igmp, options: ['family'] }),
    ];
    const replies = await rpc(h.url, batch);
    expect(replies.map((r) => r.result?.[0])).toEqual([0, 0, 0, 0]);
    const added = (replies[0]!.result as [number, { section: string }])[1].section;
    expect(added).toMatch(/^cfg[0-9a-f]{6}$/);

    // reorderSections(): every section sorted by .index, the new rule moved after the forwarding
    const order = sections.filter((s) => s['.name'] !== isakmp).map((s) => s['.name']);
    order.splice(order.indexOf(forwarding) + 1, 0, added);
    expect((await rpc(h.url, [callMsg(a, 'uci', 'order', { config: 'firewall', sections: order })]))[0]!.result).toEqual([0]);

    // then unload + load: callLoad again, which shows the staged state
    const [, reloaded] = await uci(a, 'get', { config: 'firewall' });
    const names = Object.keys(reloaded!.values as object);
    expect(names.indexOf(added)).toBe(names.indexOf(forwarding) + 1);
    expect(names).not.toContain(isakmp);
    expect(readFileSync(firewallPath, 'utf8')).toBe(before);

    // apply(): callApply(timeout 10, rollback true), then callConfirm until it answers 0
    expect(await call(h.url, a, 'uci', 'apply', { timeout: 10, rollback: true })).toEqual([0]);
    expect(await call(h.url, a, 'uci', 'confirm')).toEqual([0]);
    expect(await uci(a, 'changes')).toEqual([0, { changes: {} }]);

    const expected = before
      .replace(
        "config forwarding\n\toption src\t\tlan\n\toption dest\t\twan\n",
        "config forwarding\n\toption src\t\tlan\n\toption dest\t\twan\n\n" +
          "config rule\n\toption name 'Allow-SSH-WAN'\n\toption src 'wan'\n\toption proto 'tcp'\n\toption dest_port '22'\n\toption target 'ACCEPT'\n",
      )
      .replace("\toption input\t\tREJECT\n\toption output\t\tACCEPT\n\toption forward\t\tREJECT\n\toption masq", "\toption input 'DROP'\n\toption output\t\tACCEPT\n\toption forward\t\tREJECT\n\toption masq")
      .replace('\toption proto\t\tigmp\n\toption family\t\tipv4\n', '\toption proto\t\tigmp\n')
      .replace(/\nconfig rule\n\toption name\t\tAllow-ISAKMP\n[^]*$/, '');
    expect(expected).not.toBe(before);
    expect(readFileSync(firewallPath, 'utf8')).toBe(expected);
  });
});
