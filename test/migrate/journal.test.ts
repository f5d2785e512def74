import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commitFiles, hasPendingCommit, recover, stageFiles } from '../../lib/migrate/journal.js';
import { STATE_DIR } from '../../lib/migrate/state.js';
import { makeConfdir, tempDir } from './fixtures/confdir.js';

const child = fileURLToPath(new URL('./fixtures/crash-commit.mjs', import.meta.url));
const OLD = { firewall: 'old firewall\n', network: 'old network\n', dhcp: 'old dhcp\n' };
const NEW = { firewall: 'new firewall\n', network: 'new network\n', dhcp: 'new dhcp\n' };

function confdir(): string {
  return makeConfdir(undefined, OLD);
}

function contents(dir: string): Record<string, string> {
  return Object.fromEntries(Object.keys(OLD).map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
}

describe('commitFiles', () => {
  it('replaces every file and leaves no journal or staged file behind', async () => {
    const dir = confdir();
    await commitFiles(dir, Object.entries(NEW).map(([name, text]) => ({ name, text })));
    expect(contents(dir)).toEqual(NEW);
    expect(hasPendingCommit(dir)).toBe(false);
    expect(readdirSync(join(dir, STATE_DIR)).filter((f) => f.startsWith('stage'))).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['.uci-fw4', 'dhcp', 'firewall', 'network']);
  });

  it('keeps file modes and replaces the target of a symlinked config, not the link', async () => {
    const dir = confdir();
    const elsewhere = tempDir('journal-target-');
    writeFileSync(join(elsewhere, 'real'), 'old\n', { mode: 0o640 });
    symlinkSync(join(elsewhere, 'real'), join(dir, 'linked'));
    await commitFiles(dir, [{ name: 'linked', text: 'new\n' }, { name: 'created', text: 'x\n' }]);
    expect(lstatSync(join(dir, 'linked')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(elsewhere, 'real'), 'utf8')).toBe('new\n');
    expect(statSync(join(elsewhere, 'real')).mode & 0o777).toBe(0o640);
    expect(statSync(join(dir, 'created')).mode & 0o777).toBe(0o600);
  });

  // 3 staged files, the journal (the commit point), 3 renames: 7 steps, then completion.
  for (let step = 0; step <= 7; step++) {
    it(`a SIGKILL after step ${step} is finished or undone by recover, never mixed`, () => {
      const dir = confdir();
      const run = spawnSync(process.execPath, [child, dir, String(step)]);
      expect(run.signal).toBe(step < 7 ? 'SIGKILL' : null);
      const afterKill = contents(dir);
      const result = recover(dir);
      const after = contents(dir);
      if (step < 3) {
        expect(afterKill).toEqual(OLD);
        expect(result).toBe('undone');
        expect(after).toEqual(OLD);
      } else {
        expect(result).toBe(step < 7 ? 'finished' : 'clean');
        expect(after).toEqual(NEW);
      }
      expect(hasPendingCommit(dir)).toBe(false);
      expect(readdirSync(join(dir, STATE_DIR)).filter((f) => f.startsWith('stage'))).toEqual([]);
      expect(recover(dir)).toBe('clean');
    });
  }

  it('refuses to finish a commit whose staged file was altered after the commit point, and leaves it for inspection', () => {
    const dir = confdir();
    spawnSync(process.execPath, [child, dir, '4']);
    expect(readFileSync(join(dir, 'firewall'), 'utf8')).toBe(NEW.firewall);
    const network = readdirSync(join(dir, STATE_DIR)).find((f) => f.endsWith('.network'))!;
    writeFileSync(join(dir, STATE_DIR, network), 'tampered\n');
    expect(() => recover(dir)).toThrow(/\.network: staged file does not match its checksum/);
    expect(hasPendingCommit(dir)).toBe(true);
  });

  it('stages each file under its checksum and name, a state file too, and recover finishes from those names alone', () => {
    const dir = confdir();
    const applied = `${STATE_DIR}/applied`;
    mkdirSync(join(dir, STATE_DIR)); // made by the confdir lock in a run
    stageFiles(dir, [{ name: 'firewall', text: NEW.firewall }, { name: applied, text: 'id\t2026-01-01T00:00:00.000Z\n' }]);
    expect(readdirSync(join(dir, STATE_DIR)).sort()).toEqual([
      `stage.${createHash('sha256').update(NEW.firewall).digest('hex')}.firewall`,
      `stage.${createHash('sha256').update('id\t2026-01-01T00:00:00.000Z\n').digest('hex')}.${encodeURIComponent(applied)}`,
    ].sort());
    writeFileSync(join(dir, STATE_DIR, 'committed'), '');
    expect(hasPendingCommit(dir)).toBe(true);
    expect(recover(dir)).toBe('finished');
    expect(contents(dir)).toEqual({ ...OLD, firewall: NEW.firewall });
    expect(readFileSync(join(dir, applied), 'utf8')).toBe('id\t2026-01-01T00:00:00.000Z\n');
    expect(readdirSync(join(dir, STATE_DIR))).toEqual(['applied']);
  });

  it('finishes a commit left in the earlier format (numbered staged files, JSON journal) and drops a stray journal.tmp', () => {
    const dir = confdir();
    const state = join(dir, STATE_DIR);
    mkdirSync(state);
    const sha = (t: string): string => createHash('sha256').update(t).digest('hex');
    // firewall was renamed before the interruption; network and dhcp are still staged
    writeFileSync(join(dir, 'firewall'), NEW.firewall);
    writeFileSync(join(state, 'stage-1'), NEW.network);
    writeFileSync(join(state, 'stage-2'), NEW.dhcp);
    const files = (['firewall', 'network', 'dhcp'] as const).map((name, i) => ({ name, stage: `stage-${i}`, sha256: sha(NEW[name]), mode: 0o640 }));
    writeFileSync(join(state, 'journal'), JSON.stringify({ version: 1, files }) + '\n');
    writeFileSync(join(state, 'journal.tmp'), '{"version":1,');
    expect(recover(dir)).toBe('finished');
    expect(contents(dir)).toEqual(NEW);
    expect(statSync(join(dir, 'dhcp')).mode & 0o777).toBe(0o640);
    expect(readdirSync(state)).toEqual([]);
  });

  it('undoes an earlier-format commit that had not reached its commit point', () => {
    const dir = confdir();
    mkdirSync(join(dir, STATE_DIR));
    writeFileSync(join(dir, STATE_DIR, 'stage-0'), NEW.firewall);
    writeFileSync(join(dir, STATE_DIR, 'journal.tmp'), '{"version":1,"files":[]}\n');
    expect(recover(dir)).toBe('undone');
    expect(contents(dir)).toEqual(OLD);
    expect(readdirSync(join(dir, STATE_DIR))).toEqual([]);
  });

  it('creates nothing when there is nothing to write', async () => {
    const dir = confdir();
    await commitFiles(dir, []);
    expect(existsSync(join(dir, STATE_DIR))).toBe(false);
    mkdirSync(join(dir, 'sub'));
    expect(recover(dir)).toBe('clean');
  });
});
