// Public API of the ubus JSON-RPC client (a router's /ubus endpoint, as LuCI calls it).
export { MAX_REQUEST_BYTES, NULL_SESSION, replyData, UbusClient, UbusError, type LoginReply, type UbusCall, type UbusClientOptions, type UbusReply } from './client.js';
export { JsonRpcCode, UbusStatus, ubusStatusName } from './status.js';
export { changeRecord, documentFromValues, isObject, type ChangeRecord, type UciValues } from './uci-values.js';
