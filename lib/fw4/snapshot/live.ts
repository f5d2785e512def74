// The live provider: a SystemView over a real router (or a mounted image of one), and a
// recorder that turns whatever the translator reads into a replayable SystemSnapshot.
//
// Nothing here runs a shell. Paths are checked and normalized; ubus gets its object, method
// and JSON argument as separate argv entries; command lines (fw4 passes popen/system a string)
// are split by a small parser that knows quoting but no other shell syntax, and only programs
// on an allow-list run.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { StatInfo, SystemSnapshot, SystemView } from './types.js';

export interface LiveOptions {
  /** Prefix for every path read (a mounted router image, a test tree); default `/`. */
  root?: string;
  /** The ubus client; default `ubus`. */
  ubus?: string;
  /** Programs `commandOutput` and `system` may run, as fw4 names them; default fw4's nft. */
  allowedCommands?: readonly string[];
  /** Where an allowed program really is, when not where fw4 expects it (`{ '/usr/sbin/nft': '/opt/nft' }`). */
  executables?: Readonly<Record<string, string>>;
  /** Time limit for each command, in milliseconds; default 10 s. */
  timeoutMs?: number;
}

export class LiveInputError extends Error {
  override name = 'LiveInputError';
}

const UBUS_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const DEFAULT_COMMANDS = ['/usr/sbin/nft', 'nft'];

/** A SystemView answering from the machine it runs on. */
export class LiveSystemView implements SystemView {
  private readonly root: string;
  private readonly ubusClient: string;
  private readonly allowed: ReadonlySet<string>;
  private readonly executables: Readonly<Record<string, string>>;
  private readonly timeout: number;

  constructor(options: LiveOptions = {}) {
    this.root = posix.resolve(options.root ?? '/');
    this.ubusClient = options.ubus ?? 'ubus';
    this.allowed = new Set(options.allowedCommands ?? DEFAULT_COMMANDS);
    this.executables = options.executables ?? {};
    this.timeout = options.timeoutMs ?? 10_000;
  }

  ubus(object: string, method: string, args?: Record<string, string>): unknown {
    for (const name of [object, method]) {
      if (!UBUS_NAME.test(name)) throw new LiveInputError(`invalid ubus object or method name ${JSON.stringify(name)}`);
    }
    const argv = ['call', object, method, ...(args ? [JSON.stringify(args)] : [])];
    try {
      const out = execFileSync(this.ubusClient, argv, { encoding: 'utf8', timeout: this.timeout, stdio: ['ignore', 'pipe', 'ignore'] });
      return out.trim() === '' ? null : (JSON.parse(out) as unknown);
    } catch {
      return null;
    }
  }

  readFile(path: string): string | null {
    const at = this.at(path);
    return attempt(() => readFileSync(at, 'utf8'));
  }

  stat(path: string): StatInfo | null {
    const at = this.at(path);
    const st = attempt(() => statSync(at));
    if (!st) return null;
    // stat follows links, as fw4's fs.stat does
    const type = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
    return { type, size: st.size };
  }

  listDir(path: string): string[] {
    return this.openDir(path) ?? [];
  }

  openDir(path: string): string[] | null {
    const at = this.at(path);
    return attempt(() => readdirSync(at).sort());
  }

  access(path: string): boolean {
    const at = this.at(path);
    return attempt(() => (accessSync(at), true)) ?? false;
  }

  readlink(path: string): string | null {
    const at = this.at(path);
    return attempt(() => readlinkSync(at, 'utf8'));
  }

  glob(pattern: string): string[] {
    const segments = checkedPath(pattern).split('/').filter(Boolean);
    let matches = ['/'];
    for (const segment of segments) {
      const re = globSegment(segment);
      matches = matches.flatMap((dir) => {
        if (!re) return [posix.join(dir, segment)];
        return (this.openDir(dir) ?? []).filter((name) => re.test(name)).map((name) => posix.join(dir, name));
      });
    }
    return matches.filter((p) => this.access(p)).sort();
  }

  commandOutput(cmdline: string): string | null {
    const [program, ...args] = this.command(cmdline);
    try {
      return execFileSync(program ?? '', args, { encoding: 'utf8', timeout: this.timeout, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (e) {
      // popen hands over whatever the command printed, whatever its exit status
      const stdout = (e as { stdout?: unknown }).stdout;
      return typeof stdout === 'string' && stdout !== '' ? stdout : null;
    }
  }

  system(cmdline: string): number {
    const [program, ...args] = this.command(cmdline);
    const r = spawnSync(program ?? '', args, { timeout: this.timeout, stdio: 'ignore' });
    if (r.error) return -1;
    return r.status ?? -1;
  }

  now(): number {
    return Math.floor(Date.now() / 1000);
  }

  private at(path: string): string {
    return posix.join(this.root, checkedPath(path));
  }

  private command(cmdline: string): string[] {
    const argv = parseCommandLine(cmdline);
    const program = argv[0];
    if (program === undefined || !this.allowed.has(program)) {
      throw new LiveInputError(`command not allowed: ${JSON.stringify(program ?? '')} (allowed: ${[...this.allowed].join(', ')})`);
    }
    return [Object.hasOwn(this.executables, program) ? this.executables[program] ?? program : program, ...argv.slice(1)];
  }
}

function attempt<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/** An absolute path without NUL bytes, normalized so that `..` cannot climb above the root. */
function checkedPath(path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.includes('\0')) {
    throw new LiveInputError(`invalid path ${JSON.stringify(path)}: must be absolute, without NUL bytes`);
  }
  return posix.normalize(path);
}

/** A regular expression for one glob segment, or null when it has no wildcard. */
function globSegment(segment: string): RegExp | null {
  if (!/[*?[]/.test(segment)) return null;
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] ?? '';
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) throw new LiveInputError(`invalid glob segment ${JSON.stringify(segment)}`);
      const body = segment.slice(i + 1, end).replace(/^!/, '^').replace(/[\\\]]/g, '\\$&');
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  // glob(3) does not match hidden names with a wildcard
  return new RegExp(`^(?!\\.)${re}$`);
}

