// The one table of error codes the server answers with: uhttpd's JSON-RPC errors (ubus.c,
// `json_errors`) and ubus status numbers with libubus's messages (`__ubus_strerror`).

/** JSON-RPC errors as uhttpd's ubus handler emits them. */
export const RpcError = {
  PARSE: { code: -32700, message: 'Parse error' },
  REQUEST: { code: -32600, message: 'Invalid request' },
  METHOD: { code: -32601, message: 'Method not found' },
  PARAMS: { code: -32602, message: 'Invalid parameters' },
  INTERNAL: { code: -32603, message: 'Internal error' },
  OBJECT: { code: -32000, message: 'Object not found' },
  SESSION: { code: -32001, message: 'Session not found' },
  ACCESS: { code: -32002, message: 'Access denied' },
  TIMEOUT: { code: -32003, message: 'ubus request timed out' },
} as const;

export type RpcErrorKind = keyof typeof RpcError;

/** ubus status numbers, the first element of a `call` result. */
export const Status = {
  OK: 0,
  INVALID_COMMAND: 1,
  INVALID_ARGUMENT: 2,
  METHOD_NOT_FOUND: 3,
  NOT_FOUND: 4,
  NO_DATA: 5,
  PERMISSION_DENIED: 6,
  TIMEOUT: 7,
  NOT_SUPPORTED: 8,
  UNKNOWN_ERROR: 9,
  CONNECTION_FAILED: 10,
  NO_MEMORY: 11,
  PARSE_ERROR: 12,
  SYSTEM_ERROR: 13,
} as const;

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
