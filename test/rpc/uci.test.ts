// rpcd's uci object over a real socket: reading, staging per session, commit, and rpcd's
// status codes for each method.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uciObject } from '../../rpc/objects/uci.js';
import { call, callMsg, login, rpc, startHarness, type Harness } from './harness.js';

let h: Harness;
let a: string;
let b: string;
const file = (name: string) => readFileSync(join(h.confdir, name), 'utf8');
const uci = (sid: string, method: string, args: object = {}) => call(h.url, sid, 'uci', method, args);

beforeAll(async () => {
  h = await startHarness({
    objects: [uciObject],
    users: [
      { name: 'root', password: 'secret', read: '*', write: '*' },
      { name: 'viewer', password: 'look', read: 'uci-fw4-config' },
      { name: 'netonly', password: 'pw', read: 'net-only', write: 'net-only' },
    ],
    acl: {
      'net.json': {
        'net-only': {
          read: { ubus: { uci: ['get', 'changes', 'configs'] }, uci: ['network'] },
          write: { ubus: { uci: ['set', 'commit'] }, uci: ['network'] },
        },
      },
    },
  });
  a = await login(h.url);
  b = await login(h.url);
});
afterAll(() => h.close());

describe('reading', () => {
  it('lists the configs', async () => {
    expect(await uci(a, 'configs')).toEqual([0, { configs: ['firewall', 'network'] }]);
  });

  it('gets a whole config with rpcd dot-keys, in file order, lists as arrays', async () => {
    const [status, d] = await uci(a, 'get', { config: 'network' });
    expect(status).toBe(0);
    const values = d!.values as Record<string, Record<string, unknown>>;
    expect(Object.keys(values)).toEqual(['loopback', 'globals', expect.stringMatching(/^cfg[0-9a-f]{6}$/), 'lan', 'wan', 'wan6']);
    expect(values.lan).toEqual({
      '.anonymous': false,
      '.type': 'interface',
      '.name': 'lan',
      '.index': 3,
      device: 'br-lan',
      proto: 'static',
      ipaddr: '192.168.1.1',
      netmask: '255.255.255.0',
      ip6assign: '60',
    });
    const device = Object.values(values)[2]!;
    expect(device).toMatchObject({ '.anonymous': true, '.type': 'device', '.index': 2, ports: ['lan1', 'lan2'] });
  });

  it('gets one section (no .index), @type[n], one option; filters by type and match', async () => {
    expect(await uci(a, 'get', { config: 'network', section: 'wan' })).toEqual([
      0,
      { values: { '.anonymous': false, '.type': 'interface', '.name': 'wan', device: 'wan', proto: 'dhcp' } },
    ]);
    expect((await uci(a, 'get', { config: 'firewall', section: '@zone[-1]', option: 'name' }))).toEqual([0, { value: 'wan' }]);
    expect(await uci(a, 'get', { config: 'firewall', section: '@zone[1]', option: 'network' })).toEqual([0, { value: ['wan', 'wan6'] }]);
    const [, typed] = await uci(a, 'get', { config: 'network', type: 'interface', match: { proto: 'static' } });
    expect(Object.keys(typed!.values as object)).toEqual(['loopback', 'lan']);
    const [, listMatch] = await uci(a, 'get', { config: 'firewall', type: 'zone', match: { network: 'wan6' } });
    expect(Object.values(listMatch!.values as Record<string, { name: string; '.index': number }>).map((z) => [z.name, z['.index']])).toEqual([['wan', 2]]);
  });

  it('answers a missing section or option with status 0 and no data, a missing config with 4 (rpcd)', async () => {
    expect(await uci(a, 'get', { config: 'network', section: 'nope' })).toEqual([0]);
    expect(await uci(a, 'get', { config: 'network', section: 'lan', option: 'nope' })).toEqual([0]);
    expect(await uci(a, 'get', { config: 'network', section: '@interface[9]' })).toEqual([0]);
    expect(await uci(a, 'get', { config: 'nosuchconfig' })).toEqual([4]);
    expect(await uci(a, 'get', {})).toEqual([2]);
  });
});

