// LuCI's dispatcher (luci-base ucode/dispatcher.uc `dispatch`) for a root served off-device:
// everything under /cgi-bin/luci. It resolves the page in the root's menu tree, asks for a login
// where the tree says so (the form posts luci_username / luci_password; the session id goes in
// the `sysauth_http` cookie), checks the page's ACL groups and POST token, and runs the page's
// action: a `view` gets the page shell, luci-base's own functions (menu, logout, translations,
// uci apply / confirm / revert) are answered here; actions that need LuCI's Lua or ucode
// runtime (templates, CBI maps, other modules' functions) are refused with a 500 page. Beside it,
// /cgi-bin/cgi-{exec,download,upload,backup} go to cgi-io.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UciPackage } from '../../lib/uci/index.js';
import type { RequestBodies } from '../body.js';
import type { Bus } from '../dispatch.js';
import { isJsonObject, type JsonObject } from '../json.js';
import type { Session, SessionStore } from '../session.js';
import { packageReader, readLuciConfig, type LuciConfig } from './config.js';
import { requestLanguage } from './i18n.js';
import { aclDepends, buildPageTree, type MenuNode } from './menu.js';
import { buildUrl, loginPage, messagePage, viewPage, type ShellOptions } from './page.js';
import { answerRequest, SCRIPT_NAME, type LuciRequest } from './request.js';
import { resolvePage, type LuciSession, type Resolved } from './resolve.js';
import { insideRoot, type LuciRoot } from './root.js';
import { serveStatic } from './static.js';
import { CGI_IO_APPLETS, CgiIo } from './cgi-io.js';
import { RootDir } from '../system/root-dir.js';
import { runFunction } from './functions.js';
import { UciActions, type ActionReply } from './uci-actions.js';

export interface LuciDispatcherOptions {
  root: LuciRoot;
  bus: Bus;
  sessions: SessionStore;
  now: () => number;
}

/** One request's view of the root: read once per request, as LuCI's dispatcher does per process. */
export interface RequestState {
  req: LuciRequest;
  config: LuciConfig;
  lang: string;
  tree: MenuNode;
  read: (name: string) => UciPackage | undefined;
  uci: UciActions;
}

/** Alias and rewrite actions re-dispatch; a loop of them ends here. */
const MAX_REDISPATCH = 16;

export class LuciDispatcher {
  private readonly cgiIo: CgiIo;

  constructor(private readonly o: LuciDispatcherOptions) {
    this.cgiIo = new CgiIo({ sessions: o.sessions, root: new RootDir(o.root.dir) });
  }

