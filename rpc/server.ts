// HTTP in front of the bus, as uhttpd's ubus handler (ubus.c) serves it: POST /ubus with single
// or batch JSON-RPC requests, POST /ubus/call/<object> with a Bearer session, GET /ubus/list,
// OPTIONS and CORS, and the 64 KiB body limit. Every call writes one request-log line. What
// clients may hold, bytes in flight and time, is bounded (rpc/limits.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RpcError, Status, statusMessage } from './errors.js';
import { hasData, type Bus, type CallInfo } from './dispatch.js';
import { errorText, readRequest, requestId, rpcErrorText, successPieces, successText } from './envelope.js';
import { byteLength, isJsonObject, joinStrings, jsonPiece, type Json, type JsonPieces } from './json.js';
import { RequestBodies } from './body.js';
import { DEFAULT_LIMITS, type ServerLimits } from './limits.js';
import { ANONYMOUS_SID } from './session.js';

/** UH_UBUS_MAX_POST_SIZE */
export const BODY_LIMIT = 65536;
const PREFIX = '/ubus';
/** LuCI's rpc.js appends `/object.method;object.method…` to the endpoint; it only labels the request. */
const luciSuffix = /^\/[^/;.]+\.[^/;]+(?:;[^/;.]+\.[^/;]+)*$/;

export type LogSink = (line: string) => void;

export interface ServerOptions {
  bus: Bus;
  cors: boolean;
  log?: LogSink;
  /**
   * Answers every request outside /ubus (LuCI's dispatcher and files with `serve --root`); none:
   * 404. It reads a body through `bodies`, within the same bound as /ubus bodies.
   */
  fallback?: (req: IncomingMessage, res: ServerResponse, bodies: RequestBodies) => Promise<void>;
  /** Body and time limits other than uhttpd's defaults (rpc/limits.ts). */
  limits?: Partial<ServerLimits>;
}

let lastMs = NaN;
let lastIso = '';

/** The log's timestamp, formatted once per millisecond (a busy server logs many calls in one). */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

export class RpcHttpHandler {
  readonly limits: ServerLimits;
  private readonly bodies: RequestBodies;

  constructor(private readonly options: ServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.bodies = new RequestBodies(this.limits.bodyBytesInFlight);
  }

  private corsHeaders(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (!this.options.cors || origin === undefined) return;
    const method = req.headers['access-control-request-method'];
    if (method !== undefined && method !== 'GET' && method !== 'POST' && method !== 'OPTIONS') return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    const headers = req.headers['access-control-request-headers'];
    if (headers !== undefined) res.setHeader('Access-Control-Allow-Headers', headers);
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }

