// `uci-fw4 migrate` end to end, with the example module of docs/migrate.md.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshot } from './fixtures/confdir.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = join(root, 'examples/migrations/guest-network.mjs');
const doc = readFileSync(join(root, 'docs/migrate.md'), 'utf8');

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function routers(n: number): string {
  const parent = mkdtempSync(join(tmpdir(), 'migrate-cli-'));
  made.push(parent);
  for (let i = 1; i <= n; i++) cpSync(join(root, 'examples/config'), join(parent, `router${i}`), { recursive: true });
  return parent;
}

function cli(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(root, 'bin/uci-fw4.js'), ...args], { cwd, encoding: 'utf8' });
}

/** The text of the n-th ```console block of the doc, without its `$ command` line. */
function consoleBlock(n: number): string {
  const blocks = [...doc.matchAll(/```console\n\$ [^\n]*\n([\s\S]*?)```/g)];
  return blocks[n]![1]!;
}

describe('uci-fw4 migrate', () => {
  it('the example module in docs/migrate.md is examples/migrations/guest-network.mjs', () => {
    expect(doc).toContain('```js\n' + readFileSync(example, 'utf8') + '```');
  });

  it('dry run: exit 0, the diff on stdout as in the docs, every file byte-identical, nothing created', () => {
    const parent = routers(1);
    const before = snapshot(parent);
    const run = cli(parent, 'migrate', '--dry-run', '--confdir', 'router1', example);
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toBe(consoleBlock(0));
    expect(snapshot(parent)).toEqual(before);

    // the diff is a patch: applied to a copy it gives what the real apply writes
    const copy = routers(1);
    const patch = spawnSync('patch', ['-p1', '-F', '0', '-d', join(copy, 'router1')], { input: run.stdout, encoding: 'utf8' });
    expect(patch.status, patch.stderr).toBe(0);
    expect(cli(parent, 'migrate', '--confdir', 'router1', example).status).toBe(0);
    for (const pkg of ['firewall', 'network']) {
      expect(readFileSync(join(copy, 'router1', pkg), 'utf8')).toBe(readFileSync(join(parent, 'router1', pkg), 'utf8'));
    }
  });

  it('apply: the table as in the docs, uci show still works, a rerun changes nothing', () => {
    const parent = routers(2);
    const run = cli(parent, 'migrate', '--confdir', 'router1', '--confdir', 'router2', example);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(consoleBlock(1));
    const show = cli(parent, 'uci', '-c', 'router1', 'show');
    expect(show.status).toBe(0);
    expect(new Set(show.stdout.split('\n').filter(Boolean).map((l) => l.split('.')[0]))).toEqual(new Set(['firewall', 'network']));
    expect(show.stdout).toContain("firewall.@zone[2].name='guest'\n");
    expect(show.stdout).toContain("firewall.@defaults[0].flow_offloading='1'\n");

    const state = snapshot(parent);
    const again = cli(parent, 'migrate', '--confdir', 'router1', '--confdir', 'router2', example);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/router1 +unchanged +0 +\(none new\)\nrouter2 +unchanged/);
    expect(snapshot(parent)).toEqual(state);
  });

  it('one failing confdir: exit 1, its reason in the table and in --json, the others migrated', () => {
    const parent = routers(3);
    writeFileSync(join(parent, 'router2/firewall'), "config zone 'lan'\n"); // no defaults section
    const before = snapshot(join(parent, 'router2'));
    const run = cli(parent, 'migrate', '--json', ...['router1', 'router2', 'router3'].flatMap((r) => ['--confdir', r]), example);
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout) as {
      summary: Record<string, number>;
      results: Array<{ confdir: string; status: string; reason?: string; files: Array<{ package: string; diff?: string }> }>;
    };
    expect(out.summary).toEqual({ changed: 2, unchanged: 0, failed: 1, 'rolled back': 0 });
    // --json asks the apply for its diffs
    expect(out.results[0]!.files.map((f) => f.diff?.split('\n', 2).join('\n'))).toEqual(['--- a/firewall\n+++ b/firewall', '--- a/network\n+++ b/network']);
    expect(out.results[1]).toMatchObject({
      confdir: 'router2', status: 'failed', reason: "migration '2026-11-flow-offloading': firewall has no defaults section",
    });
    expect(snapshot(join(parent, 'router2'))).toEqual(before);
    expect(readFileSync(join(parent, 'router3/network'), 'utf8')).toContain("config interface 'guest'");

    const text = cli(parent, 'migrate', '--confdir', 'router2', example);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain("router2  failed  0      -        migration '2026-11-flow-offloading': firewall has no defaults section\n");
  });

  it('fw4-compat by name, with its report of every change by line and section', () => {
    const parent = routers(1);
    const run = cli(parent, 'migrate', '--dry-run', '--confdir', 'router1', 'fw4-compat');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("-\toption syn_flood\t1\n");
    expect(run.stdout).toContain("+\toption synflood_protect '1'\n");
    expect(run.stdout).toContain("\n# router1: [fw4-compat] firewall:4 @defaults[0] syn_flood: renamed to 'synflood_protect' (fw3's name)\n"
      + "# router1: [fw4-compat] firewall:5 @defaults[0] input: 'REJECT' → 'reject'\n");
    expect(run.stdout).toContain("# router1: [fw4-compat] firewall:130 @rule[8] target: 'ACCEPT' → 'accept'\n");
  });

  it('bad arguments and modules: exit 2 and a message', () => {
    const parent = routers(1);
    expect(cli(parent, 'migrate', 'fw4-compat').stderr).toContain('no target given (--confdir, --target or --targets)');
    expect(cli(parent, 'migrate', '--confdir', 'router1').status).toBe(2);
    expect(cli(parent, 'migrate', '--bogus', '--confdir', 'router1', 'fw4-compat').stderr).toContain("unknown option '--bogus'");
    const missing = cli(parent, 'migrate', '--confdir', 'router1', 'no-such-migration');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe("uci-fw4 migrate: 'no-such-migration' is neither a built-in migration (fw4-compat) nor a file\n");
    writeFileSync(join(parent, 'dup.mjs'), "export default [{ id: 'a', description: '', up() {} }, { id: 'a', description: '', up() {} }];\n");
    expect(cli(parent, 'migrate', '--confdir', 'router1', 'dup.mjs').stderr).toBe("uci-fw4 migrate: migration id 'a' is listed twice\n");
    expect(cli(parent, 'migrate', '--help').stdout).toContain('Usage: uci-fw4 migrate');
  });
});
