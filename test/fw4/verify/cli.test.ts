// `fw4 check` and `fw4 print --fix` through the CLI on the corpus cases fw4 renders refused rules for.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fw4 } from '../../helpers/cli.js';
import { SHARED } from '../kernel/cases.js';
import { netnsUnavailable, nftCheck } from '../kernel/netns.js';

const dir = join(SHARED, 'fw4-corpus/cases/03_rules__11_log');

function cli(...args: string[]) {
  return fw4(...args, '--config', join(dir, 'config'), '--snapshot', join(dir, 'mocks'));
}

describe.skipIf(!existsSync(dir))('kernel refusals through the CLI (needs ../shared)', () => {
  it('check reports each refused rule at its section with what nft says', () => {
    const run = cli('check');
    const file = join(dir, 'config/firewall');
    const refusals = run.stderr.split('\n').filter((l) => l.includes('nft refuses'));
    expect(refusals).toEqual([17, 24, 32].map((line, i) =>
      `${file}:${line}: Section ${['@redirect[0]', '@redirect[1] (Explicit redirect name)', '@redirect[2]'][i]} renders a rule nft refuses (ruleset line ${95 + i}: transport protocol mapping is only valid after transport protocol match); print --fix adds the section's protocol match \`meta l4proto tcp\` where fw4 places it`));
    expect(run.status).toBe(1);
  });

  it('print --fix changes exactly the refused lines; print alone stays fw4 byte for byte', () => {
    const expected = readFileSync(join(dir, 'expected.nft'), 'utf8');
    expect(cli('print').stdout).toBe(expected);
    const fixed = cli('print', '--fix');
    expect(fixed.status).toBe(0);
    const want = expected.split('\n').map((l, i) => (i >= 94 && i <= 96 ? l.replace('meta nfproto ipv4 ', 'meta nfproto ipv4 meta l4proto tcp ') : l));
    expect(fixed.stdout).toBe(want.join('\n'));
    expect(fixed.stderr).toBe(readFileSync(join(dir, 'expected.stderr'), 'utf8'));
  });
});

// A zone device name of more than 15 bytes with `}` in it: nft refuses the zone's jumps (issue 14).
describe('a long zone device name holding `}` through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fw4-verify-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const long = 'abcdefghijklmnop}q';
  writeFileSync(join(dir, 'firewall'), `config zone\n\toption name 'lan'\n\toption input 'ACCEPT'\n\nconfig zone\n\toption name 'odd'\n\tlist device 'eth0'\n\tlist device '${long}'\n`);
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify({
    files: { '/proc/version': 'Linux version 6.6.0 (x)' },
    commands: { '/usr/sbin/nft --terse --json list flowtables inet': '{"nftables": []}' },
  }));
  const run = (...args: string[]) => fw4(...args, '--config', dir, '--snapshot', join(dir, 'snapshot.json'));

  it('check reports each refused line at the zone, with its file and line', () => {
    const r = run('check');
    expect(r.status).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l).toMatch(new RegExp(`^${join(dir, 'firewall')}:5: Section @zone\\[1\\] \\(odd\\) renders a rule nft refuses \\(ruleset line \\d+: String exceeds maximum length of 16\\)`));
    }
  });

  it('print --fix drops the name, and the kernel loads what it prints', () => {
    const printed = run('print');
    expect(printed.stdout).toContain(`iifname { "eth0", "${long}" } jump input_odd`);
    const fixed = run('print', '--fix');
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toContain('iifname "eth0" jump input_odd');
    expect(fixed.stdout).not.toMatch(/(iif|oif)name [^\n]*abcdefghijklmnop/);
    if (netnsUnavailable() !== null) return;
    expect(nftCheck(printed.stdout).errors).toContain('String exceeds maximum length of 16');
    expect(nftCheck(fixed.stdout)).toEqual({ accepted: true, errors: '' });
  });
});