describe('staging', () => {
  it('keeps one session\'s changes invisible to another until commit, and the file untouched', async () => {
    const before = file('network');
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ipaddr: '10.1.1.1', dns: ['1.1.1.1', '9.9.9.9'] } })).toEqual([0]);
    expect(await uci(a, 'get', { config: 'network', section: 'lan', option: 'ipaddr' })).toEqual([0, { value: '10.1.1.1' }]);
    expect(await uci(b, 'get', { config: 'network', section: 'lan', option: 'ipaddr' })).toEqual([0, { value: '192.168.1.1' }]);
    expect(await uci(a, 'changes', { config: 'network' })).toEqual([
      0,
      { changes: [['set', 'lan', 'ipaddr', '10.1.1.1'], ['list-add', 'lan', 'dns', '1.1.1.1'], ['list-add', 'lan', 'dns', '9.9.9.9']] },
    ]);
    expect(await uci(b, 'changes', { config: 'network' })).toEqual([0, { changes: [] }]);
    expect(await uci(b, 'changes')).toEqual([0, { changes: {} }]);
    expect(file('network')).toBe(before);
    expect(await uci(a, 'revert', { config: 'network' })).toEqual([0]);
    expect(await uci(a, 'changes')).toEqual([0, { changes: {} }]);
  });

  it('commits into the file, keeping the comments, and the other session then sees it', async () => {
    const before = file('firewall');
    expect(await uci(a, 'set', { config: 'firewall', section: '@rule[3]', values: { dest_port: 547 } })).toEqual([0]);
    expect(await uci(a, 'commit', { config: 'firewall' })).toEqual([0]);
    // the changed line is written as libuci writes options; every other byte stays
    expect(file('firewall')).toBe(before.replace('\toption dest_port\t546\n', "\toption dest_port '547'\n"));
    expect(file('firewall')).toContain('# Allow DHCPv6 replies\n# see https://github.com/openwrt/openwrt/issues/5066\nconfig rule\n');
    expect(await uci(b, 'get', { config: 'firewall', section: '@rule[3]', option: 'dest_port' })).toEqual([0, { value: '547' }]);
    expect(await uci(a, 'changes')).toEqual([0, { changes: {} }]);
  });

  it('stages nothing when set does not change a value', async () => {
    expect(await uci(a, 'set', { config: 'network', section: 'wan', values: { proto: 'dhcp' } })).toEqual([0]);
    expect(await uci(a, 'changes', { config: 'network' })).toEqual([0, { changes: [] }]);
  });

  it('add: answers the new section; named sections; values with lists; formats numbers and booleans', async () => {
    const [status, d] = await uci(a, 'add', { config: 'network', type: 'route', values: { target: '10.9.0.0/16', metric: 5, disabled: false, neg: -1 } });
    expect(status).toBe(0);
    const name = d!.section as string;
    expect(name).toMatch(/^cfg[0-9a-f]{6}$/);
    expect(await uci(a, 'get', { config: 'network', section: name })).toEqual([
      0,
      { values: { '.anonymous': true, '.type': 'route', '.name': name, target: '10.9.0.0/16', metric: '5', disabled: '0', neg: '4294967295' } },
    ]);
    expect(await uci(a, 'add', { config: 'network', type: 'interface', name: 'guest', values: { proto: 'static', dns: ['a', 'b'] } })).toEqual([0, { section: 'guest' }]);
    expect(await uci(a, 'get', { config: 'network', section: 'guest', option: 'dns' })).toEqual([0, { value: ['a', 'b'] }]);
    expect(await uci(a, 'revert', { config: 'network' })).toEqual([0]);
  });

  it('add refuses bad types, names and values, staging nothing of the call', async () => {
    expect(await uci(a, 'add', { config: 'network', type: 'bad type' })).toEqual([2]);
    expect(await uci(a, 'add', { config: 'network', type: 'route', name: 'bad-name' })).toEqual([2]);
    expect(await uci(a, 'add', { config: 'network', type: 'route', values: { good: 'x', 'bad.opt': 'y' } })).toEqual([2]);
    expect(await uci(a, 'add', { config: 'network', type: 'route', values: { good: 'x', obj: { a: 1 } } })).toEqual([2]);
    expect(await uci(a, 'add', { config: 'network', type: 'route', values: { frac: 1.5 } })).toEqual([2]);
    expect(await uci(a, 'changes', { config: 'network' })).toEqual([0, { changes: [] }]);
    expect(await uci(a, 'add', { config: 'nosuchconfig', type: 'route' })).toEqual([4]);
  });

  it('set: by type/match, replacing lists, list to scalar; 4 for unknown sections, nothing staged on error', async () => {
    expect(await uci(a, 'set', { config: 'network', type: 'interface', match: { device: 'wan' }, values: { metric: '10' } })).toEqual([0]);
    expect((await uci(a, 'changes', { config: 'network' }))[1]).toEqual({ changes: [['set', 'wan', 'metric', '10'], ['set', 'wan6', 'metric', '10']] });
    expect(await uci(a, 'set', { config: 'network', section: '@device[0]', values: { ports: 'lan9' } })).toEqual([0]);
    expect(await uci(a, 'get', { config: 'network', section: '@device[0]', option: 'ports' })).toEqual([0, { value: 'lan9' }]);
    expect(await uci(a, 'revert', { config: 'network' })).toEqual([0]);
    expect(await uci(a, 'set', { config: 'network', section: 'nope', values: { a: 'b' } })).toEqual([4]);
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: {} })).toEqual([4]);
    expect(await uci(a, 'set', { config: 'network', type: 'nosuchtype', values: { a: 'b' } })).toEqual([4]);
    expect(await uci(a, 'set', { config: 'network', values: { a: 'b' } })).toEqual([2]);
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ok: 'x', 'no-dash': 'y' } })).toEqual([2]);
    expect(await uci(a, 'set', { config: 'network', section: 'lan', values: { ok: 'x', bad: 'line\u0001break' } })).toEqual([2]);
    expect(await uci(a, 'changes', { config: 'network' })).toEqual([0, { changes: [] }]);
  });

  it('delete: an option, options, a section, by type; 4 when nothing matches', async () => {
    expect(await uci(a, 'delete', { config: 'network', section: 'lan', option: 'ip6assign' })).toEqual([0]);
    expect(await uci(a, 'delete', { config: 'network', section: 'lan', options: ['netmask', 'nope', 7] })).toEqual([0]);
    expect(await uci(a, 'delete', { config: 'network', section: 'wan6', options: null })).toEqual([0]);
    expect((await uci(a, 'changes', { config: 'network' }))[1]).toEqual({
      changes: [['remove', 'lan', 'ip6assign'], ['remove', 'lan', 'netmask'], ['remove', 'wan6']],
    });
    expect(await uci(a, 'delete', { config: 'network', section: 'lan', option: 'nope' })).toEqual([4]);
    expect(await uci(a, 'delete', { config: 'network', section: 'lan', options: ['nope'] })).toEqual([4]);
    expect(await uci(a, 'delete', { config: 'network', section: 'nope' })).toEqual([4]);
    expect(await uci(a, 'delete', { config: 'network', type: 'nosuch' })).toEqual([4]);
    expect(await uci(a, 'delete', { config: 'network', type: 'bad type' })).toEqual([2]);
    expect(await uci(a, 'revert', { config: 'network' })).toEqual([0]);
  });

  it('rename and order', async () => {
    expect(await uci(a, 'rename', { config: 'network', section: 'wan6', name: 'wan_six' })).toEqual([0]);
    expect(await uci(a, 'rename', { config: 'network', section: 'lan', option: 'ipaddr', name: 'address' })).toEqual([0]);
    expect(await uci(a, 'rename', { config: 'network', section: 'lan', name: 'bad-name' })).toEqual([2]);
    expect(await uci(a, 'rename', { config: 'network', section: '@interface[0]', name: 'x' })).toEqual([4]);
    expect(await uci(a, 'rename', { config: 'network', section: 'lan', option: 'nope', name: 'x' })).toEqual([4]);
    expect(await uci(a, 'order', { config: 'network', sections: ['wan', 'lan'] })).toEqual([0]);
    expect(await uci(a, 'order', { config: 'network', sections: ['wan', 'nope'] })).toEqual([4]);
    const [, d] = await uci(a, 'get', { config: 'network' });
    expect(Object.keys(d!.values as object).filter((n) => !n.startsWith('cfg'))).toEqual(['wan', 'lan', 'loopback', 'globals', 'wan_six']);
    expect((await uci(a, 'changes', { config: 'network' }))[1]).toEqual({
      changes: [['rename', 'wan6', 'wan_six'], ['rename', 'lan', 'ipaddr', 'address'], ['order', 'wan', 0], ['order', 'lan', 1]],
    });
    expect(await uci(a, 'revert', { config: 'network' })).toEqual([0]);
  });
});

