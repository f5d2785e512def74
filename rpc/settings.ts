// The server's settings file (INI): where to listen, which confdir to serve, where staged changes
// and ACL groups live, and the users who may log in (rpcd's `login` sections of /etc/config/rpcd).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'ini';
import { parseHash } from './password.js';
import { packageRoot } from './paths.js';
import { DEFAULT_SESSION_TIMEOUT } from './session.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface User {
  username: string;
  /**
   * In the settings: a `$scrypt$…` hash (`uci-fw4 passwd` prints one). From the confdir's rpcd
   * config: a crypt(3) hash, `$p$<user>`, or empty (rpc/logins.ts).
   */
  password: string;
  /** ACL group patterns, as rpcd's `list read` / `list write`. */
  read: string[];
  write: string[];
}

export interface LoginThrottleSettings {
  /** Failed logins from one address allowed before back-off starts. */
  freeAttempts: number;
  /** First back-off in milliseconds; doubles with every further failure. */
  backoffMs: number;
  maxBackoffMs: number;
}

export interface Settings {
  listen: ListenAddress;
  confdir: string;
  /** Root of the per-session savedirs; undefined: a fresh private temporary directory. */
  savedir?: string;
  aclDir: string;
  /** Extra change files read by `uci state` (libuci's /var/state). */
  stateDir?: string;
  /** System snapshot: what the firewall, luci, luci-rpc, network and system objects answer from. */
  snapshot?: string;
  /**
   * A directory standing for `/` (a router's root file system, or `/` on the router): the file
   * object and the luci objects read files under it. Unset: the snapshot's files only.
   */
  root?: string;
  /** With no snapshot: answer from this machine (the live provider over `root`, default `/`). */
  live: boolean;
  /**
   * With no snapshot and not live: answer from the system the confdir's network (and wireless)
   * config describes (lib/fw4 deriveSnapshot), derived again when those configs change.
   */
  derive: boolean;
  /** Shadow file for the `$p$<user>` passwords of the confdir's rpcd `login` sections. */
  shadow?: string;
  sessionTimeout: number;
  /** Rollback timeout in seconds when `uci apply` does not give one (RPC_APPLY_TIMEOUT). */
  applyTimeout: number;
  cors: boolean;
  log: boolean;
  login: LoginThrottleSettings;
  users: User[];
}

export class SettingsError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'SettingsError';
  }
}

type IniValue = string | boolean | string[] | IniSection | undefined;
interface IniSection {
  [key: string]: IniValue;
}

export function parseListen(text: string): ListenAddress | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  return { host: m[1] ?? m[2]!, port };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Values given on the command line: the settings file may then leave these keys out. */
export interface SettingsOverrides {
  listen?: ListenAddress;
  /** Absolute path. */
  confdir?: string;
}

export function loadSettings(file: string, overrides: SettingsOverrides = {}): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SettingsError(file, `cannot read: ${(err as Error).message}`);
  }
  return parseSettings(text, file, overrides);
}

export function parseSettings(text: string, file: string, overrides: SettingsOverrides = {}): Settings {
  const doc = parse(text) as IniSection;
  const base = dirname(resolve(file));
  const fail = (message: string): never => {
    throw new SettingsError(file, message);
  };
  const str = (key: string): string | undefined => {
    const v = doc[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') return fail(`'${key}' must be a non-empty string`);
    return v;
  };
  const path = (key: string): string | undefined => {
    const v = str(key);
    return v === undefined ? undefined : resolve(base, v);
  };
  const int = (key: string, fallback: number, min: number): number => {
    const v = str(key);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min) return fail(`'${key}' must be an integer >= ${min}, not '${v}'`);
    return Number(v);
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const v = doc[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') return fail(`'${key}' must be true or false`);
    return v;
  };

  const listenText = str('listen') ?? '127.0.0.1:8080';
  // a key the command line overrides is still checked when present: a typo should not hide
  const listen = parseListen(listenText) ?? fail(`'listen' must be host:port, not '${listenText}'`);
  const confdir = path('confdir');
  return {
    listen: overrides.listen ?? listen,
    confdir: overrides.confdir ?? confdir ?? fail("'confdir' is required (or --confdir)"),
    savedir: path('savedir'),
    // unset: the ACL groups shipped in examples/acl.d (rpcd's and LuCI's defaults, and ours)
    aclDir: path('acl_dir') ?? join(packageRoot(), 'examples', 'acl.d'),
    stateDir: path('state_dir'),
    snapshot: path('snapshot'),
    root: path('root'),
    live: bool('live', false),
    derive: bool('derive', false),
    shadow: path('shadow'),
    sessionTimeout: int('session_timeout', DEFAULT_SESSION_TIMEOUT, 1),
    applyTimeout: int('apply_timeout', 60, 0),
    cors: bool('cors', false),
    log: bool('log', true),
    login: {
      freeAttempts: int('login_free_attempts', 3, 0),
      backoffMs: int('login_backoff_ms', 1000, 1),
      maxBackoffMs: int('login_max_backoff_ms', 300_000, 1),
    },
    users: parseUsers(doc.user, fail),
  };
}

function patterns(value: IniValue): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return [];
  return value.split(/[\s,]+/).filter(Boolean);
}

function parseUsers(section: IniValue, fail: (message: string) => never): User[] {
  if (section === undefined) return [];
  if (typeof section !== 'object' || Array.isArray(section)) return fail('users are sections named [user.<name>]');
  const users: User[] = [];
  for (const [username, body] of Object.entries(section)) {
    if (typeof body !== 'object' || Array.isArray(body) || body === undefined) fail(`[user.${username}] must be a section`);
    const user = body as IniSection;
    const password = user.password;
    if (typeof password !== 'string' || !parseHash(password)) {
      fail(`[user.${username}] password must be a hash printed by \`uci-fw4 passwd\``);
    }
    users.push({ username, password: password as string, read: patterns(user.read), write: patterns(user.write) });
  }
  return users;
}
