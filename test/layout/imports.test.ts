// The layers of ARCHITECTURE.md: lib/ is the library and never reaches up into the command line
// (cli/) or the server (rpc/); rpc/ uses lib's public index files only.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): string[] {
  return readdirSync(join(repo, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** Every relative module a file imports (static or dynamic), as a path from the repo root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(repo, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)) {
    found.push(relative(repo, resolve(repo, dirname(file), m[1] as string)));
  }
  return found;
}

describe('layers', () => {
  it('lib/ imports nothing from cli/ or rpc/', () => {
    const up = sources('lib').flatMap((f) => importsOf(f).filter((i) => /^(cli|rpc)\//.test(i)).map((i) => `${f} -> ${i}`));
    expect(up).toEqual([]);
  });

  it('rpc/ imports nothing from cli/', () => {
    const up = sources('rpc').flatMap((f) => importsOf(f).filter((i) => i.startsWith('cli/')).map((i) => `${f} -> ${i}`));
    expect(up).toEqual([]);
  });
});
