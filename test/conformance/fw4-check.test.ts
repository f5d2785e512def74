// `fw4 check` has one meaning: on every fw4-corpus and fw4-bench config, the CLI and the RPC
// object `firewall.check` (both calling lib/fw4's checkFirewall) report the same findings.
import { copyFileSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMocksDir } from '../../lib/fw4/index.js';
import { rpcObjects } from '../../rpc/objects/index.js';
import { fw4, repo } from '../helpers/cli.js';
import { call, login, startHarness, type Harness } from '../rpc/harness.js';

const shared = join(repo, '../shared');
const roots = [join(shared, 'fw4-corpus/cases'), join(shared, 'fw4-bench')];

/** Every case folder with a firewall config, corpus first. */
function configs(): [string, string][] {
  return roots.filter(existsSync).flatMap((root) => readdirSync(root).sort()
    .filter((name) => existsSync(join(root, name, 'config/firewall')))
    .map((name): [string, string] => [name, join(root, name)]));
}

interface Finding { file: string; line?: number; message: string }

let h: Harness;
let sid: string;

/** The server's confdir and snapshot become the case's; a file written now is always read again. */
async function rpcCheck(dir: string): Promise<Finding[]> {
  copyFileSync(join(dir, 'config/firewall'), join(h.confdir, 'firewall'));
  if (existsSync(join(dir, 'config/helpers'))) copyFileSync(join(dir, 'config/helpers'), join(h.confdir, 'helpers'));
  else rmSync(join(h.confdir, 'helpers'), { force: true });
  writeFileSync(join(h.dir, 'snapshot.json'), JSON.stringify(readMocksDir(join(dir, 'mocks'))));
  const [status, data] = await call(h.url, sid, 'firewall', 'check', {});
  expect(status).toBe(0);
  return data!.findings as Finding[];
}

describe.skipIf(!existsSync(roots[0]!))('fw4 check: CLI and RPC alike (needs ../shared)', () => {
  beforeAll(async () => {
    h = await startHarness({ objects: rpcObjects, extraIni: 'snapshot = snapshot.json' });
    sid = await login(h.url);
  });
  afterAll(() => h?.close());

  it.each(configs())('%s', async (_name, dir) => {
    const findings = await rpcCheck(dir);
    const cli = fw4('check', '--config', join(dir, 'config'), '--snapshot', join(dir, 'mocks'));
    // the command names a file by its path, the object by its config name
    const asCli = findings.map((f) => `${f.file === '-' ? '-' : join(dir, 'config', f.file)}${f.line !== undefined ? `:${f.line}` : ''}: ${f.message}\n`);
    expect(asCli.join('')).toBe(cli.stderr);
    expect(cli.status).toBe(findings.length ? 1 : 0);
  }, 60_000);

  it('03_rules__11_log: the kernel refusals are findings of the RPC too (it answered none)', async () => {
    const findings = await rpcCheck(join(roots[0]!, '03_rules__11_log'));
    expect(findings.filter((f) => f.message.includes('nft refuses')).map((f) => f.line)).toEqual([17, 24, 32]);
  });
});
