// `uci-fw4 snapshot record | from | derive`: the system snapshot fw4 renders against, recorded on
// a router, read from one over its JSON-RPC API, or derived from a confdir's network config.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalBody, parseDocument, type UciPackage } from '../lib/uci/index.js';
import {
  compileFirewall, defaultHelpers, derivedNotes, deriveSnapshot, fetchRemoteSnapshot, LiveSystemView, offloadReport, recordSnapshot,
  RemoteError, type SystemSnapshot,
} from '../lib/fw4/index.js';
import { InputError, parseCommandArgs } from './args.js';
import { PASSWORD_ENV, routerPassword } from './prompt.js';

const USAGE: Record<string, string> = {
  record: `Usage: uci-fw4 snapshot record [--confdir /etc/config] [--root /] [--output file.json]

On a router: runs the firewall translation over the live system (ubus, /proc, /sys, nft) and
prints, as JSON, everything it read: the snapshot that replays the same ruleset anywhere.
  --confdir   the configs to translate (default /etc/config under --root)
  --root      read the system under this directory instead of / (a mounted image)
`,
  from: `Usage: uci-fw4 snapshot from --url http://router/ubus --user NAME [--password-file FILE]
                          [--save-config DIR] [--output file.json]

Reads a snapshot from a router over its JSON-RPC API (rpcd, as LuCI uses it), with the rights
of a LuCI user: network.interface dump, network.device status, procd's firewall data, the
kernel version, /sys/class/net, the conntrack helper modules and nft's flowtables. Parts the
user's ACL does not allow are left out and listed on stderr with the reason.
The password is the first line of --password-file FILE ('-': standard input), else the
${PASSWORD_ENV} environment variable (unless empty), else asked on the terminal; never from
the command line.
  --save-config DIR  also write the firewall, network and wireless configs read with uci get
`,
  derive: `Usage: uci-fw4 snapshot derive --confdir DIR [--output file.json]

Writes the system netifd would bring up from DIR/network (and DIR/wireless): devices, layer 3
devices, static addresses, a current kernel, fw4's helpers loaded. What it assumed and what
only exists at run time (DHCP and PPP addresses, assigned IPv6 prefixes) is in its "derived"
field and listed on stderr (QUIET silences it). Edit the file, then: fw4 print --snapshot it.
`,
};

const TOP = `Usage: uci-fw4 snapshot <record|from|derive> [options]

  record   on a router: the live system as a snapshot (JSON)
  from     a router's snapshot over its JSON-RPC API, as a LuCI user
  derive   the system a confdir's network config describes, for editing

Run \`uci-fw4 snapshot <command> --help\` for the options of a command.
`;

function readPackage(file: string, name: string): UciPackage {
  return parseDocument(readFileSync(file, 'utf8'), { name, file }).toPackage();
}

function writeJson(snapshot: SystemSnapshot, output: string | undefined): void {
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  if (output !== undefined) writeFileSync(output, text);
  else process.stdout.write(text);
}

function note(lines: readonly string[]): void {
  if (!process.env.QUIET && lines.length) process.stderr.write(lines.map((l) => `note: ${l}\n`).join(''));
}

function record(v: Record<string, string | undefined>): number {
  const root = v.root ?? '/';
  const confdir = v.confdir ?? join(root, 'etc/config');
  const firewall = readPackage(join(confdir, 'firewall'), 'firewall');
  const helpersFile = join(root, 'usr/share/firewall4/helpers');
  const helpers = existsSync(helpersFile) ? readPackage(helpersFile, 'helpers') : defaultHelpers();
  const snapshot = recordSnapshot(new LiveSystemView({ root }), (view) => {
    // what print reads, and what the offload report reads beyond it
    offloadReport(compileFirewall({ firewall, helpers, system: view }), view);
    view.ubus('network.device', 'status');
  });
  writeJson(snapshot, v.output);
  return 0;
}

function derive(v: Record<string, string | undefined>): number {
  if (v.confdir === undefined) throw new UsageError('--confdir is required');
  const wirelessFile = join(v.confdir, 'wireless');
  const helpersFile = join(v.confdir, 'helpers');
  const snapshot = deriveSnapshot({
    network: readPackage(join(v.confdir, 'network'), 'network'),
    ...(existsSync(wirelessFile) ? { wireless: readPackage(wirelessFile, 'wireless') } : {}),
    ...(existsSync(helpersFile) ? { helpers: readPackage(helpersFile, 'helpers') } : {}),
  });
  note(derivedNotes(snapshot.derived!));
  writeJson(snapshot, v.output);
  return 0;
}

async function from(v: Record<string, string | undefined>): Promise<number> {
  if (v.url === undefined || v.user === undefined) throw new UsageError('--url and --user are required');
  if (!/^https?:\/\//.test(v.url)) throw new UsageError(`--url '${v.url}' is not an http(s) URL`);
  const result = await fetchRemoteSnapshot({
    url: v.url, username: v.user, password: await routerPassword(v['password-file'], 'the router'),
    helperModules: [...new Set(defaultHelpers().sections.map((s) => String(s.options.get('module'))))],
  });
  const missing = result.parts.filter((p) => p.error !== undefined);
  for (const p of missing) process.stderr.write(`uci-fw4 snapshot from: could not read ${p.part} (${p.call}): ${p.error}\n`);
  process.stderr.write(`uci-fw4 snapshot from: read ${result.parts.length - missing.length} of ${result.parts.length} parts\n`);
  if (v['save-config'] !== undefined) {
    mkdirSync(v['save-config'], { recursive: true });
    for (const pkg of result.configs) writeFileSync(join(v['save-config'], pkg.name), canonicalBody(pkg));
  }
  writeJson(result.snapshot, v.output);
  return 0;
}

class UsageError extends Error {}

const OPTIONS = {
  record: { confdir: { type: 'string' }, root: { type: 'string' }, output: { type: 'string' } },
  from: { url: { type: 'string' }, user: { type: 'string' }, 'password-file': { type: 'string' }, 'save-config': { type: 'string' }, output: { type: 'string' } },
  derive: { confdir: { type: 'string' }, output: { type: 'string' } },
} as const;

export async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === '-h') {
    (command === undefined ? process.stderr : process.stdout).write(TOP);
    return command === undefined ? 1 : 0;
  }
  if (!Object.hasOwn(OPTIONS, command)) {
    process.stderr.write(`uci-fw4 snapshot: unknown command '${command}'\n\n${TOP}`);
    return 1;
  }
  const name = command as keyof typeof OPTIONS;
  const parsed = parseCommandArgs(rest, { ...OPTIONS[name], help: { type: 'boolean', short: 'h' } }, false);
  if (typeof parsed === 'string') {
    process.stderr.write(`uci-fw4 snapshot ${name}: ${parsed}\n\n${USAGE[name]}`);
    return 1;
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE[name]!);
    return 0;
  }
  try {
    const v = parsed.values as Record<string, string | undefined>;
    if (name === 'record') return record(v);
    if (name === 'derive') return derive(v);
    return await from(v);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (e instanceof UsageError) {
      process.stderr.write(`uci-fw4 snapshot ${name}: ${err.message}\n\n${USAGE[name]}`);
      return 1;
    }
    if (e instanceof RemoteError || e instanceof InputError || err.code === 'ENOENT' || err.code === 'EACCES' || err.name === 'UciParseError') {
      process.stderr.write(`uci-fw4 snapshot ${name}: ${err.message}\n`);
      return 1;
    }
    throw e;
  }
}
