// Sessions as rpcd keeps them (session.c): a 32-hex id from the CSPRNG, a timeout in seconds
// renewed by every use, ACL grants per scope, and a small key/value store. The anonymous
// session (all zeros) never expires and holds the "unauthenticated" group.
import { randomBytes } from 'node:crypto';
import { matcher, type ScopedGrant } from './acl.js';
import type { Json, JsonObject } from './json.js';

export const ANONYMOUS_SID = '00000000000000000000000000000000';
/** RPC_DEFAULT_SESSION_TIMEOUT */
export const DEFAULT_SESSION_TIMEOUT = 300;
const sidPattern = /^[0-9a-fA-F]{32}$/;

export function isValidSid(sid: string): boolean {
  return sidPattern.test(sid);
}

interface CompiledGrant {
  object: string;
  func: string;
  /** rpcd's AVL key: the object pattern up to its first wildcard; grants dump in this order. */
  key: string;
  matchObject: (s: string) => boolean;
  matchFunc: (s: string) => boolean;
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Session {
  readonly data = new Map<string, Json>();
  private readonly acls = new Map<string, CompiledGrant[]>();
  /** Milliseconds since the epoch; Infinity for a session that never expires. */
  expiresAt = Infinity;

  constructor(readonly id: string, readonly timeout: number) {}

  get username(): string | undefined {
    const u = this.data.get('username');
    return typeof u === 'string' ? u : undefined;
  }

  touch(now: number): void {
    if (this.timeout > 0) this.expiresAt = now + this.timeout * 1000;
  }

  grant(scope: string, object: string, func: string): void {
    let list = this.acls.get(scope);
    if (list?.some((g) => g.object === object && g.func === func)) return;
    if (!list) this.acls.set(scope, (list = []));
    const cut = object.search(/[*?[]/);
    list.push({
      object,
      func,
      key: cut < 0 ? object : object.slice(0, cut),
      matchObject: matcher(object),
      matchFunc: matcher(func),
    });
  }

  /** Without object and function: drop the whole scope (rpc_session_revoke). */
  revoke(scope: string, object?: string, func?: string): void {
    const list = this.acls.get(scope);
    if (!list) return;
    const kept = object === undefined && func === undefined ? [] : list.filter((g) => g.object !== object || g.func !== func);
    if (kept.length) this.acls.set(scope, kept);
    else this.acls.delete(scope);
  }

  grantAll(grants: Iterable<ScopedGrant>): void {
    for (const g of grants) this.grant(g.scope, g.object, g.func);
  }

  allowed(scope: string, object: string, func: string): boolean {
    const list = this.acls.get(scope);
    if (!list) return false;
    for (const g of list) if (g.matchObject(object) && g.matchFunc(func)) return true;
    return false;
  }

  /** `{scope: {object: [function, …]}}`, sorted as rpcd's AVL trees walk them. */
  dumpAcls(): JsonObject {
    const out: JsonObject = {};
    for (const scope of [...this.acls.keys()].sort(byteCompare)) {
      const objects: Record<string, string[]> = {};
      const sorted = [...this.acls.get(scope)!].sort((a, b) => byteCompare(a.key, b.key));
      for (const g of sorted) (objects[g.object] ??= []).push(g.func);
      out[scope] = objects;
    }
    return out;
  }

  dumpData(keys?: Iterable<string>): JsonObject {
    const out: JsonObject = {};
    const names = keys ? [...keys].filter((k) => this.data.has(k)) : [...this.data.keys()].sort(byteCompare);
    for (const k of names) out[k] = this.data.get(k)!;
    return out;
  }

  /** rpc_session_to_blob: what login, create and list answer. */
  dump(now: number, withAcls: boolean): JsonObject {
    const remaining = this.expiresAt === Infinity ? 0 : Math.max(0, Math.floor((this.expiresAt - now) / 1000));
    const out: JsonObject = { ubus_rpc_session: this.id, timeout: this.timeout, expires: remaining };
    if (withAcls) out.acls = this.dumpAcls();
    out.data = this.dumpData();
    return out;
  }
}

export type SessionListener = (session: Session) => void;

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly destroyListeners: SessionListener[] = [];
  readonly anonymous: Session;

  constructor(private readonly now: () => number = Date.now) {
    this.anonymous = new Session(ANONYMOUS_SID, 0);
    this.sessions.set(ANONYMOUS_SID, this.anonymous);
  }

  onDestroy(listener: SessionListener): void {
    this.destroyListeners.push(listener);
  }

  create(timeout: number): Session {
    let id: string;
    do id = randomBytes(16).toString('hex');
    while (this.sessions.has(id));
    const session = new Session(id, timeout);
    session.touch(this.now());
    this.sessions.set(id, session);
    return session;
  }

  /** The live session with this id, renewed; an expired one is destroyed on the way. */
  get(id: string): Session | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const now = this.now();
    if (session.expiresAt <= now) {
      this.destroy(session);
      return undefined;
    }
    session.touch(now);
    return session;
  }

  destroy(session: Session): void {
    if (session === this.anonymous || !this.sessions.delete(session.id)) return;
    for (const listener of this.destroyListeners) listener(session);
  }

  /** Destroys every expired session (their savedirs go with them). */
  sweep(): void {
    const now = this.now();
    for (const session of this.sessions.values()) if (session.expiresAt <= now) this.destroy(session);
  }
}
