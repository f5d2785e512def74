// The routers of `uci-fw4 migrate`: `--target URL` and `--targets FILE` checked before any router
// is touched, the file read as a stream (a 10,000-line list is never held whole: the first pass
// checks every line, the run reads it again, line by line).
import { closeSync, createReadStream, fstatSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError, readInput } from './args.js';
import { PASSWORD_ENV } from './prompt.js';

/** A router as the command line or a targets file names it; the password is the run's. */
export interface TargetSpec {
  url: string;
  user: string;
  name?: string;
}

/** A name stays on one line of the summary table and in one field of the file. */
const NAME = /^[^\s\x00-\x1f\x7f]+$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/;

/**
 * The `/ubus` endpoint a target URL names: http or https, a host, no credentials in it (they would
 * sit in the shell's history and the process list); a URL with no path means the router's `/ubus`.
 * Throws an InputError starting with `where`.
 */
export function targetUrl(text: string, where: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`${where}: '${text}' is not a URL (a router's JSON-RPC endpoint, e.g. https://192.168.1.1/ubus)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`${where}: '${text}': only http and https URLs are targets, not ${url.protocol.slice(0, -1)}`);
  if (url.username || url.password) throw new InputError(`${where}: '${text}': no user or password in the URL (the user goes in the targets file or --user, the password in --password-file or ${PASSWORD_ENV})`);
  if (url.hash) throw new InputError(`${where}: '${text}': a target URL has no #fragment`);
  if (url.pathname === '/' && !text.endsWith('/')) url.pathname = '/ubus';
  return url.href;
}

/** One line of a targets file: `URL USER [NAME]`; null for a blank line or a comment. */
export function targetLine(line: string, where: string): TargetSpec | null {
  const text = line.replace(/\s+#.*$/, '').trim();
  if (text === '' || text.startsWith('#')) return null;
  const fields = text.split(/\s+/);
  if (fields.length < 2) throw new InputError(`${where}: expected 'URL USER [NAME]', found only '${fields[0]}'`);
  if (fields.length > 3) throw new InputError(`${where}: expected 'URL USER [NAME]', found ${fields.length} fields`);
  const [url, user, name] = fields as [string, string, string?];
  if (!USER.test(user)) throw new InputError(`${where}: '${user}' is not a user name`);
  if (name !== undefined && !NAME.test(name)) throw new InputError(`${where}: '${name}' is not a target name`);
  return { url: targetUrl(url, where), user, ...(name === undefined ? {} : { name }) };
}

/** The targets of a file with the line each is on, read as a stream. */
async function* fileLines(file: string): AsyncGenerator<{ spec: TargetSpec; where: string }> {
  // opened here, so that a missing or unreadable file is an input error naming it
  const fd = readInput(file, 'the targets file', () => openSync(file, 'r'));
  if (fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw new InputError(`${file}: cannot read the targets file: it is a directory`);
  }
  const input = createReadStream('', { fd });
  let n = 0;
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      const where = `${file}:${++n}`;
      const spec = targetLine(line, where);
      if (spec) yield { spec, where };
    }
  } finally {
    // also when the reader stops early (a bad line, an aborted run): the descriptor is closed
    input.destroy();
  }
}

/** How many targets there are, every line and URL checked; the same router twice is an error naming both lines. */
export async function checkTargets(urls: readonly string[], files: readonly string[], user: string): Promise<number> {
  const seen = new Map<string, string>();
  const add = (url: string, where: string) => {
    const first = seen.get(url);
    if (first !== undefined) throw new InputError(`${where}: ${url} is already a target (${first}): one router runs once per run`);
    seen.set(url, where);
  };
  if (!USER.test(user)) throw new InputError(`--user: '${user}' is not a user name`);
  for (const url of urls) add(targetUrl(url, '--target'), '--target');
  for (const file of files) for await (const { spec, where } of fileLines(file)) add(spec.url, where);
  return seen.size;
}

/** The targets in order: the `--target` URLs (as `user`), then each file's lines. */
export async function* targetSpecs(urls: readonly string[], files: readonly string[], user: string): AsyncGenerator<TargetSpec> {
  for (const url of urls) yield { url: targetUrl(url, '--target'), user };
  for (const file of files) for await (const { spec } of fileLines(file)) yield spec;
}
