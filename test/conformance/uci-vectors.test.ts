// Replays every recorded case of ../shared/uci-vectors (OpenWrt's real uci) through
// `node bin/uci-fw4.js uci` and compares each step's stdout, stderr and exit status, the config
// and savedir files after each step, and the files left in both directories, byte for byte.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const vectors = join(root, '../shared/uci-vectors');
const bin = join(root, 'bin/uci-fw4.js');

type Bytes = string | { base64: string } | null;
interface Step {
  args: string[];
  stdin: Bytes;
  stdout: Bytes;
  stderr: Bytes;
  rc: number;
  conf_after?: Bytes;
  delta_after?: Bytes;
}
interface Case {
  files: Record<string, Bytes>;
  deltas: Record<string, Bytes>;
  steps: Step[];
  conf_dir_after: string[];
  save_dir_after: string[];
}

function bytes(b: Bytes): Buffer | null {
  if (b === null) return null;
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b.base64, 'base64');
}

/** Shown on failure: readable text, with the bytes escaped. */
const show = (b: Buffer | null): string => (b === null ? '(no file)' : JSON.stringify(b.toString('latin1')));

function runStep(work: string, args: string[], stdin: Buffer | null): Promise<{ stdout: Buffer; stderr: Buffer; rc: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'uci', '-c', 'conf', '-t', 'save', ...args], { cwd: work });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), rc: code ?? -1 }));
    child.stdin.on('error', () => {});
    child.stdin.end(stdin ?? Buffer.alloc(0));
  });
}

const readOrNull = (p: string): Buffer | null => (existsSync(p) ? readFileSync(p) : null);

async function replay(c: Case): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), 'uci-vec-'));
  const problems: string[] = [];
  try {
    mkdirSync(join(work, 'conf'));
    mkdirSync(join(work, 'save'));
    for (const [name, content] of Object.entries(c.files)) {
      const target = name.includes('/') ? join(work, name) : join(work, 'conf', name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, bytes(content)!);
    }
    for (const [name, content] of Object.entries(c.deltas)) writeFileSync(join(work, 'save', name), bytes(content)!);
    for (const [k, st] of c.steps.entries()) {
      const args = st.args.map((a) => a.replaceAll('/ABS', work));
      const got = await runStep(work, args, bytes(st.stdin));
      const label = `step ${k} ${JSON.stringify(st.args)}`;
      const compare = (what: string, want: Buffer | null, have: Buffer | null): void => {
        if (want === null ? have !== null : have === null || !want.equals(have)) {
          problems.push(`${label} ${what}:\n  expected ${show(want)}\n  got      ${show(have)}`);
        }
      };
      compare('stdout', bytes(st.stdout), got.stdout);
      compare('stderr', bytes(st.stderr), got.stderr);
      if (got.rc !== st.rc) problems.push(`${label} exit status: expected ${st.rc}, got ${got.rc}`);
      if ('conf_after' in st) {
        compare('conf/test', bytes(st.conf_after ?? null), readOrNull(join(work, 'conf/test')));
        compare('save/test', bytes(st.delta_after ?? null), readOrNull(join(work, 'save/test')));
      }
    }
    const list = (d: string): string[] => readdirSync(join(work, d)).sort();
    if (JSON.stringify(list('conf')) !== JSON.stringify(c.conf_dir_after)) {
      problems.push(`conf/ holds ${JSON.stringify(list('conf'))}, expected ${JSON.stringify(c.conf_dir_after)}`);
    }
    if (JSON.stringify(list('save')) !== JSON.stringify(c.save_dir_after)) {
      problems.push(`save/ holds ${JSON.stringify(list('save'))}, expected ${JSON.stringify(c.save_dir_after)}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return problems;
}

const names = existsSync(vectors) ? readdirSync(vectors).filter((n) => existsSync(join(vectors, n, 'case.json'))).sort() : [];

describe.skipIf(names.length === 0)('uci vectors from ../shared/uci-vectors (needs ../shared)', () => {
  for (const name of names) {
    test.concurrent(name, async () => {
      const c = JSON.parse(readFileSync(join(vectors, name, 'case.json'), 'utf8')) as Case;
      const problems = await replay(c);
      expect(problems.join('\n')).toBe('');
    }, 120_000);
  }
});
