// netifd's network, network.interface and network.device objects (openwrt/netifd ubus.c
// e97e36f: netifd_get_proto_handlers lines 107-117, netifd_dev_status 235-256,
// netifd_handle_dump 971-991; proto.c proto_dump_handlers 599-626), rpcd's rc (rc.c
// rc_list_add_table 87-101) and procd's system (system.c system_board, system_info), over a
// real socket, from a snapshot and without one.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rpcObjects } from '../../rpc/objects/index.js';
import { call, login, root, startHarness } from './harness.js';
import { useSystem } from './fixtures/system.js';

const example = JSON.parse(readFileSync(join(root, 'examples/snapshot.json'), 'utf8')) as { ubus: Record<string, unknown> };

describe('with the example snapshot', () => {
  const sys = useSystem({
    snapshot: { ubus: { 'network~get_proto_handlers': { dhcp: { no_device: false, immediate: false } } } },
    rootFiles: {
      '/etc/init.d/firewall': '#!/bin/sh /etc/rc.common\n\nSTART=19\nUSE_PROCD=1\n',
      '/etc/rc.d/S19firewall': { link: '../init.d/firewall' },
      '/etc/openwrt_release': "DISTRIB_ID='OpenWrt'\nDISTRIB_RELEASE='24.10.0'\nDISTRIB_REVISION='r28427-6df0e3d02a'\nDISTRIB_TARGET='mediatek/filogic'\nDISTRIB_DESCRIPTION='OpenWrt 24.10.0 r28427-6df0e3d02a'\n",
    },
    configs: { system: "config system\n\toption hostname 'gw1'\n" },
  });

  it('network.interface dump: the recorded dump as it is', async () => {
    expect(await call(sys.url, sys.sid, 'network.interface', 'dump')).toEqual([0, example.ubus['network.interface~dump']]);
  });

  it('network.device status: every device, one by name, INVALID_ARGUMENT for an unknown one', async () => {
    const all = example.ubus['network.device~status'] as Record<string, unknown>;
    expect(await call(sys.url, sys.sid, 'network.device', 'status')).toEqual([0, all]);
    expect(await call(sys.url, sys.sid, 'network.device', 'status', { name: 'wan' })).toEqual([0, all.wan]);
    expect(await call(sys.url, sys.sid, 'network.device', 'status', { name: 'eth9' })).toEqual([2]);
  });

  it('network get_proto_handlers: the recorded handlers', async () => {
    expect(await call(sys.url, sys.sid, 'network', 'get_proto_handlers')).toEqual([0, { dhcp: { no_device: false, immediate: false } }]);
  });

  it('rc list: start, stop only when set, enabled; never `running` (no script runs)', async () => {
    expect(await call(sys.url, sys.sid, 'rc', 'list')).toEqual([0, { firewall: { start: 19, enabled: true } }]);
  });

  it('system board: kernel from /proc/version, the confdir\'s host name, board.json\'s model, /etc/openwrt_release', async () => {
    expect(await call(sys.url, sys.sid, 'system', 'board')).toEqual([0, {
      kernel: '6.6.73',
      hostname: 'gw1',
      model: 'uci-fw4 example router',
      board_name: 'uci-fw4,example',
      release: { distribution: 'OpenWrt', version: '24.10.0', revision: 'r28427-6df0e3d02a', target: 'mediatek/filogic', description: 'OpenWrt 24.10.0 r28427-6df0e3d02a' },
    }]);
  });
});

describe('with no system source: netifd and procd with nothing recorded', () => {
  const sys = useSystem({ snapshot: null });

  it('no interfaces, no devices, only the static protocol compiled into netifd', async () => {
    expect(await call(sys.url, sys.sid, 'network.interface', 'dump')).toEqual([0, { interface: [] }]);
    expect(await call(sys.url, sys.sid, 'network.device', 'status')).toEqual([0]);
    const [status, protos] = await call(sys.url, sys.sid, 'network', 'get_proto_handlers');
    expect(status).toBe(0);
    // proto-static.c lines 102-107: PROTO_FLAG_IMMEDIATE | PROTO_FLAG_FORCE_LINK_DEFAULT, proto_ip_attr
    expect(JSON.stringify(protos)).toBe(JSON.stringify({
      static: {
        validate: { ipaddr: 'ip4addr', ip6addr: 'ip6addr', netmask: 'netmask', broadcast: 'ipaddr', ptpaddr: 'ip4addr', gateway: 'ip4addr', ip6gw: 'ip6addr', ip6prefix: 'ip6addr', ip6deprecated: 'bool' },
        immediate: true, no_device: false, init_available: false, renew_available: false, force_link_default: true, last_error: false, teardown_on_l3_link_down: false, no_task: false,
      },
    }));
  });

  it('no init scripts; system board with OpenWrt\'s default host name; system info with zeros', async () => {
    expect(await call(sys.url, sys.sid, 'rc', 'list')).toEqual([0]);
    expect(await call(sys.url, sys.sid, 'system', 'board')).toEqual([0, { hostname: 'OpenWrt' }]);
    const [status, info] = await call(sys.url, sys.sid, 'system', 'info');
    expect(status).toBe(0);
    expect(info).toMatchObject({ uptime: 0, load: [0, 0, 0], memory: { total: 0, free: 0 }, swap: { total: 0, free: 0 } });
  });
});

describe('live = true: this machine as the system source', () => {
  it('answers from its ubus (none here: netifd\'s empty answers) and reads files under `root`', async () => {
    const h = await startHarness({ objects: rpcObjects, extraIni: 'live = true\nroot = root' });
    try {
      mkdirSync(join(h.dir, 'root/etc'), { recursive: true });
      writeFileSync(join(h.dir, 'root/etc/board.json'), '{"model":{"id":"live,test","name":"Live"}}');
      const sid = await login(h.url);
      expect(await call(h.url, sid, 'network.interface', 'dump')).toEqual([0, { interface: [] }]);
      expect(await call(h.url, sid, 'luci-rpc', 'getBoardJSON')).toEqual([0, { model: { id: 'live,test', name: 'Live' } }]);
      expect(await call(h.url, sid, 'file', 'stat', { path: '/etc/board.json' })).toMatchObject([0, { path: '/etc/board.json', type: 'file', size: 42 }]);
    } finally {
      await h.close();
    }
  });
});
