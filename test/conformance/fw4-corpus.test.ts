// Every fw4 corpus and benchmark case: the ruleset and the warnings must equal fw4's bytes,
// through the library and through the CLI.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultHelpers, formatDiagnostic, readMocksDir, scriptIncludes, SnapshotView, translateFirewall } from '../../lib/fw4/index.js';
import { parseDocument } from '../../lib/uci/index.js';
import { fw4 } from '../helpers/cli.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const shared = join(repo, '../shared');
const roots = [join(shared, 'fw4-corpus/cases'), join(shared, 'fw4-bench')];

function cases(action: string): [string, string][] {
  const out: [string, string][] = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const file = join(root, name, 'action');
      if (existsSync(file) && readFileSync(file, 'utf8').trim() === action) out.push([name, join(root, name)]);
    }
  }
  return out;
}

const expected = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe.skipIf(!existsSync(roots[0]!))('fw4 corpus (needs ../shared)', () => {
  describe('print through the library', () => {
    it.each(cases('print'))('%s', (_name, dir) => {
      const parse = (name: string) => parseDocument(expected(dir, `config/${name}`), { name }).toPackage();
      const result = translateFirewall({
        firewall: parse('firewall'),
        // fw4 always has its helpers file; the bench cases use the shipped one
        helpers: existsSync(join(dir, 'config/helpers')) ? parse('helpers') : defaultHelpers(),
        system: new SnapshotView(readMocksDir(join(dir, 'mocks'))),
      });
      // toBe on strings shows a line diff on mismatch
      expect(result.text).toBe(expected(dir, 'expected.nft'));
      expect(result.diagnostics.map((d) => formatDiagnostic(d)).join('')).toBe(expected(dir, 'expected.stderr'));
    });
  });

  describe('print through the CLI', () => {
    it.each(cases('print'))('%s', (_name, dir) => {
      const run = fw4('print', '--config', join(dir, 'config'), '--snapshot', join(dir, 'mocks'));
      expect(run.stdout).toBe(expected(dir, 'expected.nft'));
      expect(run.stderr).toBe(expected(dir, 'expected.stderr'));
      expect(run.status).toBe(0);
    });
  });

  describe('includes: the scripts fw4 runs from its state file', () => {
    it.each(cases('includes'))('%s', (_name, dir) => {
      const result = scriptIncludes(new SnapshotView(readMocksDir(join(dir, 'mocks'))));
      const calls = expected(dir, 'expected.calls').split('\n').filter((l) => l.startsWith('[call] system '));
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.scripts).toHaveLength(calls.length);
      for (const [i, s] of result.scripts.entries()) {
        // the trace shows argv truncated: compare the part it shows
        const shown = /command <\[ "sh", "-c", "(.*)\.\.\." \]>/.exec(calls[i]!)![1]!.replaceAll('\\"', '"');
        expect(s.argv.slice(0, 2)).toEqual(['sh', '-c']);
        expect(s.argv[2]!.startsWith(shown)).toBe(true);
      }
      // fw4 prints nothing for this action
      expect(expected(dir, 'expected.nft')).toBe('');
      expect(expected(dir, 'expected.stderr')).toBe('');
    });
  });
});
