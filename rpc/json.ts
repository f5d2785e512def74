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
 * A reply's JSON text in pieces: strings still to encode and buffers already encoded. The
 * response writes the pieces as they are (one socket write, the buffers not copied).
 */
export type JsonPieces = (string | Buffer)[];

export function jsonPiece(value: Json | RawJson): string | Buffer {
  return value instanceof RawJson ? value.bytes : JSON.stringify(value);
}

/** Adjacent strings joined, so that the response writes as few chunks as possible. */
export function joinStrings(pieces: JsonPieces): JsonPieces {
  const out: JsonPieces = [];
  for (const p of pieces) {
    const last = out.length - 1;
    if (typeof p === 'string' && typeof out[last] === 'string') out[last] += p;
    else out.push(p);
  }
  return out;
}

export function byteLength(pieces: JsonPieces): number {
  let size = 0;
  for (const p of pieces) size += typeof p === 'string' ? Buffer.byteLength(p) : p.length;
  return size;
}
