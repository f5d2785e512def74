import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMigrations, checkMigrations } from '../../lib/migrate/runner.js';
import { Transaction } from '../../lib/migrate/transaction.js';
import type { Migration } from '../../lib/migrate/types.js';
import { FILES, makeConfdir, snapshot, tempDir } from './fixtures/confdir.js';

const flowOffloading: Migration = {
  id: 'flow-offloading',
  description: 'turn on flow offloading',
  up: (tx) => tx.set('firewall', 'defaults', 'flow_offloading', '1'),
};

const now = new Date('2026-11-25T01:00:00Z');

describe('runMigrations', () => {
  it('dry run: the diff and the change list, nothing written or created', async () => {
    const dir = makeConfdir();
    const before = snapshot(dir);
    const [r] = await runMigrations([dir], [flowOffloading], { dryRun: true });
    expect(snapshot(dir)).toEqual(before);
    expect(r).toMatchObject({ status: 'changed', applied: ['flow-offloading'], skipped: [] });
    expect(r!.files).toEqual([{
      package: 'firewall',
      changes: ["firewall.defaults.flow_offloading='1'"],
      diff: '--- a/firewall\n+++ b/firewall\n@@ -2,6 +2,7 @@\n'
        + " config defaults 'defaults'\n \toption input 'ACCEPT'   # keep this comment\n \toption forward 'REJECT'\n"
        + "+\toption flow_offloading '1'\n \n config zone\n \toption name 'lan'\n",
    }]);
  });

  it('apply: the new text with comments kept, the applied record, and a rerun that changes nothing', async () => {
    const dir = makeConfdir();
    const [r] = await runMigrations([dir], [flowOffloading], { now });
    expect(r!.status).toBe('changed');
    expect(readFileSync(join(dir, 'firewall'), 'utf8')).toBe(FILES.firewall!.replace("'REJECT'\n", "'REJECT'\n\toption flow_offloading '1'\n"));
    expect(readFileSync(join(dir, 'network'), 'utf8')).toBe(FILES.network);
    expect(readFileSync(join(dir, '.uci-fw4/applied'), 'utf8')).toBe('flow-offloading\t2026-11-25T01:00:00.000Z\n');
    const state = snapshot(dir);
    expect(Object.keys(state).sort()).toEqual(['.uci-fw4/', '.uci-fw4/applied', 'dhcp', 'firewall', 'network']);
    const [again] = await runMigrations([dir], [flowOffloading]);
    expect(again).toMatchObject({ status: 'unchanged', applied: [], skipped: ['flow-offloading'], files: [] });
    expect(snapshot(dir)).toEqual(state);
  });

  it('apply: diffs only when asked (a dry run always has them)', async () => {
    const [plain] = await runMigrations([makeConfdir()], [flowOffloading]);
    expect(plain!.files).toEqual([{ package: 'firewall', changes: ["firewall.defaults.flow_offloading='1'"] }]);
    const [asked] = await runMigrations([makeConfdir()], [flowOffloading], { diffs: true });
    const [dry] = await runMigrations([makeConfdir()], [flowOffloading], { dryRun: true });
    expect(asked!.files[0]!.diff).toMatch(/^--- a\/firewall\n\+\+\+ b\/firewall\n@@ /);
    expect(asked!.files).toEqual(dry!.files);
  });

  it('records a migration that changes nothing, so it is not run again', async () => {
    const dir = makeConfdir();
    let runs = 0;
    const noop: Migration = { id: 'noop', description: 'reads only', up: (tx) => { runs++; tx.get('network', 'lan', 'proto'); } };
    expect((await runMigrations([dir], [noop]))[0]).toMatchObject({ status: 'unchanged', applied: ['noop'] });
    await runMigrations([dir], [noop]);
    expect(runs).toBe(1);
  });

  it('a migration that throws halfway leaves its confdir untouched; the other confdirs are migrated', async () => {
    const parent = tempDir('migrate-throw-');
    const dirs = [makeConfdir(parent), makeConfdir(parent), makeConfdir(parent)];
    writeFileSync(join(dirs[1]!, 'network'), FILES.network!.replace("'static'", "'dhcp'"));
    const broken = snapshot(dirs[1]!);
    const migrations = (await import('./fixtures/throws-halfway.mjs')).default as Migration[];
    const results = await runMigrations(dirs, migrations);
    expect(results.map((r) => r.status)).toEqual(['changed', 'failed', 'changed']);
    expect(results[1]).toMatchObject({
      failedMigration: 'throws-halfway', reason: "migration 'throws-halfway': lan is dhcp here: refusing", applied: [], files: [],
    });
    expect(snapshot(dirs[1]!)).toEqual(broken);
    for (const i of [0, 2]) {
      expect(readFileSync(join(dirs[i]!, 'dhcp'), 'utf8')).toContain("option start '200'");
      expect(readFileSync(join(dirs[i]!, 'network'), 'utf8')).toContain("option mtu '1400'");
      expect(readFileSync(join(dirs[i]!, '.uci-fw4/applied'), 'utf8')).toMatch(/^ok-first\t.*\nthrows-halfway\t.*\n$/);
    }
  });

  it('reports a confdir that is missing or has a syntax error, and goes on', async () => {
    const bad = makeConfdir(undefined, { ...FILES, firewall: "config defaults\n\toption input 'ACCEPT\n" });
    const good = makeConfdir();
    const results = await runMigrations([join(bad, 'nope'), bad, good], [flowOffloading]);
    expect(results.map((r) => r.status)).toEqual(['failed', 'failed', 'changed']);
    expect(results[0]!.reason).toMatch(/ENOENT/);
    expect(results[1]!.reason).toMatch(/migration 'flow-offloading': .*unterminated/);
  });

  it('refuses to rewrite a file that changed while the migrations ran', async () => {
    const dir = makeConfdir();
    const sneaky: Migration = {
      id: 'sneaky', description: 'someone else edits the file meanwhile',
      up: (tx) => {
        tx.set('firewall', 'defaults', 'input', 'DROP');
        writeFileSync(join(dir, 'firewall'), FILES.firewall + '\nconfig zone\n');
      },
    };
    const [r] = await runMigrations([dir], [sneaky]);
    expect(r).toMatchObject({ status: 'failed', reason: 'firewall was changed by someone else during the run; nothing written' });
    expect(readFileSync(join(dir, 'firewall'), 'utf8')).toBe(FILES.firewall + '\nconfig zone\n');
  });

  it('runs a confdir named twice once', async () => {
    const dir = makeConfdir();
    expect(await runMigrations([dir, `${dir}/`], [flowOffloading])).toHaveLength(1);
  });

  it('rejects bad migration lists before touching anything', () => {
    expect(() => checkMigrations([flowOffloading, flowOffloading])).toThrow("migration id 'flow-offloading' is listed twice");
    expect(() => checkMigrations([{ ...flowOffloading, id: 'has space' }])).toThrow(/invalid migration id "has space"/);
    expect(() => checkMigrations([{ id: 'x' } as unknown as Migration])).toThrow(/not a migration/);
    expect(() => checkMigrations([{ ...flowOffloading, packages: 'firewall' } as unknown as Migration])).toThrow(/packages must be a list of package names: "firewall"/);
  });

  it('refuses a package name that is no file name in a confdir, naming the migration and the package', async () => {
    for (const name of ['../network', '/etc/passwd', 'a\\b', '.uci-fw4', 'has space', '']) {
      expect(() => checkMigrations([{ ...flowOffloading, packages: ['firewall', name] }]))
        .toThrow(`migration 'flow-offloading': invalid package name ${JSON.stringify(name)} in packages`);
    }
    const dir = makeConfdir();
    await expect(runMigrations([dir], [{ ...flowOffloading, packages: ['../firewall'] }])).rejects.toThrow(/invalid package name "..\/firewall"/);
    expect(readFileSync(join(dir, 'firewall'), 'utf8')).toBe(FILES.firewall);
  });
});

