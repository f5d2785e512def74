// uci apply with rollback, confirm and rollback over a real socket, and LuCI's uci.js save()
// and apply() sequence replayed call for call.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { uciObject } from '../../rpc/objects/uci.js';
import { call, callMsg, login, rpc, startHarness, type Harness } from './harness.js';

const hasFlock1 = spawnSync('flock', ['--version']).status === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let h: Harness;
let a: string;
let b: string;
let original: string;
const network = () => readFileSync(join(h.confdir, 'network'), 'utf8');
const uci = (sid: string, method: string, args: object = {}) => call(h.url, sid, 'uci', method, args);

beforeAll(async () => {
  h = await startHarness({
    objects: [uciObject],
    users: [
      { name: 'root', password: 'secret', read: '*', write: '*' },
      { name: 'netonly', password: 'pw', read: 'net-only', write: 'net-only' },
    ],
    acl: {
      'net.json': {
        'net-only': {
          read: { ubus: { uci: ['get', 'changes'] }, uci: ['network'] },
          write: { ubus: { uci: ['set', 'commit', 'apply', 'confirm', 'rollback'] }, uci: ['network'] },
        },
      },
    },
  });
  original = network();
});
afterAll(() => h.close());
beforeEach(async () => {
  a = await login(h.url);
  b = await login(h.url);
});

