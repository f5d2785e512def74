// LuCI's `admin/uci/*` endpoints (luci-base controller/admin/uci.uc) over the server's own uci
// object: apply_rollback applies with rollback and hands out the confirmation token, which the
// anonymous session keeps as `rollback: {token, session, timeout}`; confirm checks the token
// and confirms for the session that applied; apply_unchecked commits and applies without
// rollback; revert drops the session's staged changes. ubus statuses become HTTP replies as
// uci.uc's ubus_state_to_http maps them.
import { randomBytes } from 'node:crypto';
import type { Bus, MethodResult } from '../dispatch.js';
import { Status } from '../errors.js';
import { isJsonObject, RawJson, type Json, type JsonObject } from '../json.js';
import { Session, type SessionStore } from '../session.js';

/** An HTTP answer of an action. */
export interface ActionReply {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

/** uci.uc ubus_error_map: ubus status → HTTP status and message. */
const httpOfStatus: [number, string][] = [
  [200, 'OK'],
  [400, 'Invalid command'],
  [400, 'Invalid argument'],
  [404, 'Method not found'],
  [404, 'Not found'],
  [204, 'No data'],
  [403, 'Permission denied'],
  [504, 'Timeout'],
  [500, 'Not supported'],
  [500, 'Unknown error'],
  [503, 'Connection failed'],
  [500, 'Out of memory'],
  [400, 'Parse error'],
  [500, 'System error'],
];

export function stateReply(status: number): ActionReply {
  const [code, message] = httpOfStatus[status] ?? [200, 'OK'];
  if (code === 204) return { status: code, statusText: message, headers: {}, body: '' };
  return { status: code, statusText: message, headers: { 'Content-Type': 'text/plain' }, body: message };
}

export interface PendingRollback {
  token: string;
  session: string;
  /** Seconds left until the token expires. */
  remaining: number;
}

export interface UciActionsOptions {
  bus: Bus;
  sessions: SessionStore;
  now: () => number;
  remote: string;
}

export class UciActions {
  constructor(private readonly o: UciActionsOptions) {}

  private seconds(): number {
    return Math.floor(this.o.now() / 1000);
  }

  private async call(session: Session, method: string, args: JsonObject = {}): Promise<MethodResult> {
    return this.o.bus.invoke('uci', method, args, { session, remote: this.o.remote });
  }

  private async stagedConfigs(session: Session): Promise<string[] | number> {
    const r = await this.call(session, 'changes');
    if (r.status !== Status.OK) return r.status;
    const data = r.data instanceof RawJson ? (JSON.parse(r.data.bytes.toString('utf8')) as Json) : r.data;
    const changes = isJsonObject(data) ? data.changes : undefined;
    return isJsonObject(changes) ? Object.keys(changes) : [];
  }

  /** Commits or reverts every config the session has staged; the first failure's status ends it. */
  private async eachStaged(session: Session, method: 'commit' | 'revert'): Promise<number> {
    const configs = await this.stagedConfigs(session);
    if (typeof configs === 'number') return configs;
    for (const config of configs) {
      const r = await this.call(session, method, { config });
      if (r.status !== Status.OK) return r.status;
    }
    return Status.OK;
  }

  /** dispatcher.uc rollback_pending: the anonymous session's unexpired `rollback`. */
  pending(): PendingRollback | undefined {
    const data = this.o.sessions.anonymous.data.get('rollback');
    if (!isJsonObject(data)) return undefined;
    const { token, session, timeout } = data;
    if (typeof token !== 'string' || typeof session !== 'string' || !Number.isInteger(timeout)) return undefined;
    const remaining = (timeout as number) - this.seconds();
    return remaining > 0 ? { token, session, remaining } : undefined;
  }

  async applyRollback(session: Session, rollbackSeconds: number): Promise<ActionReply> {
    const r = await this.call(session, 'apply', { rollback: true, timeout: Math.max(rollbackSeconds, 90) });
    if (r.status !== Status.OK) return stateReply(r.status);
    const token = randomBytes(16).toString('hex');
    this.o.sessions.anonymous.data.set('rollback', { token, session: session.id, timeout: this.seconds() + rollbackSeconds });
    return { status: 200, statusText: 'OK', headers: { 'Content-Type': 'application/json; charset=UTF-8' }, body: JSON.stringify({ token }) };
  }

  async applyUnchecked(session: Session): Promise<ActionReply> {
    const committed = await this.eachStaged(session, 'commit');
    if (committed !== Status.OK) return stateReply(committed);
    // everything is committed now, so rpcd's apply finds nothing staged: 5, which LuCI expects as 204
    return stateReply((await this.call(session, 'apply', { rollback: false })).status);
  }

  async confirm(token: string | null): Promise<ActionReply> {
    const pending = this.pending();
    if (!pending) return stateReply(Status.NO_DATA);
    if (token !== pending.token) return stateReply(Status.PERMISSION_DENIED);
    // rpcd compares the session id only; the session that applied may have expired meanwhile
    const session = this.o.sessions.get(pending.session) ?? new Session(pending.session, 0);
    const r = await this.call(session, 'confirm');
    if (r.status !== Status.OK) return stateReply(r.status);
    this.o.sessions.anonymous.data.set('rollback', {});
    return stateReply(Status.OK);
  }

  async revert(session: Session): Promise<ActionReply> {
    return stateReply(await this.eachStaged(session, 'revert'));
  }
}
