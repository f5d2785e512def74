// `uci-fw4 fw4 print | check | offload` as a user runs them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fw4 } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fw4-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function confdir(name: string, firewall: string): string {
  const d = join(dir, name);
  spawnSync('mkdir', ['-p', d]);
  writeFileSync(join(d, 'firewall'), firewall);
  return d;
}

const snapshot = join(dir, 'snapshot.json');
writeFileSync(snapshot, JSON.stringify({
  ubus: { 'network.interface~dump': { interface: [{ interface: 'lan', device: 'br-lan', l3_device: 'br-lan', 'ipv4-address': [{ address: '192.168.1.1', mask: 24 }] }] } },
  files: { '/proc/version': 'Linux version 6.6.0 (x)' },
  commands: { '/usr/sbin/nft --terse --json list flowtables inet': '{"nftables": []}' },
}));

const good = "config zone\n\toption name 'lan'\n\tlist network 'lan'\n\toption input 'ACCEPT'\n";
const bad = `${good}\nconfig rule\n\toption name 'web'\n\toption src 'lan'\n\toption dest_port 'http'\n\toption target 'ACCEPT'\n\nconfig rule\n\toption src 'nowhere'\n\toption enabled '0'\n\toption limit 'often'\n`;

describe('uci-fw4 fw4', () => {
  it.each(['print', 'check', 'offload'])('%s --help describes the command', (cmd) => {
    const r = fw4(cmd, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: uci-fw4 fw4 ${cmd} `));
  });

  it('print writes the ruleset to stdout and warnings to stderr', () => {
    const r = fw4('print', '--config', confdir('p', bad), '--snapshot', snapshot);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^table inet fw4\nflush table inet fw4\n/);
    expect(r.stdout).toContain('iifname "br-lan" jump input_lan comment "!fw4: Handle lan IPv4/IPv6 input traffic"');
    expect(r.stderr).toBe("[!] Section @rule[0] (web) option 'dest_port' specifies invalid value 'http'\n"
      + '[!] Section @rule[0] (web) skipped due to invalid options\n'
      + "[!] Section @rule[1] option 'src' specifies invalid value 'nowhere'\n"
      + '[!] Section @rule[1] skipped due to invalid options\n');
  });

  it('check reports every finding at file:line and exits 1', () => {
    const d = confdir('c', bad);
    const r = fw4('check', '--config', d, '--snapshot', snapshot);
    expect(r.status).toBe(1);
    const f = join(d, 'firewall');
    expect(r.stderr).toBe(`${f}:6: Section @rule[0] (web) skipped due to invalid options\n`
      + `${f}:9: Section @rule[0] (web) option 'dest_port' specifies invalid value 'http'\n`
      + `${f}:12: Section @rule[1] skipped due to invalid options\n`
      + `${f}:13: Section @rule[1] option 'src' specifies invalid value 'nowhere'\n`
      + `${f}:15: config rule: option 'limit' is not a valid limit\n`);
  });

  // fw4.uc L1978 reads the defaults after parse_options rejected them (fw4-features.md 8.4)
  const crashing = `config defaults\n\toption input 'ACCEPT'\n\toption drop_invalid 'maybe'\n\n${bad}`;

  it('where fw4 crashes (exit 254), print writes the warnings fw4 printed before the error', () => {
    const r = fw4('print', '--config', confdir('crash', crashing), '--snapshot', snapshot);
    expect(r.status).toBe(254);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("[!] Section @defaults[0] option 'drop_invalid' specifies invalid value 'maybe'\n"
      + 'Reference error: left-hand side expression is not an array or object\n');
  });

  it('check reports a crash of fw4 as its last finding, at its section, after the warnings fw4 printed', () => {
    const d = confdir('crash-check', crashing);
    const r = fw4('check', '--config', d, '--snapshot', snapshot);
    expect(r.status).toBe(1);
    const f = join(d, 'firewall');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`${f}:3: Section @defaults[0] option 'drop_invalid' specifies invalid value 'maybe'`);
    // the sections fw4 never reached are still checked against the schemas
    expect(lines).toContain(`${f}:13: config rule: option 'dest_port' is not a valid port list`);
    expect(lines.at(-1)).toBe(`${f}:1: Section @defaults[0] stops fw4 (exit 254): Reference error: left-hand side expression is not an array or object`);
  });

  it('check passes a clean config', () => {
    const r = fw4('check', '--config', confdir('ok', good), '--snapshot', snapshot);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a syntax error is reported as file:line:column', () => {
    const d = confdir('syntax', "config zone\n\toption name 'lan\n");
    const r = fw4('check', '--config', d, '--snapshot', snapshot);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${join(d, 'firewall').replace(/[.]/g, '\\.')}:2:\\d+: `));
  });

  it('a snapshot file that is not a JSON object is a clear error', () => {
    const d = confdir('nullsnap', good);
    for (const json of ['null', '[]', '"x"', '3']) {
      const file = join(dir, 'not-an-object.json');
      writeFileSync(file, json);
      const r = fw4('print', '--config', d, '--snapshot', file);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`uci-fw4 fw4 print: ${file}: a snapshot is a JSON object\n`);
    }
  });

  it('missing arguments and unknown commands are usage errors', () => {
    expect(fw4('print').status).toBe(1);
    expect(fw4('print').stderr).toContain('--confdir is required');
    expect(fw4('frobnicate').status).toBe(1);
    expect(fw4('offload', '--config', dir, '--snapshot', snapshot).status).toBe(1);
  });
});
