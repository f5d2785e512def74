import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveInputError, LiveSystemView, RecordingView, parseCommandLine, recordSnapshot } from '../../lib/fw4/snapshot/live.js';
import { SnapshotView } from '../../lib/fw4/snapshot/index.js';
import type { SystemView } from '../../lib/fw4/snapshot/index.js';
import { defaultHelpers, translateFirewall, type Translation } from '../../lib/fw4/index.js';

let root = '';
let fakeUbus = '';

function put(path: string, content: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'uci-fw4-live-'));
  put('/proc/version', 'Linux version 5.15.150 (builder@buildhost)\n');
  put('/sys/class/net/br-lan/flags', '0x1003\n');
  mkdirSync(join(root, '/sys/class/net/br-lan/lower_lan1'), { recursive: true });
  mkdirSync(join(root, '/sys/class/net/br-lan/lower_lan2'), { recursive: true });
  mkdirSync(join(root, '/sys/module/nf_conntrack_ftp'), { recursive: true });
  put('/usr/share/nftables.d/ruleset-post/20-b.nft', 'b');
  put('/usr/share/nftables.d/ruleset-post/10-a.nft', 'a');
  put('/usr/share/nftables.d/ruleset-post/.hidden.nft', 'h');
  put('/usr/share/nftables.d/ruleset-post/notes.txt', 'n');
  put('/usr/share/nftables.d/chain-pre/input/x.nft', 'x');
  // A ubus client that answers with the argv it was given, to show exactly what reached it.
  fakeUbus = join(root, 'fake-ubus');
  writeFileSync(fakeUbus, `#!${process.execPath}\nif (process.argv[4] === 'missing') process.exit(4);\nconsole.log(JSON.stringify({ argv: process.argv.slice(2) }));\n`);
  chmodSync(fakeUbus, 0o755);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('LiveSystemView', () => {
  const view = () => new LiveSystemView({ root, ubus: fakeUbus, allowedCommands: ['echo', 'false', 'sh'] });

  it('reads files, stats and directories under its root', () => {
    const v = view();
    expect(v.readFile('/proc/version')).toMatch(/^Linux version 5\.15/);
    expect(v.readFile('/proc/nothing')).toBeNull();
    expect(v.stat('/sys/module/nf_conntrack_ftp')?.type).toBe('directory');
    expect(v.stat('/sys/module/nf_conntrack_rtsp')).toBeNull();
    expect(v.openDir('/sys/class/net/br-lan')).toEqual(['flags', 'lower_lan1', 'lower_lan2']);
    expect(v.openDir('/sys/class/net/eth9')).toBeNull();
    expect(v.listDir('/sys/class/net/eth9')).toEqual([]);
    expect(v.access('/sys/class/net/br-lan')).toBe(true);
    expect(v.access('/sys/class/net/eth9')).toBe(false);
  });

  it('globs as glob(3) does: sorted, wildcards skip hidden names, missing directories match nothing', () => {
    const v = view();
    expect(v.glob('/usr/share/nftables.d/ruleset-post/*.nft')).toEqual([
      '/usr/share/nftables.d/ruleset-post/10-a.nft',
      '/usr/share/nftables.d/ruleset-post/20-b.nft',
    ]);
    expect(v.glob('/usr/share/nftables.d/chain-pre/*/*.nft')).toEqual(['/usr/share/nftables.d/chain-pre/input/x.nft']);
    expect(v.glob('/usr/share/nftables.d/table-pre/*.nft')).toEqual([]);
    expect(v.glob('/usr/share/nftables.d/ruleset-post/[12]?-?.nft')).toHaveLength(2);
  });

  it('never leaves its root and refuses relative paths and NUL bytes', () => {
    const v = view();
    put('/etc/passwd', 'inside the root\n');
    expect(v.readFile('/../../../etc/passwd')).toBe('inside the root\n');
    expect(() => v.readFile('etc/passwd')).toThrow(LiveInputError);
    expect(() => v.stat('/proc/version\0/x')).toThrow(/without NUL bytes/);
  });

  it('calls ubus with object, method and JSON arguments as separate argv entries', () => {
    const v = view();
    expect(v.ubus('network.interface', 'dump')).toEqual({ argv: ['call', 'network.interface', 'dump'] });
    expect(v.ubus('service', 'get_data', { type: "firewall'; reboot; '" })).toEqual({
      argv: ['call', 'service', 'get_data', '{"type":"firewall\'; reboot; \'"}'],
    });
    expect(v.ubus('network.interface', 'missing')).toBeNull();
    expect(() => v.ubus('network;reboot', 'dump')).toThrow(/invalid ubus object or method name/);
    expect(() => v.ubus('network.interface', '$(reboot)')).toThrow(LiveInputError);
  });

  it('runs only allowed programs, without a shell', () => {
    const v = view();
    expect(v.commandOutput("echo 'a  b' c")).toBe('a  b c\n');
    expect(v.system('false')).toBe(1);
    expect(() => v.commandOutput('reboot')).toThrow(/command not allowed: "reboot"/);
    expect(() => v.system('echo ok; reboot')).toThrow(/unsupported shell syntax ";"/);
    expect(() => new LiveSystemView({ root }).system("sh -c 'reboot'")).toThrow(/command not allowed/);
  });
});