/**
 * Splits a command line as sh would for the forms fw4 writes: blanks between words, '…'
 * literal strings, \' for a quote, and a trailing `2>/dev/null` (stderr is never kept anyway).
 * Any other shell syntax is refused, so nothing can be smuggled into the argv.
 */
export function parseCommandLine(cmdline: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < cmdline.length; i++) {
    const c = cmdline[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n') {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'") {
      const end = cmdline.indexOf("'", i + 1);
      if (end < 0) throw new LiveInputError(`unterminated quote in command line ${JSON.stringify(cmdline)}`);
      word = (word ?? '') + cmdline.slice(i + 1, end);
      i = end;
    } else if (c === '\\' && cmdline[i + 1] === "'") {
      word = (word ?? '') + "'";
      i++;
    } else if (word === null && /^[12]?>\/dev\/null(\s|$)/.test(cmdline.slice(i))) {
      i += cmdline.slice(i).indexOf('/dev/null') + '/dev/null'.length - 1;
    } else if (/[A-Za-z0-9_./:=,@%+-]/.test(c)) {
      word = (word ?? '') + c;
    } else {
      throw new LiveInputError(`unsupported shell syntax ${JSON.stringify(c)} in command line ${JSON.stringify(cmdline)}`);
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/**
 * A SystemView that answers from another one and keeps every answer, so that a run of the
 * translator over it leaves behind the snapshot that replays the same run.
 */
export class RecordingView implements SystemView {
  private readonly recorded: Required<Pick<SystemSnapshot, 'ubus' | 'files' | 'stat' | 'dirs' | 'globs' | 'commands' | 'system'>> = {
    ubus: {}, files: {}, stat: {}, dirs: {}, globs: {}, commands: {}, system: {},
  };
  private time: number | undefined;

  constructor(private readonly inner: SystemView) {}

  ubus(object: string, method: string, args?: Record<string, string>): unknown {
    const reply = this.inner.ubus(object, method, args);
    const suffix = Object.entries(args ?? {}).map(([k, v]) => `~${k}-${v}`).join('');
    if (reply !== null) this.recorded.ubus[`${object}~${method}${suffix}`] = reply;
    return reply;
  }

  readFile(path: string): string | null {
    const text = this.inner.readFile(path);
    if (text !== null) this.recorded.files[path] = text;
    return text;
  }

  stat(path: string): StatInfo | null {
    const info = this.inner.stat(path);
    this.recorded.stat[path] = info;
    return info;
  }

  listDir(path: string): string[] {
    const names = this.inner.listDir(path);
    this.recorded.dirs[path] = names;
    return names;
  }

  openDir(path: string): string[] | null {
    const names = this.inner.openDir(path);
    if (names !== null) this.recorded.dirs[path] = names;
    return names;
  }

  access(path: string): boolean {
    const ok = this.inner.access(path);
    // a snapshot answers access() from its stat entries
    if (!(path in this.recorded.stat)) this.recorded.stat[path] = ok ? (this.inner.stat(path) ?? { type: 'file' }) : null;
    return ok;
  }

  readlink(path: string): string | null {
    // The snapshot format has no links: a replay sees the path itself, which fw4 then checks.
    return this.inner.readlink(path);
  }

  glob(pattern: string): string[] {
    const paths = this.inner.glob(pattern);
    this.recorded.globs[pattern] = paths;
    return paths;
  }

  commandOutput(cmdline: string): string | null {
    const out = this.inner.commandOutput(cmdline);
    if (out !== null) this.recorded.commands[cmdline] = out;
    return out;
  }

  system(cmdline: string): number {
    const status = this.inner.system(cmdline);
    this.recorded.system[cmdline] = status;
    return status;
  }

  now(): number {
    this.time ??= this.inner.now();
    return this.time;
  }

  /** Everything read so far, in the JSON snapshot format. */
  snapshot(): SystemSnapshot {
    return {
      format: 'uci-fw4-snapshot/1',
      ...structuredClone(this.recorded),
      missingStat: 'absent',
      systemDefault: 0,
      ...(this.time !== undefined ? { time: this.time } : {}),
    };
  }
}

/** Runs `read` (typically the translator) over `view` and returns the snapshot of what it read. */
export function recordSnapshot(view: SystemView, read: (view: SystemView) => unknown): SystemSnapshot {
  const recorder = new RecordingView(view);
  read(recorder);
  return recorder.snapshot();
}
