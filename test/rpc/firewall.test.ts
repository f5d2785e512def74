// The firewall object: fw4's ruleset and findings for the config as the session sees it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fw4 } from '../helpers/cli.js';
import { rpcObjects } from '../../rpc/objects/index.js';
import { call, login, startHarness, type Harness } from './harness.js';
import { deriveSnapshot, notesText } from '../../lib/fw4/index.js';
import { parseDocument } from '../../lib/uci/index.js';

let h: Harness;
let a: string;
let b: string;
const fw = (sid: string, method: string) => call(h.url, sid, 'firewall', method, {});

/** The `uci-fw4 fw4` command on the same confdir and snapshot: what the object must answer. */
function cli(command: string, ...extra: string[]) {
  return fw4(command, '--config', h.confdir, '--snapshot', join(h.dir, 'snapshot.json'), ...extra);
}

beforeAll(async () => {
  h = await startHarness({
    objects: rpcObjects,
    extraIni: 'snapshot = snapshot.json',
    users: [
      { name: 'root', password: 'secret', read: '*', write: '*' },
      { name: 'netonly', password: 'pw', read: 'fw-no-uci' },
    ],
    acl: { 'fw.json': { 'fw-no-uci': { read: { ubus: { firewall: ['print', 'check', 'offload'] }, uci: ['network'] } } } },
  });
  a = await login(h.url);
  b = await login(h.url);
});
afterAll(() => h.close());

describe('firewall', () => {
  it('answers 4 while the settings name no readable snapshot', async () => {
    expect(await fw(a, 'print')).toEqual([4]);
  });

  it('print: the ruleset and warnings of `fw4 print`, byte for byte', async () => {
    writeFileSync(join(h.dir, 'snapshot.json'), '{}');
    const expected = cli('print');
    expect(expected.status).toBe(0);
    expect(await fw(a, 'print')).toEqual([0, { ruleset: expected.stdout, warnings: expected.stderr }]);
  });

  it("renders a session's staged changes for that session only", async () => {
    expect(await call(h.url, a, 'uci', 'set', { config: 'firewall', section: '@defaults[0]', values: { input: 'DROP' } })).toEqual([0]);
    const [, mine] = await fw(a, 'print');
    const [, theirs] = await fw(b, 'print');
    expect(mine!.ruleset).not.toBe(theirs!.ruleset);
    expect(theirs!.ruleset).toBe(cli('print').stdout);
    expect(await call(h.url, a, 'uci', 'revert', { config: 'firewall' })).toEqual([0]);
    expect((await fw(a, 'print'))[1]!.ruleset).toBe(theirs!.ruleset);
  });

  it('check: the findings of `fw4 check` with their lines', async () => {
    const expected = cli('check');
    expect(expected.status).toBe(1);
    const [status, d] = await fw(a, 'check');
    expect(status).toBe(0);
    // the command names the file by its path, the object by its config name
    const got = (d!.findings as { file: string; line?: number; message: string }[]).map(
      (f) => `${f.file === 'firewall' ? `${h.confdir}/firewall` : f.file}${f.line !== undefined ? `:${f.line}` : ''}: ${f.message}\n`,
    );
    // uci-fw4's notes (here: the snapshot has no kernel version) come first, as the command prints them
    expect(notesText((d!.notes as string[] | undefined) ?? []) + got.join('')).toBe(expected.stderr);
    expect(got.length).toBeGreaterThan(1);
  });

  it('needs read access to the firewall config (scope uci): status 6', async () => {
    const net = await login(h.url, 'netonly', 'pw');
    expect(await fw(net, 'print')).toEqual([6]);
    expect(await fw(net, 'check')).toEqual([6]);
    expect(await fw(net, 'offload')).toEqual([6]);
  });

  it('offload: the report of `fw4 offload --json`', async () => {
    const expected = cli('offload', '--json');
    expect(expected.status).toBe(0);
    expect(await fw(a, 'offload')).toEqual([0, JSON.parse(expected.stdout)]);
  });

  it("where fw4 crashes: status 9 with fw4's error and the warnings it printed before (`fw4 print`'s stderr)", async () => {
    const crashing = "config defaults\n\toption drop_invalid 'maybe'\n";
    writeFileSync(join(h.confdir, 'firewall'), crashing);
    const expected = cli('print');
    expect(expected.status).toBe(254);
    const warning = "[!] Section @defaults[0] option 'drop_invalid' specifies invalid value 'maybe'\n";
    const error = 'Reference error: left-hand side expression is not an array or object';
    expect(expected.stderr).toBe(`${warning}${error}\n`);
    expect(await fw(a, 'print')).toEqual([9, { error, warnings: warning }]);
  });

  it('serving a derived snapshot: its notes come first, as `fw4 print` prints them, also where fw4 crashes', async () => {
    const network = parseDocument(readFileSync(join(h.confdir, 'network'), 'utf8'), { name: 'network' }).toPackage();
    writeFileSync(join(h.dir, 'snapshot.json'), JSON.stringify(deriveSnapshot({ network })));
    writeFileSync(join(h.confdir, 'firewall'), "config defaults\n\toption drop_invalid 'maybe'\n");
    const expected = cli('print');
    expect(expected.stderr).toMatch(/^note: no snapshot: the system is derived from the confdir's network config, assuming:\n/);
    const [status, d] = await fw(a, 'print');
    expect(status).toBe(9);
    expect(d!.warnings).toBe(expected.stderr.slice(0, expected.stderr.lastIndexOf('Reference error')));
  });
});