describe('ACLs', () => {
  it('denies uci methods outside the ubus grants with -32002', async () => {
    const viewer = await login(h.url, 'viewer', 'look');
    expect((await uci(viewer, 'get', { config: 'network', section: 'lan', option: 'proto' }))).toEqual([0, { value: 'static' }]);
    const r = await rpc(h.url, callMsg(viewer, 'uci', 'set', { config: 'network', section: 'lan', values: { proto: 'dhcp' } }));
    expect(r.error).toEqual({ code: -32002, message: 'Access denied' });
  });

  it('checks read and write per config in scope "uci" with status 6', async () => {
    const net = await login(h.url, 'netonly', 'pw');
    expect((await uci(net, 'get', { config: 'network', section: 'lan', option: 'proto' }))[0]).toBe(0);
    expect(await uci(net, 'get', { config: 'firewall' })).toEqual([6]);
    expect(await uci(net, 'set', { config: 'firewall', section: '@zone[0]', values: { input: 'DROP' } })).toEqual([6]);
    expect(await uci(net, 'changes', { config: 'firewall' })).toEqual([6]);
    // configs lists everything, as rpcd does; changes without a config skips unreadable ones
    expect(await uci(net, 'configs')).toEqual([0, { configs: ['firewall', 'network'] }]);
    expect(await uci(a, 'set', { config: 'firewall', section: '@zone[0]', values: { input: 'DROP' } })).toEqual([0]);
    expect(await uci(net, 'changes')).toEqual([0, { changes: {} }]);
    expect(await uci(a, 'revert', { config: 'firewall' })).toEqual([0]);
  });
});