// rpcd uci.c: rpc_uci_apply, rpc_uci_confirm, rpc_uci_rollback, rpc_uci_do_rollback,
// rpc_uci_apply_timeout (openwrt/rpcd 4476687; the session checks since 7cac6af)
describe('uci apply', () => {
  it("with rollback: commits at once; the timer restores the file byte for byte and stages the applying session's changes again", async () => {
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ipaddr: '10.2.2.2' } })).toEqual([0]);
    expect(await uci(a, 'apply', { rollback: true, timeout: 1 })).toEqual([0]);
    expect(network()).toContain("option ipaddr '10.2.2.2'");
    expect(await uci(a, 'changes')).toEqual([0, { changes: {} }]);
    await sleep(1300);
    expect(network()).toBe(original);
    // rpc_uci_do_rollback: apply_sid still exists and may write network, so the snapshot's
    // change file goes back into its savedir
    expect(await uci(a, 'changes')).toEqual([0, { changes: { network: [['set', 'lan', 'ipaddr', '10.2.2.2']] } }]);
    expect(await uci(a, 'confirm')).toEqual([5]);
    expect(await uci(a, 'rollback')).toEqual([5]);
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

  it('while one is pending: a second rollback apply, commit and revert are refused; staging is not', async () => {
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ipaddr: '10.3.3.3' } })).toEqual([0]);
    expect(await uci(a, 'apply', { rollback: true, timeout: 30 })).toEqual([0]);
    expect(await uci(b, 'set', { config: 'network', section: 'lan', values: { netmask: '255.0.0.0' } })).toEqual([0]);
    expect(await uci(b, 'apply', { rollback: true, timeout: 30 })).toEqual([6]);
    expect(await uci(a, 'apply', { rollback: true })).toEqual([6]);
    expect(await uci(b, 'commit', { config: 'network' })).toEqual([6]);
    expect(await uci(b, 'revert', { config: 'network' })).toEqual([6]);
    expect(await uci(a, 'rollback')).toEqual([0]);
    expect(network()).toBe(original);
    expect(await uci(a, 'rollback')).toEqual([5]);
    expect(await uci(b, 'revert', { config: 'network' })).toEqual([0]);
    expect(await uci(a, 'revert', { config: 'network' })).toEqual([0]);
  });

  it('confirm and rollback belong to the applying session: 6 from any other (rpc_uci_confirm, rpc_uci_rollback)', async () => {
    const net = await login(h.url, 'netonly', 'pw');
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ipaddr: '10.5.5.5' } })).toEqual([0]);
    expect(await uci(a, 'apply', { rollback: true, timeout: 1 })).toEqual([0]);
    expect(await uci(b, 'confirm')).toEqual([6]);
    expect(await uci(b, 'rollback')).toEqual([6]);
    expect(await uci(net, 'confirm')).toEqual([6]);
    expect(await uci(net, 'rollback')).toEqual([6]);
    expect(await uci(a, 'confirm')).toEqual([0]);
    expect(await uci(a, 'confirm')).toEqual([5]);
    expect(await uci(b, 'confirm')).toEqual([5]);
    await sleep(1300);
    expect(network()).toContain("option ipaddr '10.5.5.5'");
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ipaddr: '192.168.1.1' } })).toEqual([0]);
    expect(await uci(a, 'commit', { config: 'network' })).toEqual([0]);
    expect(network()).toBe(original);
  });

  it("rollback puts the files back and stages the applying session's changes again; other sessions' staging is untouched", async () => {
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ipaddr: '10.6.6.6' } })).toEqual([0]);
    expect(await uci(b, 'set', { config: 'network', section: 'wan', values: { metric: '7' } })).toEqual([0]);
    expect(await uci(a, 'apply', { rollback: true, timeout: 30 })).toEqual([0]);
    expect(network()).toContain("option ipaddr '10.6.6.6'");
    expect(await uci(a, 'rollback')).toEqual([0]);
    expect(network()).toBe(original);
    expect(await uci(a, 'changes')).toEqual([0, { changes: { network: [['set', 'lan', 'ipaddr', '10.6.6.6']] } }]);
    expect(await uci(b, 'changes')).toEqual([0, { changes: { network: [['set', 'wan', 'metric', '7']] } }]);
    expect(await uci(a, 'rollback')).toEqual([5]);
    expect(await uci(a, 'revert', { config: 'network' })).toEqual([0]);
    expect(await uci(b, 'revert', { config: 'network' })).toEqual([0]);
  });

  it('an apply without rollback while one is pending commits nothing and drops the snapshot: nothing can be rolled back', async () => {
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ipaddr: '10.7.7.7' } })).toEqual([0]);
    expect(await uci(a, 'apply', { rollback: true, timeout: 1 })).toEqual([0]);
    const applied = network();
    expect(await uci(b, 'set', { config: 'network', section: 'wan', values: { metric: '9' } })).toEqual([0]);
    expect(await uci(b, 'apply', { rollback: false })).toEqual([0]);
    expect(network()).toBe(applied);
    expect(await uci(b, 'changes')).toEqual([0, { changes: { network: [['set', 'wan', 'metric', '9']] } }]);
    expect(await uci(b, 'commit', { config: 'network' })).toEqual([6]);
    // rpc_uci_rollback's glob of the purged snapshot directory finds nothing, which is no
    // error (glob answers GLOB_NOMATCH, never < 0): nothing is restored, nothing staged again,
    // and the apply is over
    expect(await uci(a, 'rollback')).toEqual([0]);
    expect(network()).toBe(applied);
    expect(await uci(a, 'changes')).toEqual([0, { changes: {} }]);
    expect(await uci(a, 'confirm')).toEqual([5]);
    expect(await uci(b, 'revert', { config: 'network' })).toEqual([0]);
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ipaddr: '192.168.1.1' } })).toEqual([0]);
    expect(await uci(a, 'commit', { config: 'network' })).toEqual([0]);
    expect(network()).toBe(original);
  });

  it('a config missing at apply time is snapshot as an empty file: the rollback writes the empty file and stages nothing', async () => {
    const extra = join(h.confdir, 'extra');
    writeFileSync(extra, "config thing 'one'\n");
    expect(await uci(a, 'set', { config: 'extra', section: 'one', values: { x: '1' } })).toEqual([0]);
    rmSync(extra);
    expect(await uci(a, 'apply', { rollback: true, timeout: 1 })).toEqual([0]);
    expect(await uci(a, 'rollback')).toEqual([0]);
    expect(readFileSync(extra, 'utf8')).toBe('');
    // the apply's commit of the missing config failed, so its change stays staged (as rpcd's
    // rpc_uci_apply_config, whose uci_load fails); nothing else was staged again
    expect(await uci(a, 'changes')).toEqual([0, { changes: { extra: [['set', 'one', 'x', '1']] } }]);
    expect(await uci(a, 'confirm')).toEqual([5]);
    expect(await uci(a, 'revert', { config: 'extra' })).toEqual([0]);
    rmSync(extra);
  });

  it.skipIf(!hasFlock1)("a commit waiting for the config's lock when a rollback apply arrives lands before its snapshot: the rollback keeps it (needs flock(1))", async () => {
    expect(await uci(a, 'set', { config: 'network', section: 'wan', values: { metric: '11' } })).toEqual([0]);
    expect(await uci(b, 'set', { config: 'network', section: 'lan', values: { ipaddr: '10.8.8.8' } })).toEqual([0]);
    const file = join(h.confdir, 'network');
    const holder = spawn('flock', [file, 'sh', '-c', 'echo held; sleep 0.5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await once(holder.stdout!, 'data');
    const commit = uci(a, 'commit', { config: 'network' });
    await sleep(100);
    const apply = uci(b, 'apply', { rollback: true, timeout: 30 });
    expect(await commit).toEqual([0]);
    expect(await apply).toEqual([0]);
    expect(await uci(b, 'rollback')).toEqual([0]);
    // on rpcd the commit is one uninterrupted handler: it is in the file the apply snapshot
    expect(network()).toBe(original.replace("\toption proto 'dhcp'\n", "\toption proto 'dhcp'\n\toption metric '11'\n"));
    expect(await uci(b, 'revert', { config: 'network' })).toEqual([0]);
    expect(await uci(a, 'delete', { config: 'network', section: 'wan', option: 'metric' })).toEqual([0]);
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
