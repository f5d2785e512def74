// The one table of error codes the server answers with: uhttpd's JSON-RPC errors (ubus.c,
// `json_errors`) and ubus status numbers with libubus's messages (`__ubus_strerror`).
import { JsonRpcCode, UbusStatus } from '../lib/ubus/index.js';

/** JSON-RPC errors as uhttpd's ubus handler emits them. */
export const RpcError = {
  PARSE: { code: JsonRpcCode.PARSE, message: 'Parse error' },
  REQUEST: { code: JsonRpcCode.REQUEST, message: 'Invalid request' },
  METHOD: { code: JsonRpcCode.METHOD, message: 'Method not found' },
  PARAMS: { code: JsonRpcCode.PARAMS, message: 'Invalid parameters' },
  INTERNAL: { code: JsonRpcCode.INTERNAL, message: 'Internal error' },
  OBJECT: { code: JsonRpcCode.OBJECT, message: 'Object not found' },
  SESSION: { code: JsonRpcCode.SESSION, message: 'Session not found' },
  ACCESS: { code: JsonRpcCode.ACCESS, message: 'Access denied' },
  TIMEOUT: { code: JsonRpcCode.TIMEOUT, message: 'ubus request timed out' },
} as const;

export type RpcErrorKind = keyof typeof RpcError;

/** ubus status numbers, the first element of a `call` result (one table with lib's client). */
export const Status = UbusStatus;

export type StatusCode = (typeof Status)[keyof typeof Status];

const statusText: readonly string[] = [
  'Success',
  'Invalid command',
  'Invalid argument',
  'Method not found',
  'Not found',
  'No response',
  'Permission denied',
  'Request timed out',
  'Operation not supported',
  'Unknown error',
  'Connection failed',
  'Out of memory',
  'Parsing message data failed',
  'System error',
];

/** libubus's `ubus_strerror`. */
export function statusMessage(status: number): string {
  return statusText[status] ?? 'Unknown error';
}
