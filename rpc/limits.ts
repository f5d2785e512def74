// What the server lets clients hold: request body bytes in flight (in total, counted in
// rpc/body.ts) and time. The time-outs are uhttpd's defaults (main.c: network_timeout 30 s,
// http_keepalive 20 s, script_timeout 60 s; client.c: a new connection has network_timeout to
// send its headers, a kept-alive one http_keepalive for the next request's).

export interface ServerLimits {
  /** Body bytes of all requests being read at once; a request past it is answered 503. */
  bodyBytesInFlight: number;
  /** To send a request's headers (uhttpd's network timeout, -T). */
  headersTimeoutMs: number;
  /** To send the whole request, body included (uhttpd's script timeout, -t). */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this (uhttpd's HTTP keep-alive, -k). */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  // 128 requests at the 64 KiB body limit
  bodyBytesInFlight: 8 << 20,
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 20_000,
};
