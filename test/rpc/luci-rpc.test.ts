// luci-rpc over a real socket. Reply shapes from openwrt/luci libs/rpcd-mod-luci/src/luci.c
// (daf2e0b): getNetworkDevices rpc_luci_parse_network_device_sys (lines 648-857), getHostHints
// rpc_luci_get_host_hints_* (lines 1196-1828), getDHCPLeases (lines 1929-2028), getDUIDHints
// (lines 1830-1904), getBoardJSON (lines 1906-1918), getWirelessDevices (lines 1098-1190).
// Expected values are worked out by hand from those functions and the fixtures below.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, login } from './harness.js';
import { startSystem, useSystem } from './fixtures/system.js';

const NOW = 1_800_000_000;

const sys = useSystem({
  snapshot: {
    time: NOW,
    ubus: {
      'network.wireless~status': {
        radio0: {
          up: true, pending: false, autostart: true, disabled: false, retry_setup_failed: false,
          config: { channel: '36', band: '5g' },
          iwinfo: { hwmodes: ['ac'] },
          interfaces: [{ section: 'default_radio0', ifname: 'phy0-ap0', config: { mode: 'ap', ssid: 'OpenWrt' }, iwinfo: { signal: -40 } }],
        },
      },
    },
  },
  rootFiles: {
    '/etc/board.json': '{"model":{"id":"test,board","name":"Test Board"},"network":{"lan":{"ports":["lan1","lan2"]},"wan":{"device":"wan"}}}',
    '/etc/ethers': 'aa:bb:cc:dd:ee:01 192.168.1.20\n00:11:22:33:44:66 nas\n',
    // dnsmasq: expiry mac address hostname client-id
    '/tmp/dhcp.leases': `${NOW + 100_000_000} aa:bb:cc:dd:ee:01 192.168.1.100 laptop 01:aa:bb:cc:dd:ee:01\n0 00:11:22:33:44:55 192.168.1.51 * *\n`,
    // odhcpd: # iface duid iaid hostname ts id length addr/len
    '/tmp/odhcpd.leases': [
      `# br-lan 000100012a3b4c5daabbccddee02 1 phone ${NOW + 3600} 0 64 fd12:3456:789a::100/128`,
      `# br-lan aa:bb:cc:dd:ee:03 ipv4 tablet ${NOW + 600} 0 32 192.168.1.150/32`,
      '',
    ].join('\n'),
  },
  configs: { dhcp: "config host\n\toption name 'printer'\n\toption mac '00:11:22:33:44:55'\n\toption ip '192.168.1.50'\n" },
});

const zeroStats = { rx_bytes: 0, tx_bytes: 0, tx_errors: 0, rx_errors: 0, tx_packets: 0, rx_packets: 0, multicast: 0, collisions: 0, rx_dropped: 0, tx_dropped: 0 };

