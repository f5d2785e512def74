// A fleet of `uci-fw4 serve`-equivalent servers in this process, one per loopback port, for the
// fleet bench: each has its own confdir (examples/config's firewall and network), its own
// savedir, the example ACL groups and a user root. A router checks a login's password on its own
// CPU; here a thousand of them share this machine's, so the password hash is a cheap scrypt
// (N = 16, as the tests use) and not the md5-crypt of an OpenWrt shadow file, which our server
// verifies in JavaScript in ~8 ms. Imports the compiled code (npm run build).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RpcApp } from '../dist/rpc/app.js';
import { hashPassword } from '../dist/rpc/password.js';
import { rpcObjects } from '../dist/rpc/objects/index.js';
import { parseSettings } from '../dist/rpc/settings.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const FLEET_USER = 'root';
export const FLEET_PASSWORD = 'fleet-bench';

/** Open file descriptors of this process. */
export const openFds = () => readdirSync('/proc/self/fd').length;

/**
 * Starts `n` servers on 127.0.0.1; resolves with their `/ubus` URLs, a reset() that puts every
 * confdir back to the example files (between timed runs), and close().
 */
export async function startFleet(n) {
  const work = mkdtempSync(join(tmpdir(), 'fleet-bench-'));
  // staged changes live where rpcd keeps them on OpenWrt, in memory (/var/run is a tmpfs there)
  const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/fleet-bench-') : work;
  const hash = await hashPassword(FLEET_PASSWORD, { ln: 4, r: 8, p: 1 });
  const files = ['firewall', 'network'].map((pkg) => [pkg, readFileSync(join(root, 'examples/config', pkg))]);
  const servers = [];
  for (let i = 0; i < n; i++) {
    const dir = join(work, `router${i}`);
    const confdir = join(dir, 'config');
    mkdirSync(confdir, { recursive: true });
    for (const [pkg, text] of files) writeFileSync(join(confdir, pkg), text);
    const ini = ['confdir = config', `savedir = ${join(shm, `router${i}`)}`, `acl_dir = ${join(root, 'examples/acl.d')}`, 'log = false',
      `[user.${FLEET_USER}]`, `password = ${hash}`, 'read = *', 'write = *'].join('\n');
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
      rmSync(shm, { recursive: true, force: true });
    },
  };
}
