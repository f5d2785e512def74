import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/uci-fw4.js', import.meta.url));

function cli(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
}

describe('uci-fw4 entry point', () => {
  it('lists the commands on --help and exits 0', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const c of ['uci', 'fw4', 'migrate', 'serve', 'passwd']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it('refuses an unknown command with the usage on stderr', () => {
    const r = cli('frobnicate');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stdout).toBe('');
  });
});
