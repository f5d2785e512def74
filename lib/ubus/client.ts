// A client of a router's ubus over JSON-RPC (uhttpd's /ubus, as LuCI speaks it): `call` with
// the session id as the first parameter, batches of calls in one request, rpcd's login, ubus
// status codes as errors, a time-out per request and one keep-alive connection per client.
import { agentFor, postJson, type Agent } from './http.js';
import { ubusStatusName, UbusStatus } from './status.js';
import { isObject } from './uci-values.js';

/** rpcd's session id for calls made without logging in (session.c RPC_DEFAULT_SESSION_ID). */
export const NULL_SESSION = '00000000000000000000000000000000';

const DEFAULT_TIMEOUT_MS = 10_000;

/** uhttpd's bound on a request body (ubus.c UH_UBUS_MAX_POST_SIZE): past it, a parse error. */
export const MAX_REQUEST_BYTES = 65536;

/**
 * A call that did not succeed: a ubus status other than 0 (`status`), a JSON-RPC error of
 * uhttpd (`code`: -32002 Access denied, …), or no usable answer at all (neither: the
 * connection failed, timed out, or the reply was not JSON-RPC).
 */
export class UbusError extends Error {
  override name = 'UbusError';
  readonly status?: number;
  readonly code?: number;
  constructor(message: string, detail: { status?: number; code?: number } = {}) {
    super(message);
    if (detail.status !== undefined) this.status = detail.status;
    if (detail.code !== undefined) this.code = detail.code;
  }
  /** The router answered (a refusal), as opposed to a transport failure. */
  get answered(): boolean {
    return this.status !== undefined || this.code !== undefined;
  }
}

/** The outcome of one call: its data, or why there is none (`permission denied`, `Access denied`). */
export type UbusReply = { ok: true; data: unknown } | { ok: false; error: string; status?: number; code?: number };

/** A reply's data; a refusal throws a UbusError naming the call (`what`: `object method`). */
export function replyData(reply: UbusReply, what: string): unknown {
  if (reply.ok) return reply.data;
  throw new UbusError(`ubus call ${what}: ${reply.error}`, reply);
}

/** One call of a batch. */
export interface UbusCall {
  object: string;
  method: string;
  args?: Record<string, unknown>;
}

interface Envelope {
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown };
}

export interface UbusClientOptions {
  /** Time-out of each call in ms (default 10000). */
  timeoutMs?: number;
  /** The session to call with (default: the unauthenticated one). */
  session?: string;
  /** Keep the connection open between calls (default true). */
  keepAlive?: boolean;
}

export interface LoginReply {
  /** The session's time-out in seconds, as rpcd granted it. */
  timeout: number;
}


export class UbusClient {
  readonly url: string;
  session: string;
  readonly timeoutMs: number;
  readonly #target: URL;
  readonly #agent: Agent;
  #id = 0;

