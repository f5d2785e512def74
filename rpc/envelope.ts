// JSON-RPC messages in and out, with jsonrpc-lite. uhttpd is looser than JSON-RPC 2.0 about what
// it accepts (any id including null, any params, an empty method name) and answers every
// request, notifications included; `readRequest` keeps those answers.
import jsonrpc, { ErrorObject, JsonRpcError } from 'jsonrpc-lite';
import { RpcError, type RpcErrorKind } from './errors.js';
import { isJsonObject, type Json, type JsonPieces } from './json.js';

export interface RpcRequest {
  id: Json;
  method: string;
  params?: Json;
}

/** A request object as uhttpd's parse_json_rpc accepts it, or null (answered with -32700). */
export function readRequest(raw: Json): RpcRequest | null {
  const parsed = jsonrpc.parseObject(raw);
  if (parsed.type === 'request') {
    const p = parsed.payload;
    return { id: p.id, method: p.method, params: p.params as Json | undefined };
  }
  if (parsed.type === 'notification') return { id: null, method: parsed.payload.method, params: parsed.payload.params as Json | undefined };
  if (isJsonObject(raw) && raw.jsonrpc === '2.0' && typeof raw.method === 'string') {
    return { id: raw.id ?? null, method: raw.method, params: raw.params };
  }
  return null;
}

/** The id to echo: uhttpd copies the request's id, or null when there is none. */
export function requestId(raw: Json): Json {
  return isJsonObject(raw) && raw.id !== undefined ? raw.id : null;
}

/**
 * A success whose result is JSON already (pieces), in the envelope jsonrpc-lite's SuccessObject
 * serializes to (`{"jsonrpc":"2.0","id":…,"result":…}`), without re-serializing the pieces.
 */
export function successPieces(id: Json, result: JsonPieces): JsonPieces {
  return [`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":`, ...result, '}'];
}

/** A success whose result is still to serialize, as one string. */
export function successText(id: Json, result: Json): string {
  return successPieces(id, [JSON.stringify(result)]).join('');
}

// uhttpd writes "code" before "message"; jsonrpc-lite's JsonRpcError holds them the other way round
function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof JsonRpcError ? { code: value.code, message: value.message } : value;
}

export function errorText(id: Json, code: number, message: string): string {
  return JSON.stringify(new ErrorObject(id as string, new JsonRpcError(message, code)), errorReplacer);
}

export function rpcErrorText(id: Json, kind: RpcErrorKind): string {
  const e = RpcError[kind];
  return errorText(id, e.code, e.message);
}