describe('parseCommandLine', () => {
  it("splits fw4's hardware-offload probe into nft's argv", () => {
    const cmd = "/usr/sbin/nft -c '\n\t\tadd table inet fw4-hw-offload-test;\n\t\tadd flowtable inet fw4-hw-offload-test ft {\n\t\t\thook ingress priority 0;\n\t\t\tdevices = { \"lan'\\''1\", \"eth1\" };\n\t\t\tflags offload;\n\t\t}\n\t' 2>/dev/null";
    const argv = parseCommandLine(cmd);
    expect(argv.slice(0, 2)).toEqual(['/usr/sbin/nft', '-c']);
    expect(argv).toHaveLength(3);
    expect(argv[2]).toContain('devices = { "lan\'1", "eth1" };');
  });

  it('refuses every other piece of shell syntax', () => {
    for (const bad of ['nft `reboot`', 'nft $(reboot)', 'nft $HOME', 'nft | sh', 'nft && reboot', 'nft "x"', 'nft > /etc/x', "nft 'open", 'nft *']) {
      expect(() => parseCommandLine(bad), bad).toThrow(LiveInputError);
    }
  });
});

describe('recordSnapshot', () => {
  // What the translator might read; the replay must answer every call the same way.
  function reads(v: SystemView) {
    return {
      dump: v.ubus('network.interface', 'dump'),
      data: v.ubus('service', 'get_data', { type: 'firewall' }),
      missing: v.ubus('network.interface', 'missing'),
      version: v.readFile('/proc/version'),
      flags: v.readFile('/sys/class/net/eth9/flags'),
      ftp: v.stat('/sys/module/nf_conntrack_ftp'),
      rtsp: v.stat('/sys/module/nf_conntrack_rtsp'),
      lower: v.openDir('/sys/class/net/br-lan'),
      none: v.openDir('/sys/class/net/eth9'),
      exists: v.access('/sys/class/net/br-lan'),
      absent: v.access('/sys/class/net/eth9'),
      includes: v.glob('/usr/share/nftables.d/ruleset-post/*.nft'),
      out: v.commandOutput("echo '{\"nftables\": []}'"),
      probe: v.system('false'),
      time: v.now(),
    };
  }

  it('records what was read so that a SnapshotView replays it exactly', () => {
    const live = new LiveSystemView({ root, ubus: fakeUbus, allowedCommands: ['echo', 'false'] });
    let first: ReturnType<typeof reads> | undefined;
    const snapshot = recordSnapshot(live, (v) => (first = reads(v)));
    const replay = reads(new SnapshotView(JSON.parse(JSON.stringify(snapshot))));
    expect(replay).toEqual(first);
    expect(snapshot.format).toBe('uci-fw4-snapshot/1');
    expect(snapshot.files).toEqual({ '/proc/version': 'Linux version 5.15.150 (builder@buildhost)\n' });
    expect(snapshot.system).toEqual({ false: 1 });
  });

  it('keeps the clock fixed for the whole run', () => {
    const recorder = new RecordingView(new LiveSystemView({ root }));
    expect(recorder.now()).toBe(recorder.now());
    expect(recorder.snapshot().time).toBe(recorder.now());
  });
});

