// cgi-io (openwrt/cgi-io main.c at 21831f4, util.c at 6b0615b): the CGI program luci-base
// installs as /www/cgi-bin/cgi-{exec,download,upload,backup} for what LuCI does past ubus
// (fs.js exec_direct and read_direct; ui.js:5302 asks cgi-exec for /usr/libexec/luci-peeraddr
// after every apply). Each request is checked as cgi-io checks it (the session's `cgi-io` and
// `file` grants, the form fields, the executable's lookup in the root), in the same order and
// with the same statuses and messages. cgi-download then serves the file from the root as
// cgi-io does. Off-device no program runs and no file is written: a granted exec, an upload and
// a backup are answered 501 with a message saying so (LuCI shows the status text, and
// L.resolveDefault in ui.js takes any failure as "no answer", so an apply goes on).
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestBodies } from '../body.js';
import type { SessionStore } from '../session.js';
import type { RootDir } from '../system/root-dir.js';

/** The applets, by the name uhttpd runs them under (main.c main(): strstr on argv[0]). */
export const CGI_IO_APPLETS = new Set(['/cgi-bin/cgi-exec', '/cgi-bin/cgi-download', '/cgi-bin/cgi-upload', '/cgi-bin/cgi-backup']);

/** Below util.h's POST_LIMIT (131072): a longer form is not read (postdecode gives up). */
const POST_LIMIT = 131072 - 1;
/** uhttpd's CGI PATH (main.c conf.cgi_path), what lookup_executable searches. */
const CGI_PATH = ['/sbin', '/usr/sbin', '/bin', '/usr/bin'];
/** uhttpd starts CGI programs in the document root (cgi.c cgi_main: chdir(pi->root)). */
const DOCROOT = '/www';

export interface CgiIoContext {
  sessions: SessionStore;
  root: RootDir;
}

interface Reply {
  status: number;
  /** cgi-io's failure() sends its message as the reason phrase, which LuCI's handleCgiIoReply shows. */
  reason: string;
  headers: Record<string, string>;
  body: string;
}

/** failure() in main.c: the message as reason phrase and as the body, with strerror when there is an errno. */
function failure(status: number, message: string, strerror?: string): Reply {
  return { status, reason: message, headers: { 'Content-Type': 'text/plain' }, body: `${message}${strerror ? `: ${strerror}` : ''}\n` };
}

/** What cgi-io would do next needs the router itself; `what` is a fixed phrase (it becomes the reason phrase). */
function notOffDevice(what: string): Reply {
  return failure(501, `${what} is not available off-device`);
}

/** cgi-io runs in the document root: a relative path is one below it. */
const routerPath = (path: string) => (path.startsWith('/') ? path : `${DOCROOT}/${path}`);

/**
 * postdecode (util.c): the wanted fields of an urlencoded body, or null when there is no such
 * body or a value does not decode. Names compare undecoded; a later field of the same name
 * replaces an earlier one, and reading stops once as many fields as wanted were seen.
 */
export function postDecode(body: string | null, names: readonly string[]): Map<string, string> | null {
  if (body === null || body === '') return null;
  const raw = new Map<string, string>();
  let found = 0;
  for (const pair of body.split('&')) {
    const eq = pair.indexOf('=');
    if (eq >= 0 && names.includes(pair.slice(0, eq))) {
      raw.set(pair.slice(0, eq), pair.slice(eq + 1));
      found++;
    }
    if (found >= names.length) break;
  }
  const out = new Map<string, string>();
  for (const [name, value] of raw) {
    const decoded = urlDecode(value);
    if (decoded === null) return null;
    out.set(name, decoded);
  }
  return out;
}