describe('Transaction', () => {
  it('comments an option out in place as written (trailing comment kept), with its note, and lists it as a deletion', () => {
    const dir = makeConfdir();
    const tx = new Transaction(dir);
    expect(tx.lineOf('firewall', 'defaults', 'forward')).toBe(4);
    expect(tx.lineOf('firewall', '@zone[0]')).toBe(6);
    tx.commentOut('firewall', 'defaults', 'input', 'uci-fw4: not wanted');
    expect(tx.get('firewall', 'defaults', 'input')).toBe('ACCEPT');
    const [p] = tx.pending();
    expect(p!.after).toBe(FILES.firewall!.replace("\toption input 'ACCEPT'   # keep this comment\n", "\t# uci-fw4: not wanted\n\t# option input 'ACCEPT'   # keep this comment\n"));
    expect(p!.changes).toEqual(['-firewall.defaults.input']);
    expect(tx.pending()).toEqual([p]); // asked again: commented out once, not twice
  });

  it('comments out every line of a multi-line value', () => {
    const dir = makeConfdir(undefined, { firewall: "config zone 'z'\n\toption extra 'a\nb'\n\toption name 'z'\n" });
    const tx = new Transaction(dir);
    tx.commentOut('firewall', 'z', 'extra', 'note');
    expect(tx.pending()[0]!.after).toBe("config zone 'z'\n\t# note\n\t# option extra 'a\n# b'\n\toption name 'z'\n");
  });

  it('will not rewrite a file that is not UTF-8', () => {
    const dir = makeConfdir(undefined, { firewall: '' });
    writeFileSync(join(dir, 'firewall'), Buffer.from("config zone 'z'\n\toption name '\xff'\n", 'latin1'));
    const tx = new Transaction(dir);
    tx.set('firewall', 'z', 'input', 'accept');
    expect(() => tx.pending()).toThrow('firewall: the file is not valid UTF-8; not rewriting it');
  });
});
