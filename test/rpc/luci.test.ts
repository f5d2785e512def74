// The luci object over a real socket. Shapes from openwrt/luci
// modules/luci-base/root/usr/share/rpcd/ucode/luci (daf2e0b): getFeatures lines 223-336,
// getConntrackHelpers 195-221, getInitList 56-73, getLEDs 136-162, getBuiltinEthernetPorts
// 616-657, getVersion 50-54.
import { describe, expect, it } from 'vitest';
import { ANON, call, login } from './harness.js';
import { startSystem, useSystem } from './fixtures/system.js';

const FEATURE_KEYS = ['firewall', 'firewall4', 'opkg', 'bonding', 'mii_tool', 'offloading', 'br2684ctl', 'swconfig', 'zram', 'sysntpd', 'ipv6', 'dropbear', 'cabundle', 'relayd', 'apk', 'wifi', 'ufpd', 'vrf', 'netifd_vrf'];

describe('luci with a root file system', () => {
  const sys = useSystem({
    rootFiles: {
      '/sbin/fw4': '#!/usr/bin/ucode\n',
      '/usr/sbin/dropbear': '',
      '/proc/net/ipv6_route': '00000000000000000000000000000000 00 ...\n',
      '/sys/module/nft_flow_offload/refcnt': '1\n',
      '/usr/sbin/ntpd': { link: '/bin/busybox' },
      '/bin/busybox': '',
      '/etc/board.json': '{"network":{"lan":{"ports":["lan1","lan2"]},"wan":{"device":"wan"}}}',
      '/etc/init.d/firewall': '#!/bin/sh /etc/rc.common\n\nSTART=19\nUSE_PROCD=1\n',
      '/etc/init.d/dnsmasq': '#!/bin/sh /etc/rc.common\n\nSTART=19\nSTOP=85\n',
      '/etc/rc.d/S19firewall': { link: '../init.d/firewall' },
      '/sys/class/leds/green:lan/trigger': 'none timer [netdev] default-on\n',
      '/sys/class/leds/green:lan/brightness': '1\n',
      '/sys/class/leds/green:lan/max_brightness': '255\n',
      '/usr/share/ucode/luci/version.uc': "export const revision = '25.123.45678~abcdef0', branch = 'LuCI openwrt-24.10 branch';\n",
    },
  });

  it('getFeatures answers the anonymous session (LuCI probes before login), keys in the plugin\'s order, from access() of the root', async () => {
    const [status, f] = await call(sys.url, ANON, 'luci', 'getFeatures');
    expect(status).toBe(0);
    expect(Object.keys(f!)).toEqual([...FEATURE_KEYS, 'odhcpd']);
    expect(f).toMatchObject({ firewall: false, firewall4: true, dropbear: true, ipv6: true, offloading: true, sysntpd: true, wifi: false, odhcpd: false });
  });

  it('getInitList: START as index, STOP, enabled when /etc/rc.d/S<NN><name> exists; a name filters; an unknown one is an error', async () => {
    expect(await call(sys.url, sys.sid, 'luci', 'getInitList')).toEqual([0, {
      dnsmasq: { index: 19, stop: 85, enabled: false },
      firewall: { index: 19, stop: null, enabled: true },
    }]);
    expect(await call(sys.url, sys.sid, 'luci', 'getInitList', { name: 'firewall' })).toEqual([0, { firewall: { index: 19, stop: null, enabled: true } }]);
    expect(await call(sys.url, sys.sid, 'luci', 'getInitList', { name: 'nope' })).toEqual([0, { error: 'No such init script' }]);
  });

  it('getLEDs, getBuiltinEthernetPorts and getVersion from the root\'s files', async () => {
    expect(await call(sys.url, sys.sid, 'luci', 'getLEDs')).toEqual([0, {
      'green:lan': { triggers: ['none', 'timer', 'netdev', 'default-on'], active_trigger: 'netdev', brightness: 1, max_brightness: 255 },
    }]);
    expect(await call(sys.url, sys.sid, 'luci', 'getBuiltinEthernetPorts')).toEqual([0, {
      result: [{ role: 'lan', device: 'lan1' }, { role: 'lan', device: 'lan2' }, { role: 'wan', device: 'wan' }],
    }]);
    expect(await call(sys.url, sys.sid, 'luci', 'getVersion')).toEqual([0, { revision: '25.123.45678~abcdef0', branch: 'LuCI openwrt-24.10 branch' }]);
  });
});

describe('luci with no system source', () => {
  const sys = useSystem({ snapshot: null });

  it('getFeatures: nothing present but fw4 (this server), odhcpd false', async () => {
    const expected: Record<string, boolean> = Object.fromEntries(FEATURE_KEYS.map((k) => [k, false]));
    expected.firewall4 = true;
    expected.odhcpd = false;
    expect(await call(sys.url, sys.sid, 'luci', 'getFeatures')).toEqual([0, expected]);
  });

  it('getConntrackHelpers: fw4\'s shipped helper table (/usr/share/firewall4/helpers), in file order', async () => {
    const [status, d] = await call(sys.url, sys.sid, 'luci', 'getConntrackHelpers');
    expect(status).toBe(0);
    const result = d!.result as Record<string, string>[];
    expect(result.map((x) => x.name)).toEqual(['amanda', 'ftp', 'RAS', 'Q.931', 'irc', 'netbios-ns', 'pptp', 'sane', 'sip', 'snmp', 'tftp', 'rtsp']);
    expect(JSON.stringify(result[1])).toBe(JSON.stringify({ name: 'ftp', description: 'FTP passive connection tracking', module: 'nf_conntrack_ftp', family: 'any', proto: 'tcp', port: '21' }));
  });

  it('the machine-state lists are empty; init scripts and LEDs absent', async () => {
    for (const m of ['getConntrackList', 'getProcessList', 'getMountPoints', 'getBuiltinEthernetPorts']) expect(await call(sys.url, sys.sid, 'luci', m)).toEqual([0, { result: [] }]);
    expect(await call(sys.url, sys.sid, 'luci', 'getUSBDevices')).toEqual([0, { devices: [], ports: [] }]);
    expect(await call(sys.url, sys.sid, 'luci', 'getLEDs')).toEqual([0]);
    expect(await call(sys.url, sys.sid, 'luci', 'getInitList')).toEqual([0, { error: 'No such init script' }]);
    const [, t] = await call(sys.url, sys.sid, 'luci', 'getUnixtime');
    expect(Math.abs((t!.result as number) - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe('luci getConntrackHelpers with the confdir\'s own helpers', () => {
  it('lists its helper sections, a missing option as null', async () => {
    const h = await startSystem({ snapshot: null, configs: { helpers: "config helper\n\toption name 'ftp'\n\toption module 'nf_conntrack_ftp'\n\toption proto 'tcp'\n\toption port '2121'\n" } });
    try {
      const sid = await login(h.url);
      expect(await call(h.url, sid, 'luci', 'getConntrackHelpers')).toEqual([0, {
        result: [{ name: 'ftp', description: null, module: 'nf_conntrack_ftp', family: null, proto: 'tcp', port: '2121' }],
      }]);
    } finally {
      await h.close();
    }
  });
});
