// Migrations that never finish, and modules that do not load: a run must end, say which
// confdir failed and why, leave that confdir untouched and no lock behind, and go on with the
// others (issue 14, item 5).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMigrations, STATE_DIR } from '../../lib/migrate/index.js';
import { makeConfdir, snapshot, tempDir } from './fixtures/confdir.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(root, 'bin/uci-fw4.js'), 'migrate', ...args], { encoding: 'utf8', timeout: 60_000 });
}

/** A migration module in a temporary directory; `body` is the text of `up(tx)`. */
function module(body: string, id = 'm1'): string {
  const file = join(tempDir('migrate-mod-'), 'm.mjs');
  writeFileSync(file, `export default {\n  id: '${id}',\n  description: 'test',\n  async up(tx) {\n${body}\n  },\n};\n`);
  return file;
}

// the "stuck" router is the one whose lan interface is dhcp
const STUCK = (how: string): string => `    if (tx.get('network', 'lan', 'proto') === 'dhcp') ${how};\n    tx.set('firewall', 'defaults', 'input', 'DROP');`;

function routers(): { stuck: string; fine: string } {
  const parent = tempDir('migrate-iso-');
  const fine = makeConfdir(parent);
  const stuck = makeConfdir(parent);
  writeFileSync(join(stuck, 'network'), "config interface 'lan'\n\toption proto 'dhcp'\n");
  return { stuck, fine };
}

const noLockLeft = (dir: string): void => {
  const state = join(dir, STATE_DIR);
  expect(existsSync(state) ? readdirSync(state).filter((f) => f.includes('lock')) : []).toEqual([]);
};

describe.skipIf(!existsSync(join(root, 'dist/lib/migrate/worker.js')))('migrations that never finish (needs the build)', () => {
  it('a promise that never settles fails its confdir at once, the next confdir is migrated', async () => {
    const { stuck, fine } = routers();
    const before = snapshot(stuck);
    const started = Date.now();
    const results = await runMigrations([stuck, fine], { modules: [module(STUCK('await new Promise(() => {})'))] });
    expect(Date.now() - started).toBeLessThan(30_000); // not the 60 s time-out: the worker ran dry
    expect(results.map((r) => r.status)).toEqual(['failed', 'changed']);
    expect(results[0]!.reason).toBe("migration 'm1': never finished: it waits on a promise that nothing will settle");
    expect(snapshot(stuck)).toEqual(before);
    noLockLeft(stuck);
  });

  it('a busy loop is stopped at the time-out; that confdir is untouched, the others go on', async () => {
    const { stuck, fine } = routers();
    const before = snapshot(stuck);
    const results = await runMigrations([stuck, fine], { modules: [module(STUCK('for (;;) {}'))] }, { timeoutMs: 3000 });
    expect(results.map((r) => r.status)).toEqual(['failed', 'changed']);
    expect(results[0]!.reason).toBe("migration 'm1': did not finish within 3 s; stopped, nothing written");
    expect(snapshot(stuck)).toEqual(before);
    noLockLeft(stuck);
  });

  for (const mode of [[], ['--json'], ['--dry-run']]) {
    it(`CLI ${mode.join(' ') || 'apply'}: a never-settling migration exits 1 and names the confdir and the reason`, () => {
      const { stuck, fine } = routers();
      const run = cli(...mode, '--confdir', stuck, '--confdir', fine, module(STUCK('await new Promise(() => {})')));
      expect(run.status, run.stderr).toBe(1);
      const out = run.stdout + run.stderr;
      if (mode[0] === '--json') {
        const doc = JSON.parse(run.stdout) as { results: { confdir: string; status: string; reason?: string }[] };
        expect(doc.results.map((r) => [r.confdir, r.status])).toEqual([[stuck, 'failed'], [fine, 'changed']]);
        expect(doc.results[0]!.reason).toContain('never finished');
      } else {
        expect(out).toMatch(new RegExp(`${stuck}\\s+failed .*never finished: it waits on a promise that nothing will settle`));
        expect(out).toMatch(new RegExp(`${fine}\\s+changed`));
      }
      noLockLeft(stuck);
    });
  }

  it('CLI --timeout ends a busy loop', () => {
    const { stuck, fine } = routers();
    const run = cli('--timeout', '3', '--confdir', stuck, '--confdir', fine, module(STUCK('for (;;) {}')));
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`${stuck}\\s+failed .*did not finish within 3 s`));
    expect(run.stdout).toMatch(new RegExp(`${fine}\\s+changed`));
  });

  it('a syntax error in a module is reported with file, line and column; nothing is touched', () => {
    const { fine } = routers();
    const before = snapshot(fine);
    const file = join(tempDir('migrate-mod-'), 'broken.mjs');
    writeFileSync(file, "export default {\n  id: 'x',\n  description: 'x',\n  up(tx) {\n    if (tx) {\n  }}}\n};\n");
    const run = cli('--confdir', fine, file);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`uci-fw4 migrate: ${file}:7:1: SyntaxError: Unexpected token '}'\n`);
    expect(snapshot(fine)).toEqual(before);
  });

  it('an error thrown while a module loads is reported at its line and column', () => {
    const { fine } = routers();
    const file = join(tempDir('migrate-mod-'), 'throws.mjs');
    writeFileSync(file, "const x = null;\nexport default x.migrations;\n");
    const run = cli('--confdir', fine, file);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`uci-fw4 migrate: ${file}:2:18: TypeError: Cannot read properties of null (reading 'migrations')\n`);
  });
});
