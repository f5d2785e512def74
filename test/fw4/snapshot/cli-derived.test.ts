// `uci-fw4 fw4 print|check|offload` without --snapshot (the system derived from the confdir's
// network config), the empty-snapshot case of issue 16, and `uci-fw4 snapshot derive|record`.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fw4, repo } from '../../helpers/cli.js';
import type { SystemSnapshot } from '../../../lib/fw4/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fw4-derived-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const example = join(repo, 'examples/config');

function snapshotCmd(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(repo, 'bin/uci-fw4.js'), 'snapshot', ...args], {
    cwd: repo, encoding: 'utf8', env: { ...process.env, QUIET: '', ...env },
  });
}

describe('fw4 without --snapshot', () => {
  it('print derives the system from the network config, notes what it assumed first, then fw4\'s warnings', () => {
    const r = fw4('print', '--config', example);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('define wan_devices = { "wan" }');
    expect(r.stdout).toContain('define lan_subnets = { 192.168.1.0/24 }');
    const notes = r.stderr.split('\n').filter((l) => l.startsWith('note: '));
    expect(notes[0]).toBe("note: no snapshot: the system is derived from the confdir's network config, assuming:");
    expect(r.stderr).toContain('note:   kernel 6.6.73');
    expect(r.stderr).toContain("note: zone 'wan': subnets of interface 'wan' known only at run time are left out (its addresses come from dhcp at run time)");
    expect(r.stderr).toContain("note: zone 'lan': subnets of interface 'lan' known only at run time are left out (its IPv6 prefix (ip6assign '60') is assigned by netifd at run time)");
    // the mtu_fix zone is kept: no "requires kernel" warning
    expect(r.stderr).not.toContain('requires kernel');
  });

  it('check notes the assumptions per interface before its findings', () => {
    const r = fw4('check', '--config', example);
    expect(r.stderr.split('\n')[0]).toBe("note: no snapshot: the system is derived from the confdir's network config, assuming:");
    expect(r.stderr).toContain("note: interface 'wan6': its addresses come from dhcpv6 at run time");
  });

  it('QUIET silences the notes with the warnings; a --snapshot run prints no derive notes', () => {
    const quiet = spawnSync(process.execPath, [join(repo, 'bin/uci-fw4.js'), 'fw4', 'print', '--config', example], { encoding: 'utf8', env: { ...process.env, QUIET: '1' } });
    expect(quiet.stderr).toBe('');
    const r = fw4('print', '--config', example, '--snapshot', join(repo, 'examples/snapshot.json'));
    expect(r.stderr).not.toContain('note:');
  });

  it('the ruleset equals the one rendered with the snapshot `snapshot derive` writes', () => {
    const out = join(dir, 'derived.json');
    const d = snapshotCmd(['derive', '--confdir', example, '--output', out]);
    expect(d.status, d.stderr).toBe(0);
    expect(d.stderr).toContain("note: interface 'wan': its addresses come from dhcp at run time");
    const snap = JSON.parse(readFileSync(out, 'utf8')) as SystemSnapshot;
    expect(snap.derived!.runtime).toEqual({
      lan: ["its IPv6 prefix (ip6assign '60') is assigned by netifd at run time"],
      wan: ['its addresses come from dhcp at run time'],
      wan6: ['its addresses come from dhcpv6 at run time'],
    });
    expect(fw4('print', '--config', example, '--snapshot', out).stdout).toBe(fw4('print', '--config', example).stdout);
  });

  it('offload lists the assumptions in the report, as text and JSON', () => {
    const conf = join(dir, 'offload');
    cpSync(example, conf, { recursive: true });
    writeFileSync(join(conf, 'firewall'), `${readFileSync(join(example, 'firewall'), 'utf8')}\nconfig defaults\n\toption flow_offloading '1'\n`);
    const text = fw4('offload', '--config', conf);
    expect(text.stdout).toContain("Note: no snapshot: the system is derived from the confdir's network config, assuming:");
    expect(text.stdout).toContain('Note:   no fw4 flowtable is loaded yet');
    const json = JSON.parse(fw4('offload', '--config', conf, '--json').stdout) as { notes: string[] };
    expect(json.notes).toContain('  every interface is up and every device it names exists');
  });

  it('an empty snapshot names the kernel version first, and no popen message', () => {
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{}');
    const r = fw4('print', '--config', example, '--snapshot', empty);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toMatch(/^note: the snapshot has no \/proc\/version: fw4 takes the kernel version as 0, so zones with mtu_fix are skipped/);
    expect(lines[1]).toBe("[!] Section @zone[1] (wan) option 'mtu_fix' requires kernel 4.10 or later");
    expect(r.stderr).not.toContain('popen');
  });

  it('without a network config and without --snapshot, says what is missing', () => {
    const conf = join(dir, 'fwonly');
    mkdirSync(conf);
    cpSync(join(example, 'firewall'), join(conf, 'firewall'));
    const r = fw4('print', '--config', conf);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`uci-fw4 fw4 print: no --snapshot, and no ${join(conf, 'network')} to derive the system from\n`);
  });

  it('snapshot record replays: on a fake router root (sysfs files, a ubus client), the recorded snapshot renders the same ruleset', () => {
    const rootDir = join(dir, 'router');
    mkdirSync(join(rootDir, 'proc'), { recursive: true });
    mkdirSync(join(rootDir, 'sys/class/net/br-lan/lower_lan1'), { recursive: true });
    writeFileSync(join(rootDir, 'proc/version'), 'Linux version 6.6.73 (test)\n');
    writeFileSync(join(rootDir, 'sys/class/net/br-lan/flags'), '0x1003\n');
    const dump = readFileSync(join(repo, 'examples/snapshot.json'), 'utf8');
    const ubus = join(dir, 'ubus');
    // a stand-in for the ubus client: the example snapshot's replies
    writeFileSync(ubus, `#!/usr/bin/env node\nconst s = ${dump};\nconst [, , , o, m, a] = process.argv;\nconst key = o + '~' + m + (a ? Object.entries(JSON.parse(a)).map(([k, v]) => '~' + k + '-' + v).join('') : '');\nif (s.ubus[key] !== undefined) console.log(JSON.stringify(s.ubus[key])); else process.exit(4);\n`);
    chmodSync(ubus, 0o755);
    const out = join(dir, 'recorded.json');
    const r = snapshotCmd(['record', '--root', rootDir, '--confdir', example, '--output', out], { PATH: `${dir}:${process.env.PATH}` });
    expect(r.status, r.stderr).toBe(0);
    const snap = JSON.parse(readFileSync(out, 'utf8')) as SystemSnapshot;
    expect(snap.files!['/proc/version']).toBe('Linux version 6.6.73 (test)\n');
    expect(Object.keys(snap.ubus!)).toContain('network.interface~dump');
    const replay = fw4('print', '--config', example, '--snapshot', out);
    expect(replay.stdout).toContain('define lan_subnets = { 192.168.1.0/24, fd12:3456:789a::/60 }');
  });
});