  constructor(url: string, opts: UbusClientOptions = {}) {
    this.url = url;
    this.#target = new URL(url);
    if (this.#target.protocol !== 'http:' && this.#target.protocol !== 'https:') throw new TypeError(`${url}: not an http(s) URL`);
    this.session = opts.session ?? NULL_SESSION;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#agent = agentFor(this.#target, opts.keepAlive ?? true);
  }

  /**
   * `ubus call object method args` with the client's session. A refusal is a reply; a failed
   * exchange (no connection, time-out, a reply that is not JSON-RPC) throws a UbusError.
   */
  async call(object: string, method: string, args: Record<string, unknown> = {}, timeoutMs = this.timeoutMs): Promise<UbusReply> {
    const id = ++this.#id;
    const msg = await this.#post(this.#message(id, { object, method, args }), `ubus call ${object} ${method}`, timeoutMs);
    if (Array.isArray(msg)) throw new UbusError(`${this.url}: a batch reply to one call`);
    return this.#reply(msg);
  }

  /**
   * Several calls in one request (a JSON-RPC batch, which uhttpd runs one after another), each
   * answered as `call` answers it, in the order given. A batch whose body would pass uhttpd's
   * bound on a request (MAX_REQUEST_BYTES) goes as several requests, one after another; the
   * time-out is for all of them.
   */
  async batch(calls: readonly UbusCall[], timeoutMs = this.timeoutMs): Promise<UbusReply[]> {
    const end = Date.now() + timeoutMs;
    const out: UbusReply[] = [];
    for (const part of this.#parts(calls)) {
      const msg = await this.#post(`[${part.texts.join(',')}]`, `ubus call ${part.calls[0]!.object} ${part.calls[0]!.method} (batch of ${part.calls.length} calls)`, Math.max(1, end - Date.now()));
      const replies = Array.isArray(msg) ? msg : [msg];
      const byId = new Map(replies.filter(isObject).map((r) => [r.id, r as Envelope]));
      part.calls.forEach((c, i) => {
        const r = byId.get(part.first + i);
        if (!r) throw new UbusError(`${this.url}: no reply to ubus call ${c.object} ${c.method} in the batch`);
        out.push(this.#reply(r));
      });
    }
    return out;
  }

  /** The calls as batches of at most MAX_REQUEST_BYTES (a call longer than that alone). */
  #parts(calls: readonly UbusCall[]): { first: number; calls: UbusCall[]; texts: string[] }[] {
    const parts: { first: number; calls: UbusCall[]; texts: string[] }[] = [];
    let bytes = 0;
    for (const c of calls) {
      const id = ++this.#id;
      const text = this.#message(id, c);
      const size = Buffer.byteLength(text) + 1; // and its comma or bracket
      let part = parts.at(-1);
      if (!part || bytes + size > MAX_REQUEST_BYTES) {
        parts.push((part = { first: id, calls: [], texts: [] }));
        bytes = 1;
      }
      part.calls.push(c);
      part.texts.push(text);
      bytes += size;
    }
    return parts;
  }

  #message(id: number, c: UbusCall): string {
    return JSON.stringify({ jsonrpc: '2.0', id, method: 'call', params: [this.session, c.object, c.method, c.args ?? {}] });
  }

  async #post(body: string, what: string, timeoutMs: number): Promise<Envelope | unknown[]> {
    let reply;
    try {
      reply = await postJson(this.#target, body, this.#agent, timeoutMs);
    } catch (e) {
      throw new UbusError(`${this.url}: ${what}: ${(e as Error).message}`);
    }
    try {
      const msg = JSON.parse(reply.text) as unknown;
      if (isObject(msg) || Array.isArray(msg)) return msg as Envelope | unknown[];
    } catch {
      // below
    }
    throw new UbusError(`${this.url}: HTTP ${reply.status}, not a JSON-RPC reply`);
  }

  #reply(msg: Envelope): UbusReply {
    if (isObject(msg.error)) {
      const code = typeof msg.error.code === 'number' ? msg.error.code : undefined;
      return { ok: false, error: String(msg.error.message ?? 'JSON-RPC error'), ...(code === undefined ? {} : { code }) };
    }
    const result = Array.isArray(msg.result) ? msg.result : [];
    const status = typeof result[0] === 'number' ? result[0] : UbusStatus.UNKNOWN_ERROR;
    if (status !== UbusStatus.OK) return { ok: false, error: ubusStatusName(status), status };
    return { ok: true, data: result[1] ?? null };
  }

  /** call, with a refusal thrown as a UbusError naming the call. */
  async request(object: string, method: string, args: Record<string, unknown> = {}, timeoutMs = this.timeoutMs): Promise<unknown> {
    return replyData(await this.call(object, method, args, timeoutMs), `${object} ${method}`);
  }

  /**
   * rpcd's `session login`; the client calls with the new session from then on. A wrong user
   * or password is rpcd's `permission denied` (session.c rpc_handle_login).
   */
  async login(username: string, password: string, timeoutSeconds?: number): Promise<LoginReply> {
    const args = { username, password, ...(timeoutSeconds === undefined ? {} : { timeout: timeoutSeconds }) };
    const r = await this.call('session', 'login', args);
    if (!r.ok) throw new UbusError(`login as '${username}' at ${this.url} failed: ${r.error}`, r);
    if (!isObject(r.data) || typeof r.data.ubus_rpc_session !== 'string') {
      throw new UbusError(`login as '${username}' at ${this.url} failed: no session in the reply`);
    }
    this.session = r.data.ubus_rpc_session;
    return { timeout: typeof r.data.timeout === 'number' ? r.data.timeout : 0 };
  }

  /** A client with the same session over a connection of its own (none of this one's sockets). */
  withNewConnection(): UbusClient {
    return new UbusClient(this.url, { session: this.session, timeoutMs: this.timeoutMs, keepAlive: false });
  }

  /** Closes the kept connection. */
  close(): void {
    this.#agent.destroy();
  }
}
