// A fleet of `uci-fw4 serve`-equivalent servers in this process, one per loopback port, for the
// fleet bench: each has its own confdir (examples/config's firewall and network), its own
// savedir, the example ACL groups and, as an OpenWrt router, an rpcd `login` section for root
// with an md5-crypt (`$1$`) password. Imports the compiled code (npm run build).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RpcApp } from '../dist/rpc/app.js';
import { cryptHash } from '../dist/rpc/crypt.js';
import { rpcObjects } from '../dist/rpc/objects/index.js';
import { parseSettings } from '../dist/rpc/settings.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const FLEET_USER = 'root';
export const FLEET_PASSWORD = 'fleet-bench';

/** VmRSS and VmHWM of a process (default: this one), in MiB. */
export function memory(pid = 'self') {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Open file descriptors of this process. */
export const openFds = () => readdirSync('/proc/self/fd').length;

/**
 * Starts `n` servers on 127.0.0.1; resolves with their `/ubus` URLs, a reset() that puts every
 * confdir back to the example files (between timed runs), and close().
 */
export async function startFleet(n) {
  const work = mkdtempSync(join(tmpdir(), 'fleet-bench-'));
  const hash = await cryptHash(FLEET_PASSWORD, '$1$fleet$');
  const rpcd = `config login\n\toption username '${FLEET_USER}'\n\toption password '${hash}'\n\tlist read '*'\n\tlist write '*'\n`;
  const files = ['firewall', 'network'].map((pkg) => [pkg, readFileSync(join(root, 'examples/config', pkg))]);
  const servers = [];
  for (let i = 0; i < n; i++) {
    const dir = join(work, `router${i}`);
    const confdir = join(dir, 'config');
    mkdirSync(confdir, { recursive: true });
    for (const [pkg, text] of files) writeFileSync(join(confdir, pkg), text);
    writeFileSync(join(confdir, 'rpcd'), rpcd);
    const ini = ['confdir = config', 'savedir = save', `acl_dir = ${join(root, 'examples/acl.d')}`, 'log = false'].join('\n');
    const app = new RpcApp(parseSettings(ini, join(dir, 'server.ini')), rpcObjects);
    const server = await app.listen('127.0.0.1', 0);
    servers.push({ app, server, confdir, url: `${server.url}/ubus` });
  }
  return {
    urls: servers.map((s) => s.url),
    confdirs: servers.map((s) => s.confdir),
    reset() {
      for (const s of servers) for (const [pkg, text] of files) writeFileSync(join(s.confdir, pkg), text);
    },
    async close() {
      for (const s of servers) {
        await s.server.close();
        s.app.close();
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}