  private send(req: IncomingMessage, res: ServerResponse, status: number, body: string | JsonPieces): void {
    this.corsHeaders(req, res);
    const parts = typeof body === 'string' ? [body] : joinStrings(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': byteLength(parts) });
    // node corks the socket on the first write: the parts leave in one writev
    for (let i = 0; i < parts.length - 1; i++) res.write(parts[i]);
    res.end(parts[parts.length - 1]);
  }

  private plain(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private log(remote: string, kind: string, info: CallInfo, outcome: number, started: number): void {
    const sink = this.options.log;
    if (!sink) return;
    const ms = performance.now() - started;
    const target = info.object ? `${info.object}.${info.method}` : '-';
    sink(`${isoNow()} ${remote} ${kind} ${target} ${outcome} ${ms.toFixed(2)}ms`);
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.route(req, res).catch((err: unknown) => {
      this.options.log?.(`${new Date().toISOString()} internal error: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) this.send(req, res, 200, rpcErrorText(null, 'INTERNAL'));
      else res.destroy();
    });
  };

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path !== PREFIX && !path.startsWith(`${PREFIX}/`)) {
      return this.options.fallback ? this.options.fallback(req, res, this.bodies) : this.plain(res, 404, 'Not Found\n');
    }
    const rest = path.slice(PREFIX.length);
    switch (req.method) {
      case 'OPTIONS':
        this.corsHeaders(req, res);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 0 });
        res.end();
        return;
      case 'GET':
        return this.get(req, res, rest);
      case 'POST':
        return this.post(req, res, rest);
      default:
        return this.plain(res, 400, 'Invalid Request\n');
    }
  }

  private get(req: IncomingMessage, res: ServerResponse, rest: string): void {
    if (rest !== '/list' && !rest.startsWith('/list/')) return this.plain(res, 404, 'Not Found\n');
    const pattern = rest.length > '/list/'.length ? decodeURIComponent(rest.slice('/list/'.length)) : undefined;
    const found = this.options.bus.listPath(pattern);
    if (found === null) {
      const body = JSON.stringify({ code: Status.NOT_FOUND, message: statusMessage(Status.NOT_FOUND) });
      return this.send(req, res, 500, body);
    }
    this.send(req, res, 200, JSON.stringify(found));
  }

  private async post(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    const legacy = rest === '' || rest === '/' || luciSuffix.test(rest);
    const object = rest.startsWith('/call/') ? decodeURIComponent(rest.slice('/call/'.length)) : undefined;
    if (!legacy && object === undefined) return this.plain(res, 404, 'Not Found\n');
    await this.bodies.answer(req, res, BODY_LIMIT, async (text) => {
      if (text === null) return this.send(req, res, 200, rpcErrorText(null, 'PARSE'));
      const remote = req.socket.remoteAddress ?? '-';
      const parsed = parseJson(text);
      this.send(req, res, 200, legacy ? await this.legacy(parsed, remote) : await this.callPath(parsed, object!, req, remote));
    });
  }

  /** Body bytes of the requests being read or answered now. */
  get bodyBytesInFlight(): number {
    return this.bodies.inFlight;
  }

  private async legacy(doc: Json | undefined, remote: string): Promise<JsonPieces> {
    if (Array.isArray(doc)) {
      const parts: JsonPieces = ['['];
      // one after the other, as uhttpd does: a batch's staged changes happen in order
      for (const element of doc) {
        if (parts.length > 1) parts.push(',');
        parts.push(...(await this.single(element, remote)));
      }
      parts.push(']');
      return parts;
    }
    if (isJsonObject(doc)) return this.single(doc, remote);
    return [rpcErrorText(null, 'PARSE')];
  }

  private async single(raw: Json, remote: string): Promise<JsonPieces> {
    const started = performance.now();
    const id = requestId(raw);
    const request = readRequest(raw);
    const info: CallInfo = {};
    if (request === null) {
      this.log(remote, 'invalid', info, -32700, started);
      return [rpcErrorText(id, 'PARSE')];
    }
    if (request.method === 'list') {
      this.log(remote, 'list', info, Status.OK, started);
      return [successText(id, this.options.bus.list(request.params))];
    }
    if (request.method !== 'call') {
      this.log(remote, request.method || '-', info, -32601, started);
      return [rpcErrorText(id, 'METHOD')];
    }
    const outcome = await this.options.bus.call(request.params, remote, info);
    if ('error' in outcome) {
      this.log(remote, 'call', info, RpcError[outcome.error].code, started);
      return [rpcErrorText(id, outcome.error)];
    }
    this.log(remote, 'call', info, info.status ?? Status.OK, started);
    return successPieces(id, outcome.result);
  }

  /** POST /ubus/call/<object>: the request's method is the ubus method, its params the arguments. */
  private async callPath(doc: Json | undefined, object: string, req: IncomingMessage, remote: string): Promise<JsonPieces> {
    const started = performance.now();
    const id = doc === undefined ? null : requestId(doc);
    const request = isJsonObject(doc) ? readRequest(doc) : null;
    const info: CallInfo = { object, method: request?.method };
    if (request === null) return [rpcErrorText(id, 'PARSE')];
    const bus = this.options.bus;
    const auth = req.headers.authorization;
    const sid = auth && /^bearer /i.test(auth) ? auth.slice(7) : ANONYMOUS_SID;
    const allowed = bus.authorize(sid, object, request.method);
    if ('error' in allowed) {
      this.log(remote, 'call', info, RpcError[allowed.error].code, started);
      return [rpcErrorText(id, allowed.error)];
    }
    const args = request.params ?? {};
    if (!isJsonObject(args) || Object.hasOwn(args, 'ubus_rpc_session')) return [rpcErrorText(id, 'PARAMS')];
    const r = await bus.invoke(object, request.method, args, { session: allowed.session, remote });
    this.log(remote, 'call', info, r.status, started);
    if (r.status !== Status.OK) return [errorText(id, r.status, statusMessage(r.status))];
    return hasData(r) ? successPieces(id, [jsonPiece(r.data)]) : [successText(id, null)];
  }
}

export interface RunningServer {
  server: Server;
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

export function listen(handler: RpcHttpHandler, host: string, port: number): Promise<RunningServer> {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = handler.limits;
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: keepAliveTimeoutMs,
      // how often node looks for requests past their time-outs (default 30 s: a slow client
      // would keep its socket up to that much longer)
      connectionsCheckingInterval: Math.min(1000, headersTimeoutMs),
    },
    handler.handle,
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        server,
        url: `http://${shown}:${addr.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
