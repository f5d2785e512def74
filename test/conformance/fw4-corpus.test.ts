// Every fw4 corpus and benchmark case: the ruleset and the warnings must equal fw4's bytes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, readMocksDir, SnapshotView, translateFirewall } from '../../lib/fw4/index.js';
import { packageFromMockJson } from '../fw4/mock-uci.js';

const shared = fileURLToPath(new URL('../../../shared/', import.meta.url));
const roots = [join(shared, 'fw4-corpus/cases'), join(shared, 'fw4-bench')];

function cases(): string[] {
  const out: string[] = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) if (existsSync(join(root, name, 'action'))) out.push(join(root, name));
  }
  return out;
}

const printCases = cases().filter((dir) => readFileSync(join(dir, 'action'), 'utf8').trim() === 'print');

describe.skipIf(!existsSync(roots[0]!))('fw4 corpus through the library (needs ../shared)', () => {
  it.each(printCases.map((dir) => [dir.split('/').slice(-1)[0]!, dir]))('%s', (_name, dir) => {
    const helpersFile = join(dir, 'mocks/uci/helpers.json');
    const result = translateFirewall({
      firewall: packageFromMockJson('firewall', join(dir, 'mocks/uci/firewall.json')),
      ...(existsSync(helpersFile) ? { helpers: packageFromMockJson('helpers', helpersFile) } : {}),
      system: new SnapshotView(readMocksDir(join(dir, 'mocks'))),
    });
    // toBe on strings shows a line diff on mismatch
    expect(result.text).toBe(readFileSync(join(dir, 'expected.nft'), 'utf8'));
    expect(result.diagnostics.map((d) => formatDiagnostic(d)).join('')).toBe(readFileSync(join(dir, 'expected.stderr'), 'utf8'));
  });
});
