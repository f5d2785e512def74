// luci-base's controller functions the menu names (`"type": "function"` actions), answered
// here because the project runs no LuCI code: controller/admin/index.uc (menu, logout,
// translations) and controller/admin/uci.uc (apply_rollback, apply_unchecked, confirm, revert).
// Any other module's function is not available off-device.
import { Status } from '../errors.js';
import type { JsonObject } from '../json.js';
import type { LuciDispatcher, RequestState } from './dispatcher.js';
import { translationsScript } from './i18n.js';
import { applyTreeAcls } from './menu.js';
import { buildUrl } from './page.js';
import type { Resolved } from './resolve.js';
import { stateReply, type ActionReply } from './uci-actions.js';

type Handler = (d: LuciDispatcher, state: RequestState, resolved: Resolved) => ActionReply | Promise<ActionReply>;

function json(value: unknown): ActionReply {
  return { status: 200, statusText: 'OK', headers: { 'Content-Type': 'application/json; charset=UTF-8' }, body: JSON.stringify(value) };
}

/** The session of the page's auth; the uci actions' menu entries require one. */
function authSession(d: LuciDispatcher, resolved: Resolved) {
  const sid = resolved.ctx.authsession;
  return sid === undefined ? undefined : d.session(sid);
}

const handlers: Record<string, Handler> = {
  'luci.controller.admin.index.action_menu': (d, state) => {
    const session = d.authenticateMenu(state.req);
    // with no session every node that needs an ACL group is hidden (acl {} in index.uc:155)
    return json(applyTreeAcls(state.tree, session?.acls['access-group']));
  },
  'luci.controller.admin.index.action_logout': (d, state, resolved) => {
    const url = buildUrl();
    const headers: Record<string, string> = { Location: url };
    if (resolved.ctx.authsession !== undefined) {
      d.logout(resolved.ctx.authsession);
      headers['Set-Cookie'] = `sysauth_http=; expires=Thu, 01 Jan 1970 01:00:00 GMT; path=${url}`;
    }
    return { status: 302, statusText: 'Found', headers, body: '' };
  },
  'luci.controller.admin.index.action_translations': (d, state, resolved) => {
    const lang = resolved.ctx.request_args[0] ?? state.lang;
    return {
      status: 200,
      statusText: 'OK',
      headers: { 'Content-Type': 'application/javascript; charset=UTF-8' },
      body: translationsScript(d.i18nDir, lang),
    };
  },
  'luci.controller.admin.uci.action_apply_rollback': (d, state, resolved) => {
    const session = authSession(d, resolved);
    return session ? state.uci.applyRollback(session, state.config.rollbackSeconds) : stateReply(Status.PERMISSION_DENIED);
  },
  'luci.controller.admin.uci.action_apply_unchecked': (d, state, resolved) => {
    const session = authSession(d, resolved);
    return session ? state.uci.applyUnchecked(session) : stateReply(Status.PERMISSION_DENIED);
  },
  'luci.controller.admin.uci.action_confirm': (_d, state) => state.uci.confirm(state.req.form.get('token')),
  'luci.controller.admin.uci.action_revert': (d, state, resolved) => {
    const session = authSession(d, resolved);
    return session ? state.uci.revert(session) : stateReply(Status.PERMISSION_DENIED);
  },
};

/** Runs a function action luci-base defines; undefined for any other. */
export function runFunction(d: LuciDispatcher, state: RequestState, resolved: Resolved, action: JsonObject): ActionReply | Promise<ActionReply> | undefined {
  const key = `${String(action.module)}.${String(action.function)}`;
  return Object.hasOwn(handlers, key) ? handlers[key]!(d, state, resolved) : undefined;
}