describe('the translator over a live router, recorded and replayed', () => {
  // A small router: lan is the bridge br-lan over eth0, wan is eth1; the ftp helper module is
  // loaded, rtsp is not; nft is a stand-in that reports no flowtables and fails the hw probe.
  const replies = {
    'network.interface~dump': {
      interface: [
        { interface: 'lan', up: true, device: 'br-lan', l3_device: 'br-lan', 'ipv4-address': [{ address: '192.168.1.1', mask: 24 }], data: {} },
        { interface: 'wan', up: true, device: 'eth1', l3_device: 'eth1', 'ipv4-address': [{ address: '203.0.113.2', mask: 24 }], data: {} },
      ],
    },
    'service~get_data~type-firewall': {},
    'network.device~status': { 'br-lan': { devtype: 'bridge' }, eth0: { devtype: 'ethernet' }, eth1: { devtype: 'ethernet' } },
  };
  const config = [
    ['defaults', { flow_offloading: '1', flow_offloading_hw: '1' }],
    ['zone', { name: 'lan', network: ['lan'], input: 'ACCEPT', output: 'ACCEPT', forward: 'ACCEPT' }],
    ['zone', { name: 'wan', network: ['wan'], input: 'REJECT', output: 'ACCEPT', forward: 'REJECT', masq: '1', auto_helper: '1' }],
    ['forwarding', { src: 'lan', dest: 'wan' }],
    ['redirect', { name: 'ssh', src: 'wan', proto: 'tcp', src_dport: '2222', dest_ip: '192.168.1.10', dest_port: '22' }],
  ] as const;
  let router = '';
  let ubus = '';
  let nft = '';

  beforeAll(() => {
    router = mkdtempSync(join(tmpdir(), 'uci-fw4-router-'));
    const file = (path: string, content: string) => {
      mkdirSync(join(router, path, '..'), { recursive: true });
      writeFileSync(join(router, path), content);
    };
    file('/proc/version', 'Linux version 5.15.150 (builder@buildhost)\n');
    for (const dev of ['br-lan', 'eth0', 'eth1']) file(`/sys/class/net/${dev}/flags`, '0x1003\n');
    mkdirSync(join(router, '/sys/class/net/br-lan/lower_eth0'));
    mkdirSync(join(router, '/sys/module/nf_conntrack_ftp'), { recursive: true });
    file('/replies.json', JSON.stringify(replies));
    ubus = join(router, 'ubus');
    writeFileSync(ubus, `#!${process.execPath}
const replies = JSON.parse(require('fs').readFileSync(${JSON.stringify(join(router, 'replies.json'))}, 'utf8'));
const [, , , object, method, args] = process.argv;
const suffix = Object.entries(JSON.parse(args ?? '{}')).map(([k, v]) => '~' + k + '-' + v).join('');
const reply = replies[object + '~' + method + suffix];
if (reply === undefined) process.exit(4);
console.log(JSON.stringify(reply));
`);
    nft = join(router, 'nft');
    writeFileSync(nft, `#!/bin/sh\nif [ "$1" = "-c" ]; then exit 1; fi\necho '{"nftables": [{"metainfo": {"version": "1.0.6"}}]}'\n`);
    chmodSync(ubus, 0o755);
    chmodSync(nft, 0o755);
  });

  afterAll(() => rmSync(router, { recursive: true, force: true }));

  it('renders from the live view, and the recorded snapshot renders the same bytes and warnings', () => {
    const firewall = {
      name: 'firewall',
      sections: config.map(([type, options], index) => ({ type, name: `cfg${index}`, anonymous: true, index, options: new Map(Object.entries(options)) as Map<string, string | string[]> })),
    };
    const live = new LiveSystemView({ root: router, ubus, executables: { '/usr/sbin/nft': nft } });
    let first: Translation | undefined;
    const snapshot = recordSnapshot(live, (system) => (first = translateFirewall({ firewall, helpers: defaultHelpers(), system })));
    const replay = translateFirewall({ firewall, helpers: defaultHelpers(), system: new SnapshotView(JSON.parse(JSON.stringify(snapshot))) });
    expect(replay.text).toBe(first?.text);
    expect(replay.diagnostics).toEqual(first?.diagnostics);
    // what the live view saw: the hw probe failed, so the software flowtable over the zones' devices
    expect(first?.diagnostics.map((d) => d.message)).toContain('Hardware flow offloading unavailable, falling back to software offloading');
    expect(first?.text).toContain('\t\tdevices = { "br-lan", "eth1" };\n');
    expect(first?.text).toContain('\tct helper ftp {\n');
    expect(first?.text).not.toContain('ct helper rtsp');
    expect(first?.text).toContain('meta nfproto ipv4 tcp dport 2222 counter dnat 192.168.1.10:22 comment "!fw4: ssh"');
    expect(Object.keys(snapshot.ubus ?? {}).sort()).toEqual(['network.device~status', 'network.interface~dump', 'service~get_data~type-firewall']);
  });
});
