// The layers of ARCHITECTURE.md: lib/ is the library and never reaches up into the command line
// (cli/) or the server (rpc/); rpc/ and cli/ use lib's public index files only. Within lib/,
// uci is the foundation and ubus (the JSON-RPC client) sits on it: fw4 and migrate build on
// them, never the reverse.
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

  it('lib/ubus (the JSON-RPC client) imports from the rest of lib/ only lib/uci, by its index', () => {
    const up = sources('lib/ubus').flatMap((f) => importsOf(f).filter((i) => i.startsWith('lib/') && !i.startsWith('lib/ubus/') && i !== 'lib/uci/index.js').map((i) => `${f} -> ${i}`));
    expect(up).toEqual([]);
  });

  it('lib/uci imports nothing from the rest of lib/', () => {
    const up = sources('lib/uci').flatMap((f) => importsOf(f).filter((i) => i.startsWith('lib/') && !i.startsWith('lib/uci/')).map((i) => `${f} -> ${i}`));
    expect(up).toEqual([]);
  });

  it('rpc/ imports nothing from cli/', () => {
    const up = sources('rpc').flatMap((f) => importsOf(f).filter((i) => i.startsWith('cli/')).map((i) => `${f} -> ${i}`));
    expect(up).toEqual([]);
  });

  it("lib/fw4's layers import only downward: options < load < compile < render, offload reads compile", () => {
    const bad = sources('lib/fw4').flatMap((f) => importsOf(f).flatMap((i) => {
      const why = fw4Violation(f, i);
      return why ? [`${f} -> ${i}: ${why}`] : [];
    }));
    expect(bad).toEqual([]);
  });

  it('the fw4 layer check knows every file of lib/fw4', () => {
    expect(sources('lib/fw4').filter((f) => fw4Layer(f) === undefined)).toEqual([]);
  });

  it('cli/ imports lib only through its public index files', () => {
    const inner = sources('cli').flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('lib/') && !/^lib\/(?:[^/]+\/)?index\.js$/.test(i))
        .map((i) => `${f} -> ${i}`),
    );
    expect(inner).toEqual([]);
  });
});

/**
 * lib/fw4's layers, by first path component: a file may import its own layer and lower ranks.
 * The foundations (value parsers, the system view, the option table) are rank 0; render and the
 * offload report are peers above compile (neither reads the other); verify reads rendered text,
 * check and the package index sit on top.
 */
const FW4_RANKS: Record<string, number> = {
  options: 0, snapshot: 0, schema: 0, locator: 0, 'default-helpers': 0,
  load: 1, includes: 1,
  // a system derived from the network config: built with the value parsers, its notes read the loaded zones
  'snapshot/derive': 2, compile: 2,
  render: 3, offload: 3,
  translate: 4, verify: 4,
  check: 5,
  index: 6,
};

function fw4Layer(file: string): string | undefined {
  const rel = file.slice('lib/fw4/'.length);
  if (rel.startsWith('snapshot/derive/')) return 'snapshot/derive';
  // the snapshot folder's public index gathers its providers, derive included, for lib/fw4/index
  if (rel === 'snapshot/index.ts') return 'index';
  const first = rel.split('/')[0]!.replace(/\.[jt]s$/, '');
  return first in FW4_RANKS ? first : undefined;
}

const isReport = (file: string) => /^lib\/fw4\/offload\/report(\.[jt]s|\/)/.test(file);

function fw4Violation(from: string, to: string): string | null {
  if (!to.startsWith('lib/fw4/')) return null;
  // the offload report is read by its users (the package index, the CLI, the server) only
  if (isReport(to) && !isReport(from) && from !== 'lib/fw4/index.ts') return 'only the report\'s users import the offload report';
  const a = fw4Layer(from);
  const b = fw4Layer(to);
  if (a === undefined || b === undefined || a === b) return null;
  return FW4_RANKS[b]! < FW4_RANKS[a]! ? null : `${a} may not import ${b}`;
}
