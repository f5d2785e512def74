// The suite's build check (test/global-setup.ts) on a stand-in repository: it asks for a build
// when the stamp is missing or any file of a source folder is newer than it, and names the file.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { staleReason } from '../global-setup.js';

const root = mkdtempSync(join(tmpdir(), 'build-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, seconds: number): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), '');
  utimesSync(join(root, path), seconds, seconds);
}

describe('the build check before the tests', () => {
  for (const dir of ['lib', 'cli', 'rpc', 'schemas', 'bin']) file(`${dir}/a.ts`, 1000);
  file('lib/uci/show.ts', 1000);
  file('docs/uci.md', 5000); // not read by the build

  it('asks for a build when there is none', () => {
    expect(staleReason(root)).toBe('dist/bundle/built is missing');
  });

  it('is satisfied when every source file is older than the stamp', () => {
    file('dist/bundle/built', 2000);
    expect(staleReason(root)).toBeNull();
  });

  it('names a source file newer than the stamp, in a nested folder too', () => {
    file('lib/uci/show.ts', 3000);
    expect(staleReason(root)).toBe('lib/uci/show.ts is newer than the build');
    file('lib/uci/show.ts', 1000);
    file('schemas/firewall/zone.json', 3000);
    expect(staleReason(root)).toBe('schemas/firewall/zone.json is newer than the build');
  });
});
