// fw4-compat: on every fw4 corpus config (with user comments added) fw4 loads the result with no
// deprecated / not-supported warning, renders the same ruleset apart from rule comments, the
// comments survive, and a second run changes no byte. Plus a hand-written fw3-era config whose
// migrated text is checked line by line.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnosticText, readMocksDir, SnapshotView, translateFirewall, type Translation } from '../../lib/fw4/index.js';
import { fw4Compat } from '../../lib/migrate/builtin/fw4-compat.js';
import { runMigrations } from '../../lib/migrate/runner.js';
import { parseDocument, type UciPackage } from '../../lib/uci/index.js';
import type { SystemView } from '../../lib/fw4/snapshot/types.js';
import { snapshot } from './fixtures/confdir.js';

const corpus = fileURLToPath(new URL('../../../shared/fw4-corpus/cases', import.meta.url));
const NOT_WANTED = /is deprecated by fw4|is not supported by fw4/;

function pkg(text: string, name: string): UciPackage {
  return parseDocument(text, { name }).toPackage();
}

function translate(firewall: string, helpers: UciPackage | undefined, system: SystemView): Translation | string {
  try {
    return translateFirewall({ firewall: pkg(firewall, 'firewall'), ...(helpers ? { helpers } : {}), system });
  } catch (e) {
    return `fw4 fails: ${(e as Error).message}`;
  }
}

/** The ruleset without the `comment "…"` of each rule (the only thing fw4-compat may change). */
function withoutComments(t: Translation | string): string {
  return typeof t === 'string' ? t : t.text.replace(/ comment "(?:[^"\\]|\\.)*"/g, '');
}

/** Warnings other than deprecated / not supported, by section id and message (labels may change with `name`). */
function otherWarnings(t: Translation | string): string[] {
  if (typeof t === 'string') return [t];
  return t.diagnostics.filter((d) => !NOT_WANTED.test(d.message)).map((d) => `${d.section?.id ?? ''} ${d.message}`);
}

/** Adds a user comment above every section and at both ends of the file. */
function withComments(text: string): { text: string; comments: string[] } {
  const comments: string[] = [];
  const out = text.split('\n').map((line) => {
    if (!line.startsWith('config ')) return line;
    const c = `# user note ${comments.length}: ${line}`;
    comments.push(c);
    return `${c}\n${line}`;
  });
  comments.unshift('# head comment');
  comments.push('# tail comment');
  return { text: `# head comment\n${out.join('\n')}\n# tail comment\n`, comments };
}

function confdirWith(firewall: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fw4-compat-'));
  writeFileSync(join(dir, 'firewall'), firewall);
  return dir;
}

const cases = existsSync(corpus) ? readdirSync(corpus).sort() : [];

describe.skipIf(!existsSync(corpus))('fw4-compat on every fw4 corpus config (needs ../shared)', () => {
  let changedCases = 0;
  it.each(cases)('%s', async (name) => {
    const dir = join(corpus, name);
    const { text: before, comments } = withComments(readFileSync(join(dir, 'config/firewall'), 'utf8'));
    const helpersFile = join(dir, 'config/helpers');
    const helpers = existsSync(helpersFile) ? pkg(readFileSync(helpersFile, 'utf8'), 'helpers') : undefined;
    const system = new SnapshotView(readMocksDir(join(dir, 'mocks')));

    const confdir = confdirWith(before);
    const [result] = await runMigrations([confdir], [fw4Compat]);
    expect(result!.status, result!.reason).not.toBe('failed');
    const after = readFileSync(join(confdir, 'firewall'), 'utf8');
    if (after !== before) changedCases++;

    const old = translate(before, helpers, system);
    const migrated = translate(after, helpers, system);
    if (typeof migrated !== 'string') {
      expect(migrated.diagnostics.map(diagnosticText).filter((m) => NOT_WANTED.test(m))).toEqual([]);
    }
    expect(withoutComments(migrated)).toBe(withoutComments(old));
    expect(otherWarnings(migrated)).toEqual(otherWarnings(old));

    // user comments kept, in order
    const kept = after.split('\n').filter((l) => l.startsWith('# ') && !l.includes('uci-fw4'));
    expect(kept).toEqual(comments);
    // every change is reported with section and line
    for (const n of result!.notes) {
      expect(n.section).toBeTruthy();
      expect(n.line).toBeGreaterThan(0);
    }

    // a second run: the runner skips it (applied record), and the migration itself finds nothing to do
    const state = snapshot(confdir);
    const [again] = await runMigrations([confdir], [fw4Compat]);
    expect(again!.skipped).toEqual(['fw4-compat']);
    expect(snapshot(confdir)).toEqual(state);
    const fresh = confdirWith(after);
    const [rerun] = await runMigrations([fresh], [fw4Compat], { dryRun: true });
    expect(rerun!.status).toBe('unchanged');
    expect(rerun!.files).toEqual([]);
  });

  it('changed some configs (the corpus has fw3-era options)', () => {
    expect(changedCases).toBeGreaterThan(0);
  });
});
