// rpcd's session object (session.c). The HTTP layer injects the caller's id as
// ubus_rpc_session, so every method works on the caller's own session.
import { grantsFor, loadAclDir } from '../acl.js';
import { fail, ok, type CallContext, type MethodResult, type UbusObject } from '../dispatch.js';
import { Status } from '../errors.js';
import type { JsonObject } from '../json.js';
import { verifyLogin } from '../logins.js';
import { verifyPassword } from '../password.js';
import type { Session, SessionStore } from '../session.js';
import type { User } from '../settings.js';
import type { LoginThrottle } from '../throttle.js';

export interface SessionObjectOptions {
  sessions: SessionStore;
  /** Everyone who may log in, in the order they are tried (read at every login). */
  users: () => User[];
  /** Shadow file for `$p$<user>` passwords. */
  shadowFile?: string;
  aclDir: string;
  defaultTimeout: number;
  throttle: LoginThrottle;
  /** The session id of a pending rollback-protected apply, reclaimed by its user's next login. */
  pendingApplySid: () => string | undefined;
  now?: () => number;
  warn?: (message: string) => void;
}

/** rpc_login_setup_acls: the acl.d files are read at every login, so edits apply without a restart. */
export function setupAcls(session: Session, user: User | null, aclDir: string, warn?: (m: string) => void): void {
  const { groups, errors } = loadAclDir(aclDir);
  for (const e of errors) warn?.(e);
  session.grantAll(grantsFor(user, groups));
}

function grantPairs(objects: unknown): [string, string][] {
  const out: [string, string][] = [];
  if (!Array.isArray(objects)) return out;
  for (const entry of objects) {
    if (!Array.isArray(entry)) continue;
    const strings = entry.filter((x): x is string => typeof x === 'string');
    if (strings.length >= 2) out.push([strings[0]!, strings[1]!]);
  }
  return out;
}

function keyList(keys: unknown): string[] | undefined {
  return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : undefined;
}

export function sessionObject(o: SessionObjectOptions): UbusObject {
  const now = o.now ?? Date.now;
  const create = (args: JsonObject) => o.sessions.create(typeof args.timeout === 'number' ? args.timeout : o.defaultTimeout);

  /** rpcd dumps a new or logged-in session in the same instant it set the timer: `expires` equals `timeout`. */
  function started(session: Session): MethodResult {
    const t = now();
    session.touch(t);
    return ok(session.dump(t, true));
  }

  async function login(args: JsonObject, ctx: CallContext): Promise<MethodResult> {
    const username = args.username as string;
    const password = args.password as string;
    if (o.throttle.waitFor(ctx.remote) > 0) return fail(Status.PERMISSION_DENIED);
    const candidates = o.users().filter((u) => u.username === username);
    let user: User | undefined;
    // an unknown user still costs one hash, so response times do not reveal user names
    if (candidates.length === 0) await verifyPassword(password, undefined);
    for (const c of candidates) {
      if (await verifyLogin(password, c.password, o.shadowFile)) {
        user = c;
        break;
      }
    }
    if (!user) {
      o.throttle.failed(ctx.remote);
      return fail(Status.PERMISSION_DENIED);
    }
    o.throttle.succeeded(ctx.remote);
    const pending = o.pendingApplySid();
    const reclaimed = pending === undefined ? undefined : o.sessions.get(pending);
    const session = reclaimed && reclaimed.username === username ? reclaimed : create(args);
    setupAcls(session, user, o.aclDir, o.warn);
    session.data.set('username', username);
    return started(session);
  }

  return {
    name: 'session',
    methods: {
      create: (args) => started(create(args)),
      list: (_args, ctx) => ok(ctx.session.dump(now(), true)),
      grant: (args, ctx) => {
        const scope = typeof args.scope === 'string' ? args.scope : 'ubus';
        if (args.objects === undefined) return fail(Status.INVALID_ARGUMENT);
        for (const [object, func] of grantPairs(args.objects)) ctx.session.grant(scope, object, func);
        return ok();
      },
      revoke: (args, ctx) => {
        const scope = typeof args.scope === 'string' ? args.scope : 'ubus';
        if (args.objects === undefined) ctx.session.revoke(scope);
        else for (const [object, func] of grantPairs(args.objects)) ctx.session.revoke(scope, object, func);
        return ok();
      },
      access: (args, ctx) => {
        if (typeof args.object === 'string' && typeof args.function === 'string') {
          const scope = typeof args.scope === 'string' ? args.scope : 'ubus';
          return ok({ access: ctx.session.allowed(scope, args.object, args.function) });
        }
        return ok(ctx.session.dumpAcls());
      },
      set: (args, ctx) => {
        for (const [key, value] of Object.entries(args.values as JsonObject)) if (key !== '') ctx.session.data.set(key, value);
        return ok();
      },
      get: (args, ctx) => ok({ values: ctx.session.dumpData(keyList(args.keys)) }),
      unset: (args, ctx) => {
        const keys = keyList(args.keys);
        if (keys === undefined) ctx.session.data.clear();
        else for (const k of keys) ctx.session.data.delete(k);
        return ok();
      },
      destroy: (_args, ctx) => {
        if (ctx.session === o.sessions.anonymous) return fail(Status.PERMISSION_DENIED);
        o.sessions.destroy(ctx.session);
        return ok();
      },
      login,
    },
  };
}
