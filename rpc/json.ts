// JSON values as they travel through the envelope and method arguments.
export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text encoded once and sent many times (a cached `uci get` reply): never encoded again. */
export class RawJson {
  readonly bytes: Buffer;
  constructor(text: string) {
    this.bytes = Buffer.from(text, 'utf8');
  }
}

/**
 * A reply's JSON text in pieces: strings still to encode and buffers already encoded. A reply
 * is put together as pieces and encoded once, into the one buffer the response is written from.
 */
export type JsonPieces = (string | Buffer)[];

export function toJsonPieces(value: Json | RawJson): JsonPieces {
  return [value instanceof RawJson ? value.bytes : JSON.stringify(value)];
}

export function piecesToBuffer(pieces: JsonPieces): Buffer {
  let size = 0;
  for (const p of pieces) size += typeof p === 'string' ? Buffer.byteLength(p) : p.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of pieces) at += typeof p === 'string' ? out.write(p, at) : p.copy(out, at);
  return out;
}
