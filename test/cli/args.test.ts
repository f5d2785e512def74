// The arguments of fw4, migrate, serve and passwd (node:util parseArgs), one name for the
// confdir everywhere (--confdir; fw4 also takes --config), and the errors for inputs a command
// cannot use: each names the path and says what is wrong, never a bare errno or JSON.parse's words.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fw4, repo } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const confdir = join(dir, 'config');
cpSync(join(repo, 'examples/config'), confdir, { recursive: true });
const snapshot = join(repo, 'examples/snapshot.json');
const missing = join(dir, 'none');
mkdirSync(join(dir, 'empty'));
writeFileSync(join(dir, 'a-file'), '');

function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(repo, 'bin/uci-fw4.js'), ...args], { cwd: dir, encoding: 'utf8', input: '' });
}

/** The first line of stderr: the message, before any usage text. */
const firstLine = (r: { stderr: string }) => r.stderr.split('\n')[0];

describe('fw4: --confdir, and --config as another name for it', () => {
  it('prints the same ruleset with either name, and refuses two different directories', () => {
    const a = fw4('print', '--confdir', confdir, '--snapshot', snapshot);
    expect(a.status).toBe(0);
    expect(a.stdout).toMatch(/^table inet fw4\n/);
    expect(fw4('print', '--config', confdir, '--snapshot', snapshot).stdout).toBe(a.stdout);
    expect(fw4('print', `--confdir=${confdir}`, `--config=${confdir}`, '--snapshot', snapshot).stdout).toBe(a.stdout);
    const both = fw4('print', '--confdir', confdir, '--config', join(dir, 'empty'), '--snapshot', snapshot);
    expect([both.status, firstLine(both)]).toEqual([1, 'uci-fw4 fw4 print: --confdir and --config name the same directory: give one']);
  });

  it('names what is missing or unknown, with the usage', () => {
    const cases: [string[], string][] = [
      [['print', '--snapshot', snapshot], '--confdir is required'],
      [['print', '--bogus'], "unknown option '--bogus'"],
      [['print', '--confdir'], "option '--confdir <value>' argument missing"],
      [['print', '--confdir', confdir, '--snapshot', snapshot, 'extra'], "unexpected argument 'extra'"],
      [['check', '--fix', '--confdir', confdir, '--snapshot', snapshot], "unknown option '--fix'"],
      [['print', '--json', '--confdir', confdir, '--snapshot', snapshot], "unknown option '--json'"],
    ];
    for (const [args, message] of cases) {
      const r = fw4(...args);
      expect([r.status, firstLine(r)], args.join(' ')).toEqual([1, `uci-fw4 fw4 ${args[0]}: ${message}`]);
      expect(r.stderr).toContain(`Usage: uci-fw4 fw4 ${args[0]} --confdir <dir>`);
    }
  });

  it('a confdir that is missing, a file, or without a firewall config: the path and what is wrong', () => {
    const cases: [string, string][] = [
      [missing, `${missing}: cannot read the confdir: no such file or directory`],
      [join(dir, 'a-file'), `${join(dir, 'a-file')}: the confdir is not a directory`],
      [join(dir, 'empty'), `${join(dir, 'empty', 'firewall')}: cannot read the firewall config: no such file or directory`],
    ];
    for (const command of ['print', 'check', 'offload']) {
      for (const [path, message] of cases) {
        const r = fw4(command, '--confdir', path, '--snapshot', snapshot);
        expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 1, stdout: '', stderr: `uci-fw4 fw4 ${command}: ${message}\n` });
      }
    }
  });

  it('a snapshot that is missing, is not JSON, or names a missing helpers file: the path and what is wrong', () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "ubus": {},\n  "files": { "/proc/version" "x" }\n}\n');
    const truncated = join(dir, 'truncated.json');
    writeFileSync(truncated, readFileSync(snapshot, 'utf8').slice(0, 100));
    const cases: [string[], string][] = [
      [['--snapshot', missing], `${missing}: cannot read the snapshot: no such file or directory`],
      [['--snapshot', broken], `${broken}: the snapshot is not valid JSON: Expected ':' after property name at line 3, column 30`],
      [['--snapshot', truncated], `${truncated}: the snapshot is not valid JSON: Unexpected end of JSON input`],
      [['--snapshot', snapshot, '--helpers', missing], `${missing}: cannot read the helpers config: no such file or directory`],
    ];
    for (const [args, message] of cases) {
      const r = fw4('print', '--confdir', confdir, ...args);
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 1, stdout: '', stderr: `uci-fw4 fw4 print: ${message}\n` });
    }
  });
});

describe('migrate, serve and passwd', () => {
  it('migrate: a confdir that does not exist stops the run before any confdir is touched (exit 2)', () => {
    const before = readFileSync(join(confdir, 'firewall'), 'utf8');
    const r = cli('migrate', '--confdir', confdir, '--confdir', 'router9', 'fw4-compat');
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr })
      .toEqual({ status: 2, stdout: '', stderr: 'uci-fw4 migrate: router9: cannot read the confdir: no such file or directory\n' });
    expect(readFileSync(join(confdir, 'firewall'), 'utf8')).toBe(before);
  });

  it('migrate: flags as node parses them, with exit 2', () => {
    for (const [args, message] of [
      [['--confdir'], "option '--confdir <value>' argument missing"],
      [['--confdir', confdir, '--timeout', '0', 'fw4-compat'], '--timeout needs a number of seconds above 0'],
      [['--confdir', '', 'fw4-compat'], '--confdir needs a directory'],
      [['--dry-run=yes', '--confdir', confdir, 'fw4-compat'], "option '--dry-run' does not take an argument"],
    ] as [string[], string][]) {
      const r = cli('migrate', ...args);
      expect([r.status, firstLine(r)], args.join(' ')).toEqual([2, `uci-fw4 migrate: ${message}`]);
    }
  });

  it('serve: a confdir that does not exist is refused before listening', () => {
    const r = cli('serve', '--listen', '127.0.0.1:0', '--confdir', missing);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: `uci-fw4 serve: ${missing}: cannot read the confdir: no such file or directory\n` });
    const bad = cli('serve', '--listen');
    expect([bad.status, firstLine(bad)]).toEqual([1, "uci-fw4 serve: option '--listen <value>' argument missing"]);
  });

  it('passwd: takes no arguments but --help', () => {
    const r = cli('passwd', 'root');
    expect([r.status, firstLine(r)]).toEqual([1, "uci-fw4 passwd: unexpected argument 'root'"]);
    expect(cli('passwd', '-h')).toMatchObject({ status: 0, stdout: expect.stringMatching(/^Usage: uci-fw4 passwd\n/) });
  });
});