describe('luci-rpc with a snapshot and a root', () => {
  it('getNetworkDevices: netifd\'s devices with the fields and key order of rpc_luci_parse_network_device_sys', async () => {
    const [status, devs] = await call(sys.url, sys.sid, 'luci-rpc', 'getNetworkDevices');
    expect(status).toBe(0);
    expect(Object.keys(devs!)).toEqual(['br-lan', 'lan1', 'lan2', 'lo', 'wan']);
    expect(JSON.stringify(devs!['br-lan'])).toBe(JSON.stringify({
      name: 'br-lan', bridge: true, ports: ['lan1', 'lan2'], id: '', stp: false, wireless: false, up: true, mtu: 1500, devtype: 'bridge',
      ipaddrs: [{ address: '192.168.1.1', netmask: '255.255.255.0', broadcast: '192.168.1.255' }], ip6addrs: [],
      mac: '02:00:5E:10:00:01', type: 1, ifindex: 1, stats: zeroStats,
      // /sys/class/net/br-lan/flags 0x1003: IFF_UP | IFF_BROADCAST | IFF_MULTICAST
      flags: { up: true, broadcast: true, promisc: false, loopback: false, noarp: false, multicast: true, pointtopoint: false },
      link: { carrier: true, changes: 0, up_count: 0, down_count: 0 },
    }));
    // a bridge port names its master; netifd's "1000F" is speed 1000, duplex full
    expect(devs!.lan1).toMatchObject({ master: 'br-lan', devtype: 'ethernet', link: { speed: 1000, duplex: 'full', carrier: true } });
    // lo: flags 0x9 (UP, LOOPBACK): no broadcast address, ARPHRD_LOOPBACK, no MAC
    expect(devs!.lo).toMatchObject({ ipaddrs: [{ address: '127.0.0.1', netmask: '255.0.0.0' }], type: 772, flags: { loopback: true, broadcast: false } });
    expect(devs!.lo).not.toHaveProperty('mac');
    expect(devs!.wan).toMatchObject({ ip6addrs: [{ address: '2001:db8:0:1::2', netmask: 'ffff:ffff:ffff:ffff::' }] });
  });

  it('getHostHints: MACs in strcmp order, addresses by source priority, static lease names without their address (line 1503)', async () => {
    expect(await call(sys.url, sys.sid, 'luci-rpc', 'getHostHints')).toEqual([0, {
      '00:11:22:33:44:55': { ipaddrs: ['192.168.1.51'], ip6addrs: [], name: 'printer' },
      '00:11:22:33:44:66': { ipaddrs: [], ip6addrs: [], name: 'nas' },
      '02:00:5E:10:00:01': { ipaddrs: ['192.168.1.1'], ip6addrs: [] },
      '02:00:5E:10:00:02': { ipaddrs: ['203.0.113.45'], ip6addrs: ['2001:db8:0:1::2'] },
      // lease (priority 100) before /etc/ethers (50)
      'AA:BB:CC:DD:EE:01': { ipaddrs: ['192.168.1.100', '192.168.1.20'], ip6addrs: [], name: 'laptop' },
      // the MAC inside the DUID-LLT
      'AA:BB:CC:DD:EE:02': { ipaddrs: [], ip6addrs: ['fd12:3456:789a::100'], name: 'phone' },
      'AA:BB:CC:DD:EE:03': { ipaddrs: ['192.168.1.150'], ip6addrs: [], name: 'tablet' },
    }]);
  });

  it('getDHCPLeases: dnsmasq\'s then odhcpd\'s leases; an infinite lease expires false; family 4 and 6 alone; other families 2', async () => {
    const v4 = [
      { expires: 100_000_000, hostname: 'laptop', macaddr: 'AA:BB:CC:DD:EE:01', ipaddr: '192.168.1.100' },
      { expires: false, macaddr: '00:11:22:33:44:55', ipaddr: '192.168.1.51' },
      { expires: 600, interface: 'br-lan', hostname: 'tablet', macaddr: 'AA:BB:CC:DD:EE:03', ipaddr: '192.168.1.150' },
    ];
    const v6 = [{
      expires: 3600, interface: 'br-lan', hostname: 'phone', macaddr: 'AA:BB:CC:DD:EE:02', duid: '000100012a3b4c5daabbccddee02', iaid: '1',
      ip6addr: 'fd12:3456:789a::100', ip6addrs: ['fd12:3456:789a::100/64'],
    }];
    const [status, all] = await call(sys.url, sys.sid, 'luci-rpc', 'getDHCPLeases');
    expect(status).toBe(0);
    expect(JSON.stringify(all)).toBe(JSON.stringify({ dhcp_leases: v4, dhcp6_leases: v6 }));
    expect(await call(sys.url, sys.sid, 'luci-rpc', 'getDHCPLeases', { family: 6 })).toEqual([0, { dhcp6_leases: v6 }]);
    expect(await call(sys.url, sys.sid, 'luci-rpc', 'getDHCPLeases', { family: 4 })).toEqual([0, { dhcp_leases: v4 }]);
    expect(await call(sys.url, sys.sid, 'luci-rpc', 'getDHCPLeases', { family: 5 })).toEqual([2]);
  });

  it('getDUIDHints: the DHCPv6 leases by DUID%IAID', async () => {
    expect(await call(sys.url, sys.sid, 'luci-rpc', 'getDUIDHints')).toEqual([0, {
      '000100012a3b4c5daabbccddee02%1': { interface: 'br-lan', duid: '000100012a3b4c5daabbccddee02', iaid: '1', hostname: 'phone', macaddr: 'AA:BB:CC:DD:EE:02', ip6addrs: ['fd12:3456:789a::100'] },
    }]);
  });

  it('getBoardJSON: the root\'s /etc/board.json as it is', async () => {
    expect(await call(sys.url, sys.sid, 'luci-rpc', 'getBoardJSON')).toEqual([0, { model: { id: 'test,board', name: 'Test Board' }, network: { lan: { ports: ['lan1', 'lan2'] }, wan: { device: 'wan' } } }]);
  });

  it('getWirelessDevices: netifd\'s radios without the iwinfo tables (no libiwinfo here)', async () => {
    expect(await call(sys.url, sys.sid, 'luci-rpc', 'getWirelessDevices')).toEqual([0, {
      radio0: {
        up: true, pending: false, autostart: true, disabled: false, retry_setup_failed: false,
        config: { channel: '36', band: '5g' },
        interfaces: [{ section: 'default_radio0', ifname: 'phy0-ap0', config: { mode: 'ap', ssid: 'OpenWrt' } }],
      },
    }]);
  });
});

