import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SnapshotView, mockKey, readMocksDir } from '../../lib/fw4/snapshot/index.js';

const corpusCase = fileURLToPath(new URL('../../../shared/fw4-corpus/cases/02_zones__01_policies/mocks', import.meta.url));

describe('SnapshotView over a JSON snapshot', () => {
  const view = new SnapshotView({
    ubus: { 'network.interface~dump': { interface: [] }, 'service~get_data~type-firewall': {} },
    files: { '/proc/version': 'Linux version 5.10.0\n' },
    stat: { '/sys/module/nf_conntrack_rtsp': null, '/sys/module/nf_conntrack_ftp': { type: 'directory' } },
    dirs: { '/sys/class/net/br-lan': ['lower_eth0'] },
    system: { 'nft -c -f x': 1 },
    time: 42,
  });

  it('answers ubus calls by object, method and arguments', () => {
    expect(view.ubus('network.interface', 'dump')).toEqual({ interface: [] });
    expect(view.ubus('service', 'get_data', { type: 'firewall' })).toEqual({});
    expect(view.ubus('service', 'get_data', { type: 'other' })).toBeNull();
  });

  it('matches paths the way the mock names do', () => {
    expect(mockKey('/sys/class/net/br-lan/flags')).toBe('_sys_class_net_br-lan_flags');
    expect(mockKey('/usr/sbin/nft --terse --json list flowtables inet')).toBe('_usr_sbin_nft_--terse_--json_list_flowtables_inet');
    expect(view.readFile('/proc/version')).toBe('Linux version 5.10.0\n');
    expect(view.readFile('/proc/nothing')).toBeNull();
    expect(view.listDir('/sys/class/net/br-lan')).toEqual(['lower_eth0']);
    expect(view.listDir('/sys/class/net/eth9')).toEqual([]);
  });

  it('treats an unrecorded stat as absent unless told otherwise', () => {
    expect(view.stat('/sys/module/nf_conntrack_rtsp')).toBeNull();
    expect(view.stat('/sys/module/nf_conntrack_ftp')?.type).toBe('directory');
    expect(view.stat('/sys/module/nf_conntrack_sip')).toBeNull();
    expect(new SnapshotView({ missingStat: 'exists' }).stat('/x')?.type).toBe('file');
  });

  it('reports command status and the clock', () => {
    expect(view.system('nft -c -f x')).toBe(1);
    expect(view.system('true')).toBe(0);
    expect(view.now()).toBe(42);
  });
});

describe.skipIf(!existsSync(corpusCase))('readMocksDir on a corpus case (needs ../shared)', () => {
  it('reads ubus replies, files, stats and listings with the harness defaults', () => {
    const view = new SnapshotView(readMocksDir(corpusCase));
    expect((view.ubus('network.interface', 'dump') as { interface: unknown[] }).interface.length).toBeGreaterThan(0);
    expect(view.readFile('/proc/version')).toMatch(/^Linux version/);
    expect(view.stat('/sys/module/nf_conntrack_rtsp')?.type).toBe('directory');
    expect(view.stat('/sys/module/not_mocked')?.type).toBe('file');
    expect(view.listDir('/sys/class/net/br-lan')).toEqual(['lower_eth0']);
    expect(view.commandOutput('/usr/sbin/nft --terse --json list flowtables inet')).toContain('nftables');
    expect(view.now()).toBe(1615382640);
  });
});
