// Access control as rpcd does it: grants are (scope, object pattern, function pattern) triples
// matched with fnmatch; groups come from acl.d JSON files; a user holds the groups its `read`
// and `write` patterns name (rpcd session.c, rpc_login_setup_acls).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFnmatch } from './fnmatch.js';
import { isJsonObject, type Json, type JsonObject } from './json.js';

export type Permission = 'read' | 'write';

export interface Grant {
  object: string;
  func: string;
}

/** One scope of a permission level: `"<scope>": …` inside `"read"` or `"write"`. */
export interface AclScope {
  scope: string;
  grants: Grant[];
}

/** One group of an acl.d file: what each permission level grants, in file order. */
export interface AclGroup {
  name: string;
  read?: AclScope[];
  write?: AclScope[];
}

export interface ScopedGrant extends Grant {
  scope: string;
}

/** Who may log in, and which groups the `read` / `write` patterns select (`*`, `!name`). */
export interface UserAccess {
  read: string[];
  write: string[];
}

const wildcard = /[*?[]/;

/** A compiled pattern: plain strings compare directly, the rest go through fnmatch. */
export function matcher(pattern: string, noEscape = true): (subject: string) => boolean {
  if (!wildcard.test(pattern) && (noEscape || !pattern.includes('\\'))) return (s) => s === pattern;
  const re = compileFnmatch(pattern, { noEscape });
  return (s) => re.test(s);
}

function scopeGrants(permission: Permission, value: Json): Grant[] {
  const out: Grant[] = [];
  if (isJsonObject(value)) {
    // table notation: "<scope>": { "<object>": ["<function>", …] }
    for (const [object, funcs] of Object.entries(value)) {
      if (!Array.isArray(funcs)) continue;
      for (const func of funcs) if (typeof func === 'string') out.push({ object, func });
    }
  } else if (Array.isArray(value)) {
    // array notation: the permission level is the function of every object
    for (const object of value) if (typeof object === 'string') out.push({ object, func: permission });
  }
  return out;
}

function parseGroup(name: string, body: Json): AclGroup {
  const group: AclGroup = { name };
  if (!isJsonObject(body)) return group;
  for (const permission of ['read', 'write'] as const) {
    const perm = body[permission];
    if (!isJsonObject(perm)) continue;
    group[permission] = Object.entries(perm).map(([scope, value]) => ({ scope, grants: scopeGrants(permission, value) }));
  }
  return group;
}

export interface AclLoadResult {
  groups: AclGroup[];
  errors: string[];
}

/** Every `*.json` of the acl directory in glob order; a file that fails to parse is reported and skipped. */
export function loadAclDir(dir: string): AclLoadResult {
  const groups: AclGroup[] = [];
  const errors: string[] = [];
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort();
  } catch {
    return { groups, errors: [`cannot read ACL directory ${dir}`] };
  }
  for (const file of files) {
    const path = join(dir, file);
    let doc: Json;
    try {
      doc = JSON.parse(readFileSync(path, 'utf8')) as Json;
    } catch {
      errors.push(`Failed to parse ${path}`);
      continue;
    }
    if (!isJsonObject(doc)) {
      errors.push(`Failed to parse ${path}`);
      continue;
    }
    for (const [name, body] of Object.entries(doc as JsonObject)) groups.push(parseGroup(name, body));
  }
  return { groups, errors };
}

/** rpc_login_test_permission: negative patterns first, then positive; write implies read. */
export function userHasPermission(user: UserAccess | null, permission: Permission, group: string): boolean {
  // the anonymous session gets exactly the "unauthenticated" group
  if (user === null) return group === 'unauthenticated';
  const patterns = user[permission];
  for (const p of patterns) {
    if (!p.startsWith('!')) continue;
    const neg = p.slice(1).trimStart();
    if (neg !== '' && matcher(neg, false)(group)) return false;
  }
  for (const p of patterns) if (p !== '' && !p.startsWith('!') && matcher(p, false)(group)) return true;
  return permission === 'read' ? userHasPermission(user, 'write', group) : false;
}

/** The grants a user receives from the groups, including the `access-group` meta scope. */
export function grantsFor(user: UserAccess | null, groups: AclGroup[]): ScopedGrant[] {
  const out: ScopedGrant[] = [];
  for (const group of groups) {
    for (const permission of ['read', 'write'] as const) {
      const scopes = group[permission];
      if (!scopes || !userHasPermission(user, permission, group.name)) continue;
      for (const { scope, grants } of scopes) {
        for (const g of grants) out.push({ scope, ...g });
        out.push({ scope: 'access-group', object: group.name, func: permission });
      }
    }
  }
  return out;
}
