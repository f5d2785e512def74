// JSON values as they travel through the envelope and method arguments.
export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text serialized once and sent many times (a cached `uci get` reply). */
export class RawJson {
  constructor(readonly text: string) {}
}

export function toJsonText(value: Json | RawJson): string {
  return value instanceof RawJson ? value.text : JSON.stringify(value);
}