describe('luci-rpc with no system source: what a router without the data answers', () => {
  const bare = useSystem({ snapshot: null });

  it('empty replies (ubus sends no data for an empty table), empty lease lists, and UNKNOWN_ERROR for a missing board.json', async () => {
    expect(await call(bare.url, bare.sid, 'luci-rpc', 'getNetworkDevices')).toEqual([0]);
    expect(await call(bare.url, bare.sid, 'luci-rpc', 'getWirelessDevices')).toEqual([0]);
    expect(await call(bare.url, bare.sid, 'luci-rpc', 'getHostHints')).toEqual([0]);
    expect(await call(bare.url, bare.sid, 'luci-rpc', 'getDUIDHints')).toEqual([0]);
    expect(await call(bare.url, bare.sid, 'luci-rpc', 'getDHCPLeases')).toEqual([0, { dhcp_leases: [], dhcp6_leases: [] }]);
    expect(await call(bare.url, bare.sid, 'luci-rpc', 'getBoardJSON')).toEqual([9]);
  });
});

describe('luci-rpc and ACLs', () => {
  it('is refused (-32002) to a user without the group granting it', async () => {
    const hh = await startSystem({ users: [{ name: 'cfg', password: 'pw', read: 'uci-fw4-config' }] });
    try {
      const s = await login(hh.url, 'cfg', 'pw');
      await expect(call(hh.url, s, 'luci-rpc', 'getHostHints')).rejects.toThrow('JSON-RPC error -32002 Access denied');
    } finally {
      await hh.close();
    }
  });
});

describe('replies encoded once per snapshot (rpc/system/memo.ts)', () => {
  it('follow a changed snapshot file and a changed dhcp config at the next call', async () => {
    const s = await startSystem({});
    try {
      const id = await login(s.url);
      const mac = async () => ((await call(s.url, id, 'luci-rpc', 'getNetworkDevices'))[1]!.wan as { mac: string }).mac;
      expect(await mac()).toBe('02:00:5E:10:00:02');
      expect(await mac()).toBe('02:00:5E:10:00:02');
      const path = join(s.dir, 'snapshot.json');
      const snap = JSON.parse(readFileSync(path, 'utf8')) as { ubus: Record<string, Record<string, Record<string, unknown>>> };
      snap.ubus['network.device~status']!.wan!.macaddr = '02:00:5e:99:99:99';
      writeFileSync(path, JSON.stringify(snap));
      expect(await mac()).toBe('02:00:5E:99:99:99');
      const hints = async () => Object.keys((await call(s.url, id, 'luci-rpc', 'getHostHints'))[1]!);
      expect(await hints()).not.toContain('00:11:22:33:44:77');
      writeFileSync(join(s.confdir, 'dhcp'), "config host\n\toption name 'cam'\n\toption mac '00:11:22:33:44:77'\n");
      expect(await hints()).toContain('00:11:22:33:44:77');
    } finally {
      await s.close();
    }
  });
});
