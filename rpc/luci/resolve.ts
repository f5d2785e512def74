// From a request path to the page that answers it (dispatcher.uc resolve_page,
// resolve_firstchild, ctx_append): the walk down the tree collects the path, the ACL groups the
// nodes require and the authentication they ask for; a `firstchild` node hands the request to
// its lightest eligible child, as LuCI does for /cgi-bin/luci/admin.
import type { Json, JsonObject } from '../json.js';
import { aclDepends, type AccessGroups, type MenuNode } from './menu.js';

/** A logged-in LuCI session (dispatcher.uc session_retrieve). */
export interface LuciSession {
  sid: string;
  token: string;
  username?: string;
  /** session.access without arguments: scope → object → functions. */
  acls: Record<string, Record<string, string[]>>;
}

/** Finds the session an `auth` spec's methods (`cookie:sysauth_http`, …) name, if any. */
export type Authenticate = (auth: JsonObject | undefined) => LuciSession | null;

export interface PageContext {
  path: string[];
  acls: Json[];
  auth?: JsonObject;
  cors?: boolean;
  request_path: string[];
  request_args: string[];
  authsession?: string;
  authtoken?: string;
  authuser?: string;
  authacl?: LuciSession['acls'];
}

export interface Resolved {
  node: MenuNode;
  ctx: PageContext;
  session: LuciSession | null;
}

function append(ctx: PageContext, name: string, node: MenuNode): void {
  ctx.path.push(name);
  if (Array.isArray(node.depends?.acl)) ctx.acls.push(...node.depends.acl);
  ctx.auth = node.auth ?? ctx.auth;
  ctx.cors = node.cors || ctx.cors;
}

function copy(ctx: PageContext): PageContext {
  return { ...ctx, path: [...ctx.path], acls: [...ctx.acls] };
}

/** node_weight: order, and pages that need a login after those that do not. */
function weight(node: MenuNode): number {
  return Math.min(node.order ?? 9999, 9999) + (node.auth?.login ? 10000 : 0);
}

function groupsOf(session: LuciSession | null): AccessGroups | undefined {
  return session?.acls['access-group'];
}

function firstChild(node: MenuNode, session: LuciSession | null, loginAllowed: boolean, ctx: PageContext, authenticate: Authenticate): boolean {
  let candidate: MenuNode | undefined;
  let candidateCtx: PageContext | undefined;
  for (const [name, child] of Object.entries(node.children ?? {})) {
    if (!child.satisfied) continue;
    session ??= authenticate(node.auth);
    const login = !session && (loginAllowed || child.auth?.login === true);
    if (!login && aclDepends(child.depends?.acl, groupsOf(session)) === null) continue;
    if (!child.title || child.action === undefined) continue;
    if (candidate && weight(candidate) <= weight(child)) continue;
    const childCtx = copy(ctx);
    append(childCtx, name, child);
    if (child.action.type === 'firstchild') {
      if (!firstChild(child, session, login, childCtx, authenticate)) continue;
    } else if (child.firstchild_ineligible) continue;
    candidate = child;
    candidateCtx = childCtx;
  }
  if (!candidateCtx) return false;
  Object.assign(ctx, candidateCtx);
  return true;
}

export function resolvePage(tree: MenuNode, requestPath: string[], authenticate: Authenticate): Resolved {
  let node: MenuNode | undefined = tree;
  let login = false;
  let session: LuciSession | null = null;
  const ctx: PageContext = { path: [], acls: [], request_path: [...requestPath], request_args: [] };
  for (let i = 0; i < requestPath.length; i++) {
    const segment = requestPath[i]!;
    node = node.children && Object.hasOwn(node.children, segment) ? node.children[segment] : undefined;
    if (!node?.satisfied) break;
    append(ctx, segment, node);
    session ??= authenticate(node.auth);
    if (node.auth?.login) login = true;
    // a wildcard node takes the rest of the path as arguments unless a child matches the next part
    if (node.wildcard) {
      const next = requestPath[i + 1];
      if (next === undefined || !node.children?.[next]?.satisfied) {
        ctx.request_args = requestPath.slice(i + 1);
        ctx.request_path = [...ctx.path, ...ctx.request_args];
        break;
      }
    }
  }
  if (node?.action?.type === 'firstchild') firstChild(node, session, login, ctx, authenticate);
  ctx.authsession = session?.sid;
  ctx.authtoken = session?.token;
  ctx.authuser = session?.username;
  ctx.authacl = session?.acls;
  let page = tree;
  for (const segment of ctx.path) page = page.children![segment]!;
  return { node: page, ctx, session };
}
