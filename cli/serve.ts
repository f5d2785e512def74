// `uci-fw4 serve`: LuCI's ubus JSON-RPC API over HTTP (see docs/rpc.md).
import { join, resolve } from 'node:path';
import { RpcApp } from '../rpc/app.js';
import { batchedLog } from '../rpc/log.js';
import { rpcObjects } from '../rpc/objects/index.js';
import { openRoot, RootError, rootSettings, type LuciRoot } from '../rpc/luci/root.js';
import { packageRoot } from '../rpc/paths.js';
import { rpcdLogins, verifyLogin } from '../rpc/logins.js';
import { verifyPassword } from '../rpc/password.js';
import { readConfig } from '../rpc/system/source.js';
import { isLoopback, loadSettings, parseListen, SettingsError, type Settings } from '../rpc/settings.js';
import { checkConfdir, InputError, parseCommandArgs } from './args.js';

export const DEMO_PASSWORD = 'uci-fw4-demo';

const usage = `Usage: uci-fw4 serve [--settings file.ini] [--listen host:port] [--confdir dir]
                     [--root dir] [--snapshot file.json]

Serves LuCI's ubus JSON-RPC API (POST /ubus) over the configs of a confdir.
  --settings file.ini  server settings (default: examples/server.ini, which serves
                       examples/config on 127.0.0.1:8080 with user root, password ${DEMO_PASSWORD})
  --listen host:port   overrides the settings' listen address
  --confdir dir        overrides the settings' confdir
  --root dir           an OpenWrt root file system (an image's or an unpacked backup): its
                       etc/config is the confdir, its ACL files and LuCI are served too, LuCI
                       at /cgi-bin/luci (see docs/luci.md, "LuCI off-device")
  --snapshot file      the system snapshot to answer from (overrides the settings'; with
                       --root and no --snapshot: the system its network config describes)
`;

const OPTIONS = {
  settings: { type: 'string' },
  listen: { type: 'string' },
  confdir: { type: 'string' },
  root: { type: 'string' },
  snapshot: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Users whose password is still the documented demo one, or who have none (rpcd lets them in). */
async function demoUsers(settings: Settings): Promise<string[]> {
  const found: string[] = [];
  for (const u of settings.users) if (await verifyPassword(DEMO_PASSWORD, u.password)) found.push(u.username);
  for (const u of rpcdLogins(readConfig(settings.confdir, 'rpcd'))) if (await verifyLogin('', u.password, settings.shadow)) found.push(u.username);
  return found;
}

export async function run(args: string[]): Promise<number> {
  const fail = (message: string) => {
    process.stderr.write(`uci-fw4 serve: ${message}\n`);
    return 1;
  };
  const opts = parseCommandArgs(args, OPTIONS, false);
  if (typeof opts === 'string') return fail(`${opts}\n\n${usage}`);
  const parsed = opts.values;
  if (parsed.help) {
    process.stdout.write(usage);
    return 0;
  }
  const listen = parsed.listen === undefined ? undefined : parseListen(parsed.listen);
  if (listen === null) return fail(`--listen must be host:port, not '${parsed.listen}'`);
  let root: LuciRoot | undefined;
  if (parsed.root !== undefined) {
    if (parsed.confdir !== undefined) return fail('--root and --confdir exclude each other: the root has its confdir (etc/config)');
    try {
      root = openRoot(parsed.root);
    } catch (err) {
      if (err instanceof RootError) return fail(err.message);
      throw err;
    }
  }
  let settings: Settings;
  try {
    const confdir = root?.confdir ?? (parsed.confdir === undefined ? undefined : resolve(parsed.confdir));
    settings = loadSettings(parsed.settings ?? join(packageRoot(), 'examples', 'server.ini'), { listen, confdir });
  } catch (err) {
    if (err instanceof SettingsError) return fail(err.message);
    throw err;
  }
  if (root) settings = rootSettings(settings, root);
  if (parsed.snapshot !== undefined) settings.snapshot = resolve(parsed.snapshot);
  try {
    checkConfdir(settings.confdir);
  } catch (err) {
    if (err instanceof InputError) return fail(err.message);
    throw err;
  }
  if (!isLoopback(settings.listen.host)) {
    const demo = await demoUsers(settings);
    if (demo.length) {
      return fail(
        `refusing to listen on ${settings.listen.host}: user ${demo.join(', ')} still has the demo password or none; ` +
          'set another with `uci-fw4 passwd`',
      );
    }
  }
  const { sink: log, flush } = batchedLog((text) => process.stderr.write(text));
  const app = new RpcApp(settings, rpcObjects, { log, root });
  let server;
  try {
    server = await app.listen();
  } catch (err) {
    app.close();
    return fail(`cannot listen on ${settings.listen.host}:${settings.listen.port}: ${(err as Error).message}`);
  }
  log(`uci-fw4 serve: listening on ${server.url}/ubus, confdir ${settings.confdir}`);
  if (root) log(`uci-fw4 serve: LuCI of ${root.dir} at ${server.url}/cgi-bin/luci/${root.www ? '' : ' (the root has no www: no pages)'}`);
  return new Promise<number>((done) => {
    const stop = () => {
      server.close().then(() => {
        app.close();
        flush();
        done(0);
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
