import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unifiedDiff } from '../../lib/migrate/diff.js';

/** Applies a unified diff strictly: every context and removed line must be at the stated line. */
function applyStrictly(oldText: string, diff: string): string {
  const oldLines = oldText.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const lines = diff.split('\n');
  lines.pop();
  const out: string[] = [];
  let consumed = 0;
  let i = 2;
  while (i < lines.length) {
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$/.exec(lines[i]!);
    if (!m) throw new Error(`bad hunk header: ${lines[i]}`);
    const oldCount = m[2] === undefined ? 1 : Number(m[2]);
    const oldStart = oldCount === 0 ? Number(m[1]) : Number(m[1]) - 1;
    out.push(...oldLines.slice(consumed, oldStart));
    consumed = oldStart;
    i++;
    while (i < lines.length && !lines[i]!.startsWith('@@')) {
      const mark = lines[i]![0];
      let text = lines[i]!.slice(1) + '\n';
      if (lines[i + 1] === '\\ No newline at end of file') { text = text.slice(0, -1); i++; }
      if (mark === ' ' || mark === '-') {
        if (oldLines[consumed] !== text) throw new Error(`line ${consumed + 1}: expected ${JSON.stringify(text)}`);
        consumed++;
      }
      if (mark === ' ' || mark === '+') out.push(text);
      i++;
    }
  }
  out.push(...oldLines.slice(consumed));
  return out.join('');
}

const gnuDiff = spawnSync('diff', ['--version']).status === 0;

function gnu(oldText: string, newText: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'diff-'));
  try {
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'a/firewall'), oldText);
    writeFileSync(join(dir, 'b/firewall'), newText);
    const r = spawnSync('diff', ['-u', 'a/firewall', 'b/firewall'], { cwd: dir, encoding: 'utf8' });
    // Only the timestamps in the two header lines differ from ours.
    return r.stdout.replace(/^(--- a\/firewall|\+\+\+ b\/firewall)\t.*$/gm, '$1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const config = `config defaults
\toption input 'ACCEPT'
\toption syn_flood '1'

config zone
\toption name 'lan'
\toption input 'ACCEPT'
\tlist network 'lan'

config zone
\toption name 'wan'
\toption input 'REJECT'
\toption masq '1'
`;

const cases: Record<string, [string, string]> = {
  'one option renamed': [config, config.replace('syn_flood', 'synflood_protect')],
  'changes far apart make two hunks': [config, config.replace("'ACCEPT'", "'accept'").replace("'1'\n", "'0'\n").replace("'REJECT'", "'reject'").replace("masq '1'", "masq '0'")],
  'lines added at the end': [config, config + "\nconfig forwarding\n\toption src 'lan'\n"],
  'lines removed at the start': [config, config.split('\n').slice(4).join('\n')],
  'last line loses its newline': [config, config.slice(0, -1)],
  'last line gains a newline': ['a\nb', 'a\nb\n'],
  'from an empty file': ['', 'config x\n'],
  'to an empty file': ['a\nb\n', ''],
};

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('firewall', config, config)).toBe('');
  });

  it('names a file that does not exist yet /dev/null', () => {
    expect(unifiedDiff('new', null, 'x\n')).toBe('--- /dev/null\n+++ b/new\n@@ -0,0 +1 @@\n+x\n');
  });

  for (const [name, [a, b]] of Object.entries(cases)) {
    it.skipIf(!gnuDiff)(`${name}: the same bytes as GNU diff -u`, () => {
      expect(unifiedDiff('firewall', a, b)).toBe(gnu(a, b));
    });
  }

  it('applies strictly (every line at its stated position) and with patch -p1', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'config x', "\toption y 'z'", ''), { maxLength: 30 })
      .chain((lines) => fc.tuple(fc.constant(lines.join('\n')), fc.boolean()))
      .map(([t, nl]) => (nl && t ? t + '\n' : t));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const d = unifiedDiff('firewall', a, b);
        expect(d === '').toBe(a === b);
        if (d) expect(applyStrictly(a, d)).toBe(b);
      }),
      { numRuns: 500 },
    );
    const patch = spawnSync('patch', ['--version']).status === 0;
    if (!patch) return;
    const dir = mkdtempSync(join(tmpdir(), 'patch-'));
    try {
      const [a, b] = cases['changes far apart make two hunks']!;
      writeFileSync(join(dir, 'firewall'), a);
      const r = spawnSync('patch', ['-p1', '-F', '0', '-s'], { cwd: dir, input: unifiedDiff('firewall', a, b) });
      expect(r.status).toBe(0);
      expect(readFileSync(join(dir, 'firewall'), 'utf8')).toBe(b);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