  readonly handle = async (req: IncomingMessage, res: ServerResponse, bodies: RequestBodies): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    if (CGI_IO_APPLETS.has(pathname)) return this.cgiIo.handle(pathname, req, res, bodies);
    if (pathname !== SCRIPT_NAME && !pathname.startsWith(`${SCRIPT_NAME}/`)) return serveStatic(this.o.root.www, pathname, req, res);
    return answerRequest(req, res, bodies, pathname.slice(SCRIPT_NAME.length), q < 0 ? '' : url.slice(q + 1), async (request) => {
      if (request === null) return send(res, { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'text/plain' }, body: 'Bad Request\n' });
      send(res, await this.dispatch(this.state(request), request.path, 0));
    });
  };

  private state(req: LuciRequest): RequestState {
    const { root, bus, sessions, now } = this.o;
    const read = packageReader(root.confdir);
    const config = readLuciConfig(root, read);
    return {
      req,
      config,
      lang: requestLanguage(config, req.acceptLanguage),
      tree: buildPageTree(root.menuDir, { rootDir: root.dir, config: read }),
      read,
      uci: new UciActions({ bus, sessions, now, remote: req.remote }),
    };
  }

  /** session_retrieve: a live session that LuCI logged in (it holds a token). */
  private retrieve(sid: string): LuciSession | null {
    const session = this.o.sessions.get(sid);
    const token = session?.data.get('token');
    if (!session || typeof token !== 'string') return null;
    return { sid, token, username: session.username, acls: session.dumpAcls() as LuciSession['acls'] };
  }

  /** is_authenticated: the first of the auth spec's methods that names a live session. */
  private authenticate(req: LuciRequest, auth: JsonObject | undefined): LuciSession | null {
    const methods = auth?.methods;
    if (!Array.isArray(methods)) return null;
    for (const method of methods) {
      const m = typeof method === 'string' ? /^([A-Za-z]+):(.+)$/.exec(method) : null;
      const sid = m?.[1] === 'cookie' ? req.cookies.get(m[2]!) : m?.[1] === 'param' || m?.[1] === 'query' ? req.form.get(m[2]!) : undefined;
      const session = sid ? this.retrieve(sid) : null;
      if (session) return session;
    }
    return null;
  }

  /** session_setup: rpcd's login, then the token LuCI's forms and apply requests carry. */
  private async login(state: RequestState, username: string, password: string): Promise<LuciSession | null> {
    const { bus, sessions } = this.o;
    const args: JsonObject = { username, password };
    if (state.config.sessionTime !== undefined) args.timeout = state.config.sessionTime;
    const r = await bus.invoke('session', 'login', args, { session: sessions.anonymous, remote: state.req.remote });
    const sid = isJsonObject(r.data) ? r.data.ubus_rpc_session : undefined;
    const session = typeof sid === 'string' ? sessions.get(sid) : undefined;
    if (r.status !== 0 || !session) return null;
    session.data.set('token', randomId());
    return this.retrieve(session.id);
  }

  shell(state: RequestState, resolved: Resolved): ShellOptions {
    const pending = state.uci.pending();
    return {
      config: state.config,
      lang: state.lang,
      ctx: resolved.ctx,
      node: resolved.node,
      pathInfo: state.req.pathInfo,
      hostname: hostname(state.read),
      rollback: pending,
      menuScript: this.menuScript(state.config),
      version: this.version(state.config),
    };
  }

  private resourceFile(config: LuciConfig, name: string): string | undefined {
    const www = this.o.root.www;
    const file = www === undefined ? undefined : insideRoot(www, `${config.resource}/${name}`);
    return file !== undefined && statSync(file, { throwIfNoEntry: false })?.isFile() ? file : undefined;
  }

  /** The menu script the theme's footer loads: menu-<theme>, or that of the theme a variant derives from. */
  private menuScript(config: LuciConfig): string | undefined {
    const names = [config.theme, config.theme.replace(/-[^-]*$/, '')];
    return names.map((n) => `menu-${n}`).find((n) => this.resourceFile(config, `${n}.js`));
  }

  /** luci.js's cache buster: its modification time. */
  private version(config: LuciConfig): string {
    const file = this.resourceFile(config, 'luci.js');
    return file === undefined ? '0' : String(Math.floor(statSync(file).mtimeMs / 1000));
  }

  async dispatch(state: RequestState, path: string[], depth: number): Promise<ActionReply> {
    const { req } = state;
    const resolved = resolvePage(state.tree, path, (auth) => this.authenticate(req, auth));
    const { ctx } = resolved;
    if (ctx.auth && Object.keys(ctx.auth).length) {
      let session = this.authenticate(req, ctx.auth);
      if (!session && ctx.auth.login) {
        const user = req.form.get('luci_username');
        const pass = req.form.get('luci_password');
        if (user !== null && pass !== null) session = await this.login(state, user, pass);
        if (!session) {
          ctx.path = [];
          const page = loginPage(this.shell(state, resolved), user ?? undefined);
          return htmlReply(403, 'Forbidden', page, { 'X-LuCI-Login-Required': 'yes' });
        }
        return {
          status: 302,
          statusText: 'Found',
          headers: {
            'Set-Cookie': `sysauth_http=${session.sid}; path=${buildUrl()}; SameSite=strict; HttpOnly`,
            Location: buildUrl(...ctx.request_path),
          },
          body: '',
        };
      }
      if (!session) return { status: 403, statusText: 'Forbidden', headers: { 'X-LuCI-Login-Required': 'yes' }, body: '' };
      ctx.authsession ??= session.sid;
      ctx.authtoken ??= session.token;
      ctx.authuser ??= session.username;
      ctx.authacl ??= session.acls;
    }
    if (ctx.acls.length) {
      const perm = aclDepends(ctx.acls, ctx.authacl?.['access-group']);
      if (perm === null) return { status: 403, statusText: 'Forbidden', headers: {}, body: '' };
      resolved.node.readonly = !perm;
    }
    let action = resolved.node.action;
    if (ctx.request_args.length && resolved.node.wildcardaction) action = resolved.node.wildcardaction;
    if (action?.type === 'arcombine' && Array.isArray(action.targets)) {
      const target = action.targets[ctx.request_args.length ? 1 : 0];
      action = isJsonObject(target) ? target : undefined;
    }
    if (ctx.cors && req.method === 'OPTIONS') {
      // the preflight only: the session cookie is SameSite=strict, so another site's request carries none
      const headers = { 'Access-Control-Allow-Origin': req.origin ?? '*', 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS' };
      return { status: 200, statusText: 'OK', headers, body: '' };
    }
    if (requiresPost(action, req.form)) {
      if (req.method !== 'POST') return { status: 405, statusText: 'Method Not Allowed', headers: { Allow: 'POST' }, body: '' };
      if (req.form.get('token') !== (ctx.authtoken ?? null)) {
        const page = messagePage(this.shell(state, resolved), 'Form token mismatch', 'The submitted security token is invalid or already expired!');
        return htmlReply(403, 'Forbidden', page);
      }
    }
    return this.run(state, path, resolved, action, depth);
  }

  private async run(state: RequestState, path: string[], resolved: Resolved, action: JsonObject | undefined, depth: number): Promise<ActionReply> {
    const { ctx } = resolved;
    const type = action?.type;
    if ((type === 'alias' || type === 'rewrite') && depth < MAX_REDISPATCH && typeof action!.path === 'string') {
      const target = action!.path.split('/');
      const head = type === 'rewrite' ? path.slice(Number(action!.remove) || 0) : [];
      return this.dispatch(state, [...head, ...target, ...ctx.request_args], depth + 1);
    }
    if (type === 'view' && typeof action!.path === 'string') return htmlReply(200, 'OK', viewPage(this.shell(state, resolved), action!.path));
    if (type === 'function') {
      const reply = await runFunction(this, state, resolved, action!);
      if (reply) return reply;
    }
    if (type === undefined || type === 'firstchild' || type === 'none') {
      const message = `No page is registered at '/${ctx.request_path.join('/')}'.`;
      return htmlReply(404, 'Not Found', messagePage(this.shell(state, resolved), 'Not Found', message));
    }
    const what = type === 'function' || type === 'call' ? `${String(action!.module)}.${String(action!.function)}` : String(type);
    const message = `This page needs LuCI's server-side runtime (${what}), which uci-fw4 serve --root does not run.`;
    return htmlReply(500, 'Internal Server Error', messagePage(this.shell(state, resolved), 'Not available off-device', message));
  }

  /** The rpcd session of a page's LuCI session, for the uci actions. */
  session(sid: string): Session | undefined {
    return this.o.sessions.get(sid);
  }

  get i18nDir(): string | undefined {
    return this.o.root.i18nDir;
  }

  /** action_logout: the session ends and the cookie is cleared. */
  logout(sid: string | undefined): void {
    const session = sid === undefined ? undefined : this.o.sessions.get(sid);
    if (session) this.o.sessions.destroy(session);
  }

  authenticateMenu(req: LuciRequest): LuciSession | null {
    return this.authenticate(req, { methods: ['cookie:sysauth_https', 'cookie:sysauth_http'] });
  }
}

/** require_post_security: the action asks for POST, or for given form values. */
function requiresPost(action: JsonObject | undefined, form: URLSearchParams): boolean {
  const post = action?.post;
  if (isJsonObject(post)) {
    for (const [name, want] of Object.entries(post)) {
      const have = form.get(name);
      if ((typeof want === 'string' && have !== want) || (want === true && have === null)) return false;
    }
    return true;
  }
  return post === true;
}

function hostname(read: (name: string) => UciPackage | undefined): string {
  const value = read('system')?.sections.find((s) => s.type === 'system')?.options.get('hostname');
  return typeof value === 'string' ? value : '?';
}

/** dispatcher.uc randomid(16): 32 hex digits. */
function randomId(): string {
  return randomBytes(16).toString('hex');
}

export function htmlReply(status: number, statusText: string, body: string, headers: Record<string, string> = {}): ActionReply {
  return { status, statusText, headers: { 'Content-Type': 'text/html; charset=UTF-8', ...headers }, body };
}

function send(res: ServerResponse, reply: ActionReply): void {
  res.writeHead(reply.status, reply.statusText, { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
}
