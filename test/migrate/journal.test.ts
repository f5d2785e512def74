import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commitFiles, hasPendingCommit, recover } from '../../lib/migrate/journal.js';
import { STATE_DIR } from '../../lib/migrate/state.js';

const child = fileURLToPath(new URL('./fixtures/crash-commit.mjs', import.meta.url));
const OLD = { firewall: 'old firewall\n', network: 'old network\n', dhcp: 'old dhcp\n' };
const NEW = { firewall: 'new firewall\n', network: 'new network\n', dhcp: 'new dhcp\n' };

function confdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'journal-'));
  for (const [name, text] of Object.entries(OLD)) writeFileSync(join(dir, name), text);
  return dir;
}

function contents(dir: string): Record<string, string> {
  return Object.fromEntries(Object.keys(OLD).map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
}

describe('commitFiles', () => {
  it('replaces every file and leaves no journal or staged file behind', () => {
    const dir = confdir();
    commitFiles(dir, Object.entries(NEW).map(([name, text]) => ({ name, text })));
    expect(contents(dir)).toEqual(NEW);
    expect(hasPendingCommit(dir)).toBe(false);
    expect(readdirSync(join(dir, STATE_DIR)).filter((f) => f.startsWith('stage-'))).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['.uci-fw4', 'dhcp', 'firewall', 'network']);
  });

  it('keeps file modes and replaces the target of a symlinked config, not the link', () => {
    const dir = confdir();
    const elsewhere = mkdtempSync(join(tmpdir(), 'journal-target-'));
    writeFileSync(join(elsewhere, 'real'), 'old\n', { mode: 0o640 });
    symlinkSync(join(elsewhere, 'real'), join(dir, 'linked'));
    commitFiles(dir, [{ name: 'linked', text: 'new\n' }, { name: 'created', text: 'x\n' }]);
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
      expect(readdirSync(join(dir, STATE_DIR)).filter((f) => f.startsWith('stage-'))).toEqual([]);
      expect(recover(dir)).toBe('clean');
    });
  }

  // What a power loss before the first sync can leave: the journal on disk, not all it names.
  it('undoes a commit whose journal is torn (cut short by a crash while it was written)', () => {
    const dir = confdir();
    spawnSync(process.execPath, [child, dir, '3']);
    const journal = join(dir, STATE_DIR, 'journal');
    writeFileSync(journal, readFileSync(journal, 'utf8').slice(0, 40));
    expect(recover(dir)).toBe('undone');
    expect(contents(dir)).toEqual(OLD);
    expect(readdirSync(join(dir, STATE_DIR))).toEqual([]);
  });

  it('undoes a commit whose staged file is missing or incomplete, no rename having happened', () => {
    for (const damage of [(f: string) => unlinkSync(f), (f: string) => writeFileSync(f, 'new fire')]) {
      const dir = confdir();
      spawnSync(process.execPath, [child, dir, '3']);
      damage(join(dir, STATE_DIR, 'stage-1'));
      expect(recover(dir)).toBe('undone');
      expect(contents(dir)).toEqual(OLD);
      expect(readdirSync(join(dir, STATE_DIR))).toEqual([]);
    }
  });

  it('refuses to finish a journal whose staged file was altered after a rename, and leaves it for inspection', () => {
    const dir = confdir();
    spawnSync(process.execPath, [child, dir, '4']);
    expect(readFileSync(join(dir, 'firewall'), 'utf8')).toBe(NEW.firewall);
    writeFileSync(join(dir, STATE_DIR, 'stage-1'), 'tampered\n');
    expect(() => recover(dir)).toThrow(/stage-1: staged file does not match the journal/);
    expect(existsSync(join(dir, STATE_DIR, 'journal'))).toBe(true);
  });

  it('finishes a commit left by the earlier format (journal.tmp renamed to journal) and drops a stray journal.tmp', () => {
    const dir = confdir();
    spawnSync(process.execPath, [child, dir, '3']);
    writeFileSync(join(dir, STATE_DIR, 'journal.tmp'), '{"version":1,');
    expect(recover(dir)).toBe('finished');
    expect(contents(dir)).toEqual(NEW);
    expect(readdirSync(join(dir, STATE_DIR))).toEqual([]);
  });

  it('creates nothing when there is nothing to write', () => {
    const dir = confdir();
    commitFiles(dir, []);
    expect(existsSync(join(dir, STATE_DIR))).toBe(false);
    mkdirSync(join(dir, 'sub'));
    expect(recover(dir)).toBe('clean');
  });
});
