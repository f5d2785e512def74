import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync,
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

  // 3 staged files, journal written, commit point, 3 renames: 8 durable steps, then completion.
  for (let step = 0; step <= 8; step++) {
    it(`a SIGKILL after durable step ${step} is finished or undone by recover, never mixed`, () => {
      const dir = confdir();
      const run = spawnSync(process.execPath, [child, dir, String(step)]);
      expect(run.signal).toBe(step < 8 ? 'SIGKILL' : null);
      const afterKill = contents(dir);
      const result = recover(dir);
      const after = contents(dir);
      if (step < 4) {
        expect(afterKill).toEqual(OLD);
        expect(result).toBe('undone');
        expect(after).toEqual(OLD);
      } else {
        expect(result).toBe(step < 8 ? 'finished' : 'clean');
        expect(after).toEqual(NEW);
      }
      expect(hasPendingCommit(dir)).toBe(false);
      expect(readdirSync(join(dir, STATE_DIR)).filter((f) => f.startsWith('stage-'))).toEqual([]);
      expect(recover(dir)).toBe('clean');
    });
  }

  it('refuses to finish a journal whose staged file was altered, and leaves it for inspection', () => {
    const dir = confdir();
    spawnSync(process.execPath, [child, dir, '4']);
    writeFileSync(join(dir, STATE_DIR, 'stage-1'), 'tampered\n');
    expect(() => recover(dir)).toThrow(/does not match the journal/);
    expect(existsSync(join(dir, STATE_DIR, 'journal'))).toBe(true);
  });

  it('creates nothing when there is nothing to write', () => {
    const dir = confdir();
    commitFiles(dir, []);
    expect(existsSync(join(dir, STATE_DIR))).toBe(false);
    mkdirSync(join(dir, 'sub'));
    expect(recover(dir)).toBe('clean');
  });
});
