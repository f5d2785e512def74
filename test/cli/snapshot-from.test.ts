// `uci-fw4 snapshot from` against `uci-fw4 serve` standing in for a router: the served confdir
// and snapshot come back, and a user whose ACL forbids part of them gets the rest, with each
// refused part named and why. The server answers with LuCI's own ACL groups (../shared/luci-acl).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalBody } from '../../lib/uci/export.js';
import { parseDocument } from '../../lib/uci/index.js';
import type { SystemSnapshot } from '../../lib/fw4/index.js';
import { hashPassword } from '../../rpc/password.js';
import { fastCost, root } from '../rpc/harness.js';

const bin = join(root, 'bin/uci-fw4.js');
const luciAcl = join(root, '../shared/luci-acl/luci-base.json');
const dir = mkdtempSync(join(tmpdir(), 'uci-fw4-snapshot-from-'));
// the objects LuCI's pages read besides uci (network, luci-rpc, file, system): not on main yet
const serverHasNetworkObjects = existsSync(join(root, 'rpc/objects/network.ts'));

let url = '';
let stop: () => Promise<void> = async () => {};

beforeAll(async () => {
  cpSync(join(root, 'examples/config'), join(dir, 'config'), { recursive: true });
  cpSync(join(root, 'examples/snapshot.json'), join(dir, 'snapshot.json'));
  cpSync(join(root, 'examples/acl.d'), join(dir, 'acl.d'), { recursive: true });
  if (existsSync(luciAcl)) cpSync(luciAcl, join(dir, 'acl.d/luci-base.json'));
  // what LuCI's groups leave out and a snapshot needs: root (read = *) gets it, the viewer not
  writeFileSync(join(dir, 'acl.d/snapshot-reader.json'), JSON.stringify({
    'snapshot-reader': {
      description: 'read a firewall snapshot',
      read: {
        ubus: { 'network.device': ['status'], service: ['get_data'], file: ['read', 'list', 'stat', 'exec'], system: ['board'] },
        file: { '/proc/version': ['read'], '/sys/*': ['read', 'list'], '/usr/sbin/nft *': ['exec'] },
      },
    },
  }));
  // a user who may read the firewall config and the interfaces, nothing else
  writeFileSync(join(dir, 'acl.d/viewer.json'), JSON.stringify({
    'firewall-viewer': { description: 'firewall only', read: { ubus: { uci: ['get'], 'network.interface': ['dump'] }, uci: ['firewall'] } },
  }));
  writeFileSync(join(dir, 'server.ini'), [
    'listen = 127.0.0.1:0', 'confdir = config', 'acl_dir = acl.d', 'snapshot = snapshot.json', 'log = false',
    '[user.root]', `password = ${await hashPassword('rootpw', fastCost)}`, 'read = *', 'write = *',
    '[user.viewer]', `password = ${await hashPassword('viewerpw', fastCost)}`, 'read = unauthenticated firewall-viewer',
  ].join('\n'));
  writeFileSync(join(dir, 'rootpw'), 'rootpw\n');
  const child = spawn(process.execPath, [bin, 'serve', '--settings', join(dir, 'server.ini')], { stdio: ['ignore', 'ignore', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+\/ubus)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  stop = () => new Promise((done) => { child.once('exit', () => done()); child.kill('SIGTERM'); });
});

afterAll(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

function from(user: string, out: string, env: Record<string, string> = {}, extra: string[] = []) {
  const r = spawnSync(process.execPath, [bin, 'snapshot', 'from', '--url', url, '--user', user, '--save-config', join(dir, out), '--output', join(dir, `${out}.json`), ...extra], {
    encoding: 'utf8', env: { ...process.env, QUIET: '', ...env },
  });
  const snapshot = r.status === 0 ? (JSON.parse(readFileSync(join(dir, `${out}.json`), 'utf8')) as SystemSnapshot) : null;
  return { status: r.status, stderr: r.stderr, snapshot };
}

/**
 * `snapshot from` as root with standard input a pipe: `input` written and closed, or (undefined)
 * held open. A command still waiting after 10 s is killed (status null).
 */
function fromPiped(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'snapshot', 'from', '--url', url, '--user', 'root', ...args], { env: { ...env, QUIET: '' }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ status, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

const canonical = (file: string, name: string) => canonicalBody(parseDocument(readFileSync(file, 'utf8'), { name }).toPackage());

function fw4Print(confdir: string, snapshot: string) {
  return spawnSync(process.execPath, [bin, 'fw4', 'print', '--config', confdir, '--snapshot', snapshot], { encoding: 'utf8', env: { ...process.env, QUIET: '1' } });
}

describe('uci-fw4 snapshot from, against uci-fw4 serve', () => {
  it('brings the served confdir back, and names each part the server did not give with its reason', () => {
    const r = from('root', 'full', {}, ['--password-file', join(dir, 'rootpw')]);
    expect(r.status, r.stderr).toBe(0);
    for (const pkg of ['firewall', 'network']) expect(readFileSync(join(dir, 'full', pkg), 'utf8')).toBe(canonical(join(dir, 'config', pkg), pkg));
    const m = /read (\d+) of (\d+) parts/.exec(r.stderr);
    expect(m).not.toBeNull();
    const unread = r.stderr.split('\n').filter((l) => l.includes('could not read'));
    expect(unread.length).toBe(Number(m![2]) - Number(m![1]));
    for (const line of unread) expect(line).toMatch(/could not read .+ \(ubus call \S+ \S+.*\): \S/);
    // the served snapshot has no wireless config: uci get answers not found
    expect(r.stderr).toContain('could not read config wireless (ubus call uci get {"config":"wireless"}): ');
  });

  it.skipIf(!serverHasNetworkObjects)('brings the served snapshot back: the same ruleset from the fetched confdir and snapshot (needs rpc/objects/network.ts)', () => {
    const r = from('root', 'again', { UCI_FW4_PASSWORD: 'rootpw' });
    expect(r.status, r.stderr).toBe(0);
    const served = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8')) as SystemSnapshot;
    expect(r.snapshot!.ubus!['network.interface~dump']).toEqual(served.ubus!['network.interface~dump']);
    const want = fw4Print(join(dir, 'config'), join(dir, 'snapshot.json'));
    const got = fw4Print(join(dir, 'again'), join(dir, 'again.json'));
    expect(got.stdout).toBe(want.stdout);
  });

  it('gives a user whose ACL forbids part of it the rest, naming what was refused', () => {
    const r = from('viewer', 'viewer', { UCI_FW4_PASSWORD: 'viewerpw' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'viewer', 'firewall'), 'utf8')).toBe(canonical(join(dir, 'config', 'firewall'), 'firewall'));
    expect(existsSync(join(dir, 'viewer', 'network'))).toBe(false);
    expect(r.stderr).toContain('could not read config network (ubus call uci get {"config":"network"}): permission denied');
    // an object the server has but the ACL does not grant: uhttpd's "Access denied"; one the
    // server lacks (before the network objects land on main): "Object not found"
    const refused = serverHasNetworkObjects ? 'Access denied' : 'Object not found';
    expect(r.stderr).toContain(`could not read network.device status (ubus call network.device status): ${refused}`);
    if (serverHasNetworkObjects) expect(r.snapshot!.ubus!['network.interface~dump']).toBeDefined();
    expect(r.snapshot!.ubus!['network.device~status']).toBeUndefined();
  });

  it('refuses a wrong password without writing anything, and never takes one from the command line', () => {
    const r = from('root', 'wrong', { UCI_FW4_PASSWORD: 'nope' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/login as 'root' at .* failed: permission denied/);
    expect(existsSync(join(dir, 'wrong.json'))).toBe(false);
    const p = spawnSync(process.execPath, [bin, 'snapshot', 'from', '--url', url, '--user', 'root', '--password', 'rootpw'], { encoding: 'utf8' });
    expect(p.status).toBe(1);
    expect(p.stderr).toContain("uci-fw4 snapshot from: unknown option '--password'");
  });

  it('takes the password from standard input only with --password-file -; with none it stops at once, naming where one may come from', async () => {
    const { UCI_FW4_PASSWORD: _, ...unset } = process.env;
    const piped = await fromPiped(['--password-file', '-', '--output', join(dir, 'piped.json')], unset, 'rootpw\n');
    expect(piped.status, piped.stderr).toBe(0);
    expect(existsSync(join(dir, 'piped.json'))).toBe(true);
    // no file, the variable unset or empty, standard input an open pipe (not a terminal)
    for (const env of [unset, { ...unset, UCI_FW4_PASSWORD: '' }]) {
      const none = await fromPiped(['--output', join(dir, 'none.json')], env);
      expect(none).toEqual({
        status: 1,
        stderr: "uci-fw4 snapshot from: no password for the router: give --password-file FILE ('-': standard input), set UCI_FW4_PASSWORD, or run on a terminal to be asked\n",
      });
    }
    const missing = from('root', 'missing', {}, ['--password-file', join(dir, 'nope')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`uci-fw4 snapshot from: ${join(dir, 'nope')}: cannot read the password file: no such file or directory\n`);
    expect(existsSync(join(dir, 'none.json')) || existsSync(join(dir, 'missing.json'))).toBe(false);
  });
});
