// A child process commits in a loop and is killed with SIGKILL at random moments, 200 times in
// all; after each kill the config must parse and hold either the old or the new content.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { Cursor, parseDocument } from '../../lib/uci/index.js';

const dist = fileURLToPath(new URL('../../dist/lib/uci/cursor.js', import.meta.url));
const LANES = 4;
const KILLS_PER_LANE = 50;

const INITIAL = "# kept\nconfig foo 'x'\n\toption a '1'\n";
const A = 'A'.repeat(3000);
const B = 'B'.repeat(70000);
const withValue = (v: string): string => `# kept\nconfig foo 'x'\n\toption a '${v}'\n`;

const CHILD = `
import { Cursor } from ${JSON.stringify(dist)};
const [confdir, savedir] = process.argv.slice(2);
const values = [${JSON.stringify(A)}, ${JSON.stringify(B)}];
process.stdout.write('ready\\n');
const parent = process.ppid;
// the loop never yields, so only a check per round ends it when the test runner is gone
// (killed at a time-out): orphans committing forever loaded the machine for 20 minutes
for (let i = 0; process.ppid === parent; i++) {
  const c = new Cursor({ confdir, savedir });
  c.set('test', 'x', 'a', values[i % 2]);
  c.commit('test');
}
`;

function killOnce(script: string, confdir: string, savedir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, confdir, savedir], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.on('error', reject);
    child.on('exit', () => resolve());
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), Math.random() * 60));
  });
}

describe.skipIf(!existsSync(dist))('commit survives SIGKILL (needs the build in dist/)', () => {
  test(`${LANES * KILLS_PER_LANE} kills during committing loops`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uci-kill-'));
    try {
      const script = join(dir, 'child.mjs');
      writeFileSync(script, CHILD);
      const seen = new Set<string>();
      const allowed = new Map([[INITIAL, 'initial'], [withValue(A), 'A'], [withValue(B), 'B']]);
      const lane = async (n: number): Promise<void> => {
        const confdir = join(dir, `conf${n}`);
        mkdirSync(confdir);
        writeFileSync(join(confdir, 'test'), INITIAL);
        for (let k = 0; k < KILLS_PER_LANE; k++) {
          await killOnce(script, confdir, join(dir, `save${n}`));
          const text = readFileSync(join(confdir, 'test'), 'utf8');
          const which = allowed.get(text);
          if (which === undefined) throw new Error(`lane ${n}, kill ${k}: unexpected content (${text.length} bytes): ${JSON.stringify(text.slice(0, 80))}`);
          seen.add(which);
          expect(() => parseDocument(text, { name: 'test' })).not.toThrow();
        }
        // a lock left by a killed committer must not block the next one
        const c = new Cursor({ confdir, savedir: join(dir, `save${n}`) });
        c.set('test', 'x', 'a', 'final');
        c.commit('test');
        expect(readFileSync(join(confdir, 'test'), 'utf8')).toBe(withValue('final'));
        expect(readdirSync(confdir).filter((f) => f.endsWith('lock'))).toEqual([]);
      };
      const results = await Promise.allSettled(Array.from({ length: LANES }, (_, n) => lane(n)));
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      expect(failures).toEqual([]);
      // the kills did land while values were being committed, not only before the first commit
      expect(seen.has('A') || seen.has('B')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
