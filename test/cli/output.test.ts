// A command's output reaches a reader that is slower than the command. With an early exit after
// the command, output still queued in a stream on a full pipe (64 KiB) was lost (`fw4 check` of
// fw4-bench rules-5000 lost its findings after the first 64 or 128 KiB).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repo } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 3000 rules with an invalid port: two warnings each, ~650 KB of findings on stderr
const rules = Array.from({ length: 3000 }, (_, i) =>
  `\nconfig rule\n\toption name 'rule-${i}'\n\toption src 'lan'\n\toption dest_port 'nonsense-${i}'\n\toption target 'ACCEPT'\n`);
writeFileSync(join(dir, 'firewall'), `config zone\n\toption name 'lan'\n\tlist network 'lan'\n${rules.join('')}`);

describe('output to a slow reader', () => {
  it('fw4 check writes every finding to a pipe whose reader starts a second late', () => {
    const command = `'${process.execPath}' bin/uci-fw4.js fw4 check --confdir '${dir}' --snapshot examples/snapshot.json`;
    const slow = spawnSync('sh', ['-c', `${command} 2>&1 >/dev/null | (sleep 1; cat)`], { cwd: repo, encoding: 'utf8', maxBuffer: 16 << 20 });
    const lines = slow.stdout.split('\n');
    expect(lines.length).toBe(6001); // 6000 findings and the empty string after the last newline
    // the last rule's header is on line 5 + 6 * 2999, its dest_port three lines below
    expect(lines[5999]).toBe(`${join(dir, 'firewall')}:${5 + 6 * 2999 + 3}: Section @rule[2999] (rule-2999) option 'dest_port' specifies invalid value 'nonsense-2999'`);
  });
});
