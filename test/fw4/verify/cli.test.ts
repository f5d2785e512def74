// `fw4 check` and `fw4 print --fix` through the CLI on the corpus cases fw4 renders refused rules for.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fw4 } from '../../helpers/cli.js';
import { SHARED } from '../kernel/cases.js';

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
