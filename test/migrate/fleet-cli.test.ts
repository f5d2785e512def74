// `uci-fw4 migrate` over routers (issue 17), end to end: the command against `uci-fw4 serve`
// instances this test starts (each over its own copy of examples/config), beside confdirs.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../rpc/password.js';
import { tempFiles } from '../helpers/files.js';
import { fastCost, root, serve } from '../rpc/harness.js';
import { startProxy } from './fixtures/router.js';

const { dir: work, file } = tempFiles('fleet-cli-');
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops.splice(0)) await stop();
});

const PASSWORD = 'fleet-secret';
let made = 0;

interface Served {
  url: string;
  confdir: string;
  firewall(): string;
}

/** `uci-fw4 serve` over a fresh copy of examples/config, user root with `password` (a cheap scrypt). */
async function router(password = PASSWORD): Promise<Served> {
  const dir = join(work, `router${++made}`);
  const confdir = join(dir, 'config');
  cpSync(join(root, 'examples/config'), confdir, { recursive: true });
  const hash = await hashPassword(password, fastCost);
  writeFileSync(join(dir, 'server.ini'), [
    'listen = 127.0.0.1:0', 'confdir = config', `acl_dir = ${join(root, 'examples/acl.d')}`, 'log = false',
    '[user.root]', `password = ${hash}`, 'read = *', 'write = *',
  ].join('\n'));
  const s = await serve(['--settings', join(dir, 'server.ini')]);
  stops.push(s.stop);
  return { url: `${s.url}/ubus`, confdir, firewall: () => readFileSync(join(confdir, 'firewall'), 'utf8') };
}

function confdir(): string {
  const dir = join(work, `confdir${++made}`);
  cpSync(join(root, 'examples/config'), dir, { recursive: true });
  return dir;
}

// the lock-out story of docs/migrate.md: the wan zone's input policy
const migration = join(root, 'examples/migrations/wan-input-drop.mjs');
const ID = '2026-12-wan-input-drop';
const passwordFile = file('password', `${PASSWORD}\n`);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `uci-fw4 ARGS`, asynchronously: the routers' proxies run in this process. Standard input is
 * empty, or a pipe given `stdin` and closed, or (null) a pipe held open until the command exits.
 */
function cli(args: string[], cwd = work, env: NodeJS.ProcessEnv = {}, stdin?: string | null): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/uci-fw4.js'), ...args], {
      cwd, env: { ...process.env, UCI_FW4_PASSWORD: '', ...env }, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (typeof stdin === 'string') child.stdin!.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const migrate = (args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string | null) => cli(['migrate', ...args], work, env, stdin);

async function waitFor(done: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
}

const wanInput = (text: string) => /option name\s+'?wan'?[\s\S]*?option input\s+'?(\w+)'?/.exec(text)![1];

