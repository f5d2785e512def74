// Printing a ruleset must not pay for `fw4 check`'s schema validator: ajv is loaded on the first
// check only, by the library and by the CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fw4-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// a preload that reports, as the process exits, whether any module of ajv was loaded
const reportAjv = `data:text/javascript,${encodeURIComponent(`
import { createRequire } from 'node:module';
const cache = createRequire('/').cache;
process.on('exit', () => process.stderr.write('ajv loaded: ' + Object.keys(cache).some((k) => k.includes('/node_modules/ajv/')) + '\\n'));
`)}`;

function node(args: string[]) {
  return spawnSync(process.execPath, ['--import', reportAjv, ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, QUIET: '1', TTY: '' } });
}

writeFileSync(join(dir, 'firewall'), "config zone\n\toption name 'lan'\n\tlist network 'lan'\n\nconfig rule\n\toption src 'lan'\n\toption dest_port '22'\n\toption target 'ACCEPT'\n");
writeFileSync(join(dir, 'snapshot.json'), JSON.stringify({
  ubus: { 'network.interface~dump': { interface: [{ interface: 'lan', device: 'br-lan', l3_device: 'br-lan', 'ipv4-address': [{ address: '192.168.1.1', mask: 24 }] }] } },
  commands: { '/usr/sbin/nft --terse --json list flowtables inet': '{"nftables": []}' },
}));

describe('ajv stays unloaded until a check', () => {
  it('the CLI prints without loading ajv, and loads it to check', () => {
    const print = node(['bin/uci-fw4.js', 'fw4', 'print', '--config', dir, '--snapshot', join(dir, 'snapshot.json')]);
    expect(print.status).toBe(0);
    expect(print.stdout).toContain('table inet fw4 {');
    expect(print.stderr).toBe('ajv loaded: false\n');
    const check = node(['bin/uci-fw4.js', 'fw4', 'check', '--config', dir, '--snapshot', join(dir, 'snapshot.json')]);
    expect(check.stderr.trim().split('\n').pop()).toBe('ajv loaded: true');
  });

  it('the library renders without loading ajv, and loads it for schemaViolations', () => {
    const script = `
      const fw4 = await import('./dist/lib/fw4/index.js');
      const { parseDocument } = await import('./dist/lib/uci/index.js');
      const { readFileSync } = await import('node:fs');
      const firewall = parseDocument(readFileSync(${JSON.stringify(join(dir, 'firewall'))}, 'utf8'), { name: 'firewall' }).toPackage();
      const system = new fw4.SnapshotView(JSON.parse(readFileSync(${JSON.stringify(join(dir, 'snapshot.json'))}, 'utf8')));
      const { text } = fw4.translateFirewall({ firewall, helpers: fw4.defaultHelpers(), system });
      const { createRequire } = await import('node:module');
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/ajv/'));
      const before = loaded();
      const violations = fw4.schemaViolations(parseDocument("config rule\\n\\toption src_port 'x'\\n", { name: 'firewall' }).toPackage());
      console.log(JSON.stringify({ rendered: text.includes('tcp dport 22'), before, after: loaded(), violations: violations.map((v) => v.message) }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ rendered: true, before: false, after: true, violations: ["option 'src_port' is not a valid port list"] });
  });
});
