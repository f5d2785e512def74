// ubus status numbers (libubus ubus_msg_status), the first element of a JSON-RPC `call` result,
// and the JSON-RPC errors uhttpd's ubus handler answers with (uhttpd ubus.c, json_errors).

export const UbusStatus = {
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

const NAMES: readonly string[] = [
  'ok', 'invalid command', 'invalid argument', 'method not found', 'not found', 'no data', 'permission denied',
  'timeout', 'not supported', 'unknown error', 'connection failed', 'no memory', 'parse error', 'system error',
];

/** A status as a client reports it: `permission denied`, `ubus status 42`. */
export function ubusStatusName(status: number): string {
  return NAMES[status] ?? `ubus status ${status}`;
}

/** uhttpd's JSON-RPC error codes (a refused or unknown session, object or method). */
export const JsonRpcCode = {
  PARSE: -32700,
  REQUEST: -32600,
  METHOD: -32601,
  PARAMS: -32602,
  INTERNAL: -32603,
  OBJECT: -32000,
  SESSION: -32001,
  ACCESS: -32002,
  TIMEOUT: -32003,
} as const;
