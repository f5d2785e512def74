// Method argument schemas (schemas/rpc/<object>.json): ajv validates every call's arguments, and
// the same properties, in order, give the signature `list` reports (ubus's blobmsg policy types).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { isJsonObject, type JsonObject } from './json.js';
import { packageRoot } from './paths.js';

export type Signature = Record<string, string>;

export interface MethodSchema {
  validate: ValidateFunction;
  signature: Signature;
}

interface PropertySchema {
  type?: string;
}

interface ObjectSchemaFile {
  object: string;
  methods: Record<string, { properties?: Record<string, PropertySchema> }>;
}

const blobmsgType: Record<string, string> = {
  string: 'string',
  integer: 'number',
  number: 'number',
  boolean: 'boolean',
  object: 'object',
  array: 'array',
};

// strictRequired off: `anyOf: [{required: [section]}, …]` names properties declared one level up
const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false });

/**
 * The compiled schemas of each file, shared by every server of the process: the files are the
 * package's own, and compiling them takes ~50 ms and keeps ~0.5 MB per copy (a process serving
 * many routers, as the fleet bench does, compiled them once per server).
 */
const loaded = new Map<string, Map<string, MethodSchema>>();

export function loadObjectSchema(object: string, dir = join(packageRoot(), 'schemas', 'rpc')): Map<string, MethodSchema> {
  const file = join(dir, `${object}.json`);
  let methods = loaded.get(file);
  if (!methods) loaded.set(file, (methods = compileObjectSchema(object, file)));
  return methods;
}

function compileObjectSchema(object: string, file: string): Map<string, MethodSchema> {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as ObjectSchemaFile;
  if (doc.object !== object || !isJsonObject(doc.methods as unknown)) throw new Error(`${file}: not the schema of object '${object}'`);
  const methods = new Map<string, MethodSchema>();
  for (const [name, schema] of Object.entries(doc.methods)) {
    const signature: Signature = {};
    for (const [arg, prop] of Object.entries(schema.properties ?? {})) signature[arg] = blobmsgType[prop.type ?? ''] ?? 'unknown';
    methods.set(name, { validate: ajv.compile(schema), signature });
  }
  return methods;
}

/** rpcd's blobmsg_parse treats a JSON null like a missing argument; LuCI sends `options: null`. */
export function withoutNulls(args: JsonObject): JsonObject {
  let out: JsonObject | undefined;
  for (const key in args) {
    if (args[key] !== null) continue;
    out ??= { ...args };
    delete out[key];
  }
  return out ?? args;
}
