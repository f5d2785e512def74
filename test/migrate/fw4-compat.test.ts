// fw4-compat: on every fw4 corpus config (with user comments added) fw4 loads the result with no
// deprecated / not-supported warning, renders the same ruleset apart from rule comments, the
// comments survive, and a second run changes no byte. Plus a hand-written fw3-era config whose
// migrated text is checked line by line.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnosticText, readMocksDir, SnapshotView, translateFirewall, type Translation } from '../../lib/fw4/index.js';
import { fw4Compat } from '../../lib/migrate/builtin/fw4-compat.js';
import { runMigrations } from '../../lib/migrate/runner.js';
import { parseDocument, type UciPackage } from '../../lib/uci/index.js';
import type { SystemView } from '../../lib/fw4/snapshot/types.js';
import { makeConfdir, snapshot } from './fixtures/confdir.js';

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
  return makeConfdir(undefined, { firewall });
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

describe('fw4-compat on a hand-kept fw3 config', () => {
  const fw3 = readFileSync(fileURLToPath(new URL('./fixtures/fw3-firewall', import.meta.url)), 'utf8');
  // A commented-out option keeps its line as written, under a note.
  const commentedOut = (why: string, line: string): [string, string] => [`\t${line}\n`, `\t# uci-fw4 fw4-compat: ${why}\n\t# ${line}\n`];
  const unsupported = (line: string): [string, string] => commentedOut(`option '${line.split(/\s+/)[1]}' is not supported by fw4`, line);
  // What each rule of the migration does to this file, line by line.
  const edits: Array<[string | RegExp, string | ((...m: string[]) => string)]> = [
    ['\toption syn_flood\t1\n', "\toption synflood_protect '1'\n"],
    [/\toption (input|output|forward|target)\t+([A-Z]+)\n/g, (_m, o, v) => `\toption ${o} '${v!.toLowerCase()}'\n`],
    unsupported('option disable_ipv6\t1'),
    unsupported("option extra_src\t'-m comment --comment lan'"),
    ['\toption _name\t\tAllow-SSH\n', "\toption name 'Allow-SSH'\n"],
    unsupported("option monthdays\t'1 15'"),
    commentedOut("option '_name' is deprecated by fw4 and superseded by option 'name'", "option _name\t\t'old label'"),
    commentedOut("option '_name' is deprecated by fw4; not renamed to 'name', which would change the log prefix", 'option _name\t\tLogged'),
    ['\toption _name\t\tWeb\n', "\toption name 'Web'\n"],
    unsupported("option extra\t\t'--random'"),
    unsupported('option storage\t\thash'),
    unsupported('option hashsize\t\t1024'),
  ];
  const expected = edits.reduce((text, [from, to]) => {
    const next = text.replace(from as string, to as string);
    if (next === text) throw new Error(`fixture does not contain ${String(from)}`);
    return next;
  }, fw3);

  it('renames, lower-cases and comments out as documented, reporting each change with its line', async () => {
    const dir = confdirWith(fw3);
    const [r] = await runMigrations([dir], [fw4Compat]);
    expect(readFileSync(join(dir, 'firewall'), 'utf8')).toBe(expected);
    expect(r!.files[0]!.changes.filter((c) => /^-firewall\.cfg\w+\.monthdays$/.test(c))).toHaveLength(1);
    const byLine = new Map(r!.notes.map((n) => [n.line, `${n.section} ${n.option}: ${n.message}`]));
    expect(byLine.get(3)).toBe("@defaults[0] syn_flood: renamed to 'synflood_protect' (fw3's name)");
    expect(byLine.get(20)).toBe("@zone[1] input: 'DROP' → 'drop'");
    expect(byLine.get(36)).toBe("@rule[1] _name: commented out: option '_name' is deprecated by fw4 and superseded by option 'name'");
    expect(byLine.get(71)).toBe('@ipset[0] netmask: left in place: not supported by fw4, and fw4 rejects its value, so the section is skipped either way');
    expect(r!.notes).toHaveLength(26);
  });

  it('fw4 loads the result without deprecated / not-supported warnings and renders the same ruleset apart from comments', async () => {
    const system = new SnapshotView({});
    const old = translate(fw3, undefined, system);
    const migrated = translate(expected, undefined, system);
    if (typeof old === 'string' || typeof migrated === 'string') throw new Error(`fw4 failed: ${String(old)} ${String(migrated)}`);
    expect(old.diagnostics.filter((d) => NOT_WANTED.test(d.message))).toHaveLength(9);
    expect(migrated.diagnostics.filter((d) => NOT_WANTED.test(d.message))).toEqual([]);
    expect(withoutComments(migrated)).toBe(withoutComments(old));
    expect(otherWarnings(migrated)).toEqual(otherWarnings(old));
    // the renamed _name shows up in the rule's comment
    expect(migrated.text).toContain('comment "!fw4: Allow-SSH"');
  });

  it('a second run finds nothing to change', async () => {
    const [r] = await runMigrations([confdirWith(expected)], [fw4Compat], { dryRun: true });
    expect(r).toMatchObject({ status: 'unchanged', files: [], notes: [expect.objectContaining({ option: 'netmask' })] });
  });
});
