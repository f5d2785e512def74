// From a parsed JSON-RPC request to its result: uhttpd's `call` and `list` handling
// (params checks, object lookup, ACL check in scope "ubus") and ubus's method invocation
// (argument validation, status and data).
import { Status, type RpcErrorKind } from './errors.js';
import { isJsonObject, jsonPiece, RawJson, type Json, type JsonObject, type JsonPieces } from './json.js';
import { loadObjectSchema, withoutNulls, type MethodSchema, type Signature } from './schemas.js';
import type { Session, SessionStore } from './session.js';

/** What a method sees of the request beyond its arguments. */
export interface CallContext {
  session: Session;
  /** The client's address (login throttling, logs). */
  remote: string;
}

export interface MethodResult {
  status: number;
  /** Reply data; RawJson for an object already serialized (never an empty one). */
  data?: JsonObject | RawJson;
}

/** ubus sends data only when the reply has at least one field. */
export function hasData(r: MethodResult): r is MethodResult & { data: JsonObject | RawJson } {
  return r.data !== undefined && (r.data instanceof RawJson || Object.keys(r.data).length > 0);
}

export type MethodHandler = (args: JsonObject, ctx: CallContext) => MethodResult | Promise<MethodResult>;

export interface UbusObject {
  name: string;
  methods: Record<string, MethodHandler>;
}

interface Registered {
  handlers: Record<string, MethodHandler>;
  schemas: Map<string, MethodSchema>;
}

/** The outcome of one envelope: a JSON-RPC error, or the JSON to put in `result`. */
export type Outcome = { error: RpcErrorKind } | { result: JsonPieces };

/** What the request log records of a call. */
export interface CallInfo {
  object?: string;
  method?: string;
  status?: number;
}

export const ok = (data?: JsonObject | RawJson): MethodResult => ({ status: Status.OK, data });
export const fail = (status: number): MethodResult => ({ status });

export class Bus {
  private readonly objects = new Map<string, Registered>();

  constructor(readonly sessions: SessionStore) {}

  /** Registers an object whose methods must be exactly those of schemas/rpc/<name>.json. */
  register(object: UbusObject, schemaDir?: string): void {
    const schemas = loadObjectSchema(object.name, schemaDir);
    const missing = [...schemas.keys()].filter((m) => !(m in object.methods));
    const extra = Object.keys(object.methods).filter((m) => !schemas.has(m));
    if (missing.length || extra.length) {
      throw new Error(`object '${object.name}': methods without handler [${missing}] or without schema [${extra}]`);
    }
    this.objects.set(object.name, { handlers: object.methods, schemas });
  }

  private names(): string[] {
    return [...this.objects.keys()].sort();
  }

  /** ubusd's lookup: an exact path, or a prefix when the pattern ends in `*`. */
  private lookup(pattern: string): string[] {
    if (pattern.endsWith('*')) return this.names().filter((n) => n.startsWith(pattern.slice(0, -1)));
    return this.objects.has(pattern) ? [pattern] : [];
  }

  signatures(name: string): Record<string, Signature> {
    const out: Record<string, Signature> = {};
    for (const [method, schema] of this.objects.get(name)!.schemas) out[method] = schema.signature;
    return out;
  }

  /** JSON-RPC `list`: names without patterns, signatures per object with them. */
  list(params: Json | undefined): Json {
    if (!Array.isArray(params)) return this.names();
    const out: JsonObject = {};
    for (const p of params) if (typeof p === 'string') for (const n of this.lookup(p)) out[n] = this.signatures(n);
    return out;
  }

  /** GET /ubus/list[/pattern]: null when nothing matches (ubus NOT_FOUND). */
  listPath(pattern: string | undefined): JsonObject | null {
    const names = pattern === undefined ? this.names() : this.lookup(pattern);
    if (names.length === 0) return null;
    if (pattern === undefined) return Object.fromEntries(names.map((n) => [n, this.signatures(n)]));
    return Object.assign({}, ...names.map((n) => this.signatures(n))) as JsonObject;
  }

  /**
   * Session, object and ACL checks that precede a call (uh_ubus_allowed): -32000 for an
   * unknown object, -32002 when the session is unknown, expired or not granted object.method.
   */
  authorize(sid: string, object: string, method: string): { error: RpcErrorKind } | { session: Session } {
    if (!this.objects.has(object)) return { error: 'OBJECT' };
    const session = this.sessions.get(sid);
    if (!session || !session.allowed('ubus', object, method)) return { error: 'ACCESS' };
    return { session };
  }

  /** Invokes a method as ubus would after the checks: status 3 for an unknown method, 2 for bad arguments. */
  invoke(object: string, method: string, args: JsonObject, ctx: CallContext): MethodResult | Promise<MethodResult> {
    const target = this.objects.get(object)!;
    const handler = target.handlers[method];
    if (!handler || !Object.hasOwn(target.handlers, method)) return fail(Status.METHOD_NOT_FOUND);
    const full = withoutNulls({ ...args, ubus_rpc_session: ctx.session.id });
    if (!target.schemas.get(method)!.validate(full)) return fail(Status.INVALID_ARGUMENT);
    return handler(full, ctx);
  }

  /** The legacy envelope's `call`: params [sid, object, method, args] → [status] or [status, data]. */
  async call(params: Json | undefined, remote: string, info: CallInfo): Promise<Outcome> {
    if (!Array.isArray(params)) return { error: 'PARSE' };
    const [sid, object, method, args] = params;
    // uhttpd parses params positionally (string, string, string, table); anything else is a parse error
    if (typeof sid !== 'string' || typeof object !== 'string' || typeof method !== 'string' || !isJsonObject(args)) {
      return { error: 'PARSE' };
    }
    info.object = object;
    info.method = method;
    const auth = this.authorize(sid, object, method);
    if ('error' in auth) return auth;
    if (Object.hasOwn(args, 'ubus_rpc_session')) return { error: 'PARAMS' };
    const r = await this.invoke(object, method, args, { session: auth.session, remote });
    info.status = r.status;
    return { result: hasData(r) ? [`[${r.status},`, jsonPiece(r.data), ']'] : [`[${r.status}]`] };
  }
}