describe('uci-fw4 migrate over routers', () => {
  it('a mixed run: confdirs, --target and a --targets file, one table', async () => {
    const [a, b] = [await router(), await router()];
    const dir = confdir();
    const list = file('mixed.txt', `# two routers\n${b.url} root gw-b\n`);
    const run = await migrate(['--confdir', dir, '--target', a.url, '--targets', list, '--password-file', passwordFile, '--rollback-timeout', '5', migration]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n').slice(0, 4).map((l) => l.split(/\s{2,}/).slice(0, 4))).toEqual([
      ['TARGET', 'STATUS', 'FILES', 'APPLIED'],
      [dir, 'changed', '1', ID],
      [a.url, 'changed', '1', ID],
      ['gw-b', 'changed', '1', ID],
    ]);
    expect(run.stdout).toContain('3 targets: 3 changed, 0 unchanged, 0 failed, 0 rolled back\n');
    for (const text of [readFileSync(join(dir, 'firewall'), 'utf8'), a.firewall(), b.firewall()]) expect(wanInput(text)).toBe('DROP');
  });

  it('a wrong password fails that router only, named in the table; the password can come from the environment', async () => {
    const [good, other] = [await router(), await router('another password')];
    const list = file('pw.txt', `${good.url} root good\n${other.url} root other\n`);
    const run = await migrate(['--targets', list, '--rollback-timeout', '5', migration], { UCI_FW4_PASSWORD: PASSWORD });
    expect(run.status).toBe(1);
    const rows = run.stdout.split('\n');
    expect(rows.find((l) => l.startsWith('good '))).toMatch(new RegExp(`^good\\s+changed\\s+1\\s+${ID}$`));
    expect(rows.find((l) => l.startsWith('other '))).toMatch(/^other\s+failed\s+0\s+-\s+login as 'root' at \S+ failed: permission denied$/);
    expect(wanInput(other.firewall())).toBe('REJECT');
  });

  it('a bad targets file: exit 2 naming file:line, no router touched; no password: exit 2', async () => {
    const r = await router();
    const before = r.firewall();
    const list = file('bad.txt', `${r.url} root ok\n\n# next line is wrong\nftp://10.0.0.1 root\n`);
    const run = await migrate(['--targets', list, '--password-file', passwordFile, migration]);
    expect([run.status, run.stdout]).toEqual([2, '']);
    expect(run.stderr).toBe(`uci-fw4 migrate: ${list}:4: 'ftp://10.0.0.1': only http and https URLs are targets, not ftp\n`);
    // an empty UCI_FW4_PASSWORD (cli's default) is none, and an open standard input is not waited on
    const none = await migrate(['--target', r.url, migration], {}, null);
    expect([none.status, none.stdout]).toEqual([2, '']);
    expect(none.stderr).toBe("uci-fw4 migrate: no password for the targets: give --password-file FILE ('-': standard input), set UCI_FW4_PASSWORD, or run on a terminal to be asked\n");
    expect(r.firewall()).toBe(before);
  });

  it('the password from standard input with --password-file -', async () => {
    const r = await router();
    const run = await migrate(['--dry-run', '--target', r.url, '--password-file', '-', migration], {}, `${PASSWORD}\n`);
    expect(run.stderr).toContain('1 target: 1 changed');
    expect(run.status).toBe(0);
  });

  it('dry run: per router its uci changes and the diff of its export; nothing staged or written', async () => {
    const r = await router();
    const before = r.firewall();
    const list = file('dry.txt', `${r.url} root gw-dry\n`);
    const run = await migrate(['--dry-run', '--targets', list, '--password-file', passwordFile, migration]);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`# gw-dry (${r.url}): uci changes`);
    expect(lines[1]).toMatch(/^firewall\.cfg[0-9a-f]{6}\.input='DROP'$/);
    expect(lines[2]).toBe(`# gw-dry (${r.url}): uci export, before and after`);
    expect(lines.slice(3, 5)).toEqual(['--- a/firewall', '+++ b/firewall']);
    expect(run.stdout).toContain("-\toption input 'REJECT'\n+\toption input 'DROP'\n");
    expect(run.stderr).toMatch(/^TARGET\s+STATUS\s+FILES\s+WOULD APPLY/);
    expect(run.stderr).toContain('1 target: 1 changed, 0 unchanged, 0 failed, 0 rolled back (dry run, nothing written)');
    expect(r.firewall()).toBe(before);
  });

});

/** The ```console blocks of a section of docs/migrate.md: the command of the `$` line and its output. */
function docBlocks(section: string): { command: string; output: string }[] {
  const doc = readFileSync(join(root, 'docs/migrate.md'), 'utf8');
  const at = doc.indexOf(`\n## ${section}\n`);
  const text = doc.slice(at + 1, doc.indexOf('\n## ', at + 1) >>> 0);
  return [...text.matchAll(/```console\n\$ ([^\n]*)\n([\s\S]*?)```/g)].map((m) => ({ command: m[1]!, output: m[2]! }));
}

/** Ports are the run's own. */
const portless = (text: string) => text.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');

describe('the lock-out story of docs/migrate.md, replayed', () => {
  it('three routers, the third cut off once its apply went through: two changed, one rolled back, then restored by its own timer', async () => {
    const names = ['gw-north', 'gw-south', 'gw-east'];
    const routers = [await router(), await router(), await router()];
    const before = routers[2]!.firewall();
    // the change closes gw-east's management path: its proxy cuts every connection after the apply
    const proxy = await startProxy(routers[2]!.url, { dropAfterApply: true });
    const urls = [routers[0]!.url, routers[1]!.url, proxy.url];
    const story = join(work, 'story');
    mkdirSync(story);
    writeFileSync(join(story, 'fleet.txt'), `# the branch offices\n${urls.map((u, i) => `${u} root ${names[i]}`).join('\n')}\n`);
    writeFileSync(join(story, 'password'), `${PASSWORD}\n`);
    routers.forEach((r, i) => symlinkSync(dirname(r.confdir), join(story, names[i]!)));
    const blocks = docBlocks('Fleet');
    expect(blocks.map((b) => b.command.split(' ').slice(0, 3).join(' '))).toEqual([
      'cat fleet.txt', 'npx uci-fw4 migrate', 'npx uci-fw4 migrate', 'npx uci-fw4 uci', 'npx uci-fw4 uci',
    ]);
    expect(portless(readFileSync(join(story, 'fleet.txt'), 'utf8'))).toBe(portless(blocks[0]!.output));
    for (const { command, output } of blocks.slice(1)) {
      // the dry run's --target is gw-north
      const args = command.replace(/http:\/\/127\.0\.0\.1:\d+\/ubus/g, urls[0]!).split(' ').slice(2).map((a) => (a.endsWith('.mjs') ? join(root, a) : a));
      // the rollback: the router's timer restores the file byte for byte
      if (args[0] === 'uci') await waitFor(() => routers[2]!.firewall() === before, 20_000);
      const run = await cli(args, story);
      expect(portless(run.stdout + run.stderr), command).toBe(portless(output));
    }
    expect(routers[2]!.firewall()).toBe(before);
  });
});