/** urldecode (util.c): %XX and '+'; a '%' without two hex digits fails the whole form. */
function urlDecode(value: string): string | null {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; ) {
    const c = value[i]!;
    if (c === '%') {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else if (c === '+') {
      bytes.push(0x20);
      i++;
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
      i++;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * parse_command (util.c): the command line split at unescaped white space, a backslash taking the
 * next character as it is; null for a line with no word. `line` is the words joined by one
 * space, what cgi-io checks against the ACL before it splits them.
 */
export function parseCommand(cmdline: string): { line: string; argv: string[] } | null {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < cmdline.length; i++) {
    const c = cmdline[i]!;
    if (c === '\\' && i + 1 < cmdline.length) {
      word += cmdline[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) argv.push(word);
  return argv.length ? { line: argv.join(' '), argv } : null;
}

/** lookup_executable (main.c): the command itself (relative to the document root), else each CGI_PATH directory. */
function lookupExecutable(root: RootDir, cmd: string): string | null {
  const isFile = (path: string) => root.stat(routerPath(path))?.isFile() === true;
  if (isFile(cmd)) return cmd;
  return CGI_PATH.map((dir) => `${dir}/${cmd}`).find(isFile) ?? null;
}

const FILENAME_CHARS = /^[A-Za-z0-9 ()<>@,;:[\]?.=%-]*$/;
const MIMETYPE_CHARS = /^[A-Za-z0-9 .;=/-]*$/;

/** The filename and mimetype checks main_download and main_exec share. */
function badAttachment(fields: Map<string, string>): Reply | null {
  if (!FILENAME_CHARS.test(fields.get('filename') ?? '')) return failure(400, 'Invalid characters in filename');
  if (!MIMETYPE_CHARS.test(fields.get('mimetype') ?? '')) return failure(400, 'Invalid characters in mimetype');
  return null;
}

function attachmentHeaders(fields: Map<string, string>): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': fields.get('mimetype') ?? 'application/octet-stream' };
  const filename = fields.get('filename');
  if (filename !== undefined) headers['Content-Disposition'] = `attachment; filename="${filename}"`;
  return headers;
}

export class CgiIo {
  constructor(private readonly o: CgiIoContext) {}

  /** rpcd's session access as cgi-io asks it (session_access): false for an unknown session. */
  private access(sid: string | undefined, scope: string, object: string, func: string): boolean {
    const session = sid === undefined ? undefined : this.o.sessions.get(sid);
    return session?.allowed(scope, object, func) ?? false;
  }

  /** main_exec, up to the fork. */
  private exec(fields: Map<string, string> | null): Reply {
    const sid = fields?.get('sessionid');
    if (!fields || !this.access(sid, 'cgi-io', 'exec', 'read')) return failure(403, 'Exec permission denied');
    const bad = badAttachment(fields);
    if (bad) return bad;
    const command = fields.has('command') ? parseCommand(fields.get('command')!) : null;
    if (!command) return failure(400, 'Invalid command parameter');
    // the whole command line may be granted; else the executable found
    const allowed = this.access(sid, 'file', command.line, 'exec');
    const exe = lookupExecutable(this.o.root, command.argv[0]!);
    if (exe === null) return failure(404, 'Executable not found');
    if (!allowed && !this.access(sid, 'file', exe, 'exec')) return failure(403, 'Access to command denied by ACL');
    return notOffDevice('Running a program');
  }

  /** main_download: the checks, then the file's bytes. */
  private download(fields: Map<string, string> | null, res: ServerResponse): Reply | null {
    const sid = fields?.get('sessionid');
    if (!fields || !this.access(sid, 'cgi-io', 'download', 'read')) return failure(403, 'Download permission denied');
    const path = fields.get('path');
    if (path === undefined || !this.access(sid, 'file', path, 'read')) return failure(403, 'Access to path denied by ACL');
    const st = this.o.root.stat(routerPath(path));
    if (!st) return failure(404, 'Failed to stat requested path', 'No such file or directory');
    // block devices are the router's (a flash partition), not the root's
    if (!st.isFile()) return failure(403, 'Requested path is not a regular file or block device');
    const bad = badAttachment(fields);
    if (bad) return bad;
    const host = this.o.root.resolve(routerPath(path))!;
    res.writeHead(200, 'OK', { ...attachmentHeaders(fields), 'Content-Length': st.size });
    const stream = createReadStream(host);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
    return null;
  }

  /** Answers a POST (or any request) to one of CGI_IO_APPLETS. */
  readonly handle = async (applet: string, req: IncomingMessage, res: ServerResponse, bodies: RequestBodies): Promise<void> => {
    const type = req.headers['content-type'] ?? '';
    // postdecode reads only an urlencoded body with a length below POST_LIMIT
    if (type.startsWith('application/x-www-form-urlencoded') && req.headers['content-length'] !== undefined) {
      return bodies.answer(req, res, POST_LIMIT, (body) => this.answer(applet, body, res));
    }
    req.resume();
    this.answer(applet, null, res);
  };

  private answer(applet: string, body: string | null, res: ServerResponse): void {
    let reply: Reply | null;
    if (applet.endsWith('/cgi-exec')) reply = this.exec(postDecode(body, ['sessionid', 'command', 'filename', 'mimetype']));
    else if (applet.endsWith('/cgi-download')) reply = this.download(postDecode(body, ['sessionid', 'path', 'filename', 'mimetype']), res);
    else if (applet.endsWith('/cgi-backup')) {
      const fields = postDecode(body, ['sessionid']);
      reply = fields && this.access(fields.get('sessionid'), 'cgi-io', 'backup', 'read') ? notOffDevice('A backup (sysupgrade --create-backup)') : failure(403, 'Backup permission denied');
    } else reply = notOffDevice('Uploading a file');
    if (reply) {
      res.writeHead(reply.status, reply.reason, { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body) });
      res.end(reply.body);
    }
  }
}
