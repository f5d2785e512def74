// LuCI's page tree (dispatcher.uc build_pagetree, check_depends, apply_tree_acls): every
// usr/share/luci/menu.d/*.json of the root merged into one tree of nodes, each marked
// `satisfied` by its `depends` (files of the root, sections of the confdir), then, per
// request, hidden or made read-only by the session's ACL groups. `admin/menu` answers this tree.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { UciPackage } from '../../lib/uci/index.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { insideRoot } from './root.js';

export interface MenuNode {
  satisfied: boolean;
  action?: JsonObject;
  auth?: JsonObject;
  cors?: boolean;
  depends?: JsonObject;
  order?: number;
  setgroup?: string;
  setuser?: string;
  title?: string;
  wildcard?: boolean;
  firstchild_ineligible?: boolean;
  wildcardaction?: JsonObject;
  readonly?: boolean;
  children?: Record<string, MenuNode>;
}

/** The fields a menu.d entry may set, with their ucode types (dispatcher.uc:349). */
const schema: [keyof MenuNode, 'object' | 'bool' | 'int' | 'string'][] = [
  ['action', 'object'],
  ['auth', 'object'],
  ['cors', 'bool'],
  ['depends', 'object'],
  ['order', 'int'],
  ['setgroup', 'string'],
  ['setuser', 'string'],
  ['title', 'string'],
  ['wildcard', 'bool'],
  ['firstchild_ineligible', 'bool'],
];

function hasType(value: Json | undefined, type: 'object' | 'bool' | 'int' | 'string'): boolean {
  switch (type) {
    case 'object':
      return isJsonObject(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'int':
      return Number.isInteger(value);
    case 'string':
      return typeof value === 'string';
  }
}

/** What the depends checks read: the root's files and the confdir's committed packages. */
export interface DependsSource {
  rootDir: string;
  /** The committed package, or undefined when it does not exist or does not parse. */
  config(name: string): UciPackage | undefined;
}

function fsSatisfied(spec: JsonObject, src: DependsSource): boolean {
  for (const [path, kind] of Object.entries(spec)) {
    const local = insideRoot(src.rootDir, path);
    const st = local === undefined ? undefined : statSync(local, { throwIfNoEntry: false });
    if (kind === 'directory') {
      if (!st?.isDirectory() || readdirSync(local!).length === 0) return false;
    } else if (kind === 'executable') {
      if (!st?.isFile() || (st.mode & 0o100) === 0) return false;
    } else if (kind === 'file') {
      if (!st?.isFile()) return false;
    } else if (kind === 'absent') {
      if (st) return false;
    }
  }
  return true;
}

type SectionValues = Map<string, string | string[]>;

/**
 * check_uci_depends_options: a section type, or option values. `true` asks only that the
 * section exists (upstream's loop over its options returns true either way).
 */
function optionsSatisfied(type: string, values: SectionValues, opts: Json): boolean {
  if (typeof opts === 'string') return type === opts;
  if (!isJsonObject(opts)) return true;
  for (const [option, want] of Object.entries(opts)) {
    const have = values.get(option);
    if (Array.isArray(have)) {
      if (!have.some((v) => v === want)) return false;
    } else if (want === true) {
      if (have === undefined) return false;
    } else if (have === undefined || have !== String(want)) {
      // ucode's != compares the string with a number by value: "1" == 1
      if (!(typeof want === 'number' && have !== undefined && Number(have) === want)) return false;
    }
  }
  return true;
}

function uciSatisfied(spec: JsonObject, src: DependsSource): boolean {
  for (const [config, sections] of Object.entries(spec)) {
    const pkg = src.config(config);
    if (sections === true) {
      if (!pkg?.sections.length) return false;
    } else if (isJsonObject(sections)) {
      for (const [section, options] of Object.entries(sections)) {
        const byType = /^@([A-Za-z0-9_-]+)$/.exec(section);
        const candidates = pkg?.sections.filter((s) => (byType ? s.type === byType[1] : s.name === section)) ?? [];
        if (!candidates.some((s) => optionsSatisfied(s.type, s.options, options))) return false;
      }
    }
  }
  return true;
}

function alternatives(spec: Json | undefined): JsonObject[] | undefined {
  if (Array.isArray(spec)) return spec.filter(isJsonObject);
  return isJsonObject(spec) ? [spec] : undefined;
}

/** check_depends: one satisfied alternative of `fs`, and one of `uci`. */
function dependsSatisfied(spec: JsonObject, src: DependsSource): boolean {
  const depends = isJsonObject(spec.depends) ? spec.depends : undefined;
  const fs = alternatives(depends?.fs);
  if (fs && !fs.some((a) => fsSatisfied(a, src))) return false;
  const uci = alternatives(depends?.uci);
  if (uci && !uci.some((a) => uciSatisfied(a, src))) return false;
  return true;
}

function readMenuFile(path: string): JsonObject | undefined {
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as Json;
    return isJsonObject(doc) ? doc : undefined;
  } catch {
    // dispatcher.uc read_jsonfile: a file that does not parse adds nothing
    return undefined;
  }
}

function addEntry(tree: MenuNode, path: string, spec: JsonObject, src: DependsSource): void {
  let node = tree;
  let wildcard = false;
  for (const segment of path.match(/[^/]+/g) ?? []) {
    if (segment.startsWith('*')) {
      node.wildcard = true;
      wildcard = true;
      break;
    }
    node.children ??= {};
    node = node.children[segment] ??= { satisfied: true };
  }
  if (node === tree) return;
  const fields = node as unknown as Record<string, Json>;
  for (const [key, type] of schema) if (hasType(spec[key], type)) fields[key] = spec[key]!;
  // a wildcard entry keeps its own action beside the base path's (dispatcher.uc:410)
  if (wildcard && isJsonObject(spec.action)) node.wildcardaction = spec.action;
  node.satisfied = dependsSatisfied(spec, src);
}

/** build_pagetree over the root's menu.d, files in glob order. */
export function buildPageTree(menuDir: string | undefined, src: DependsSource): MenuNode {
  const tree = { action: { type: 'firstchild' } } as unknown as MenuNode;
  if (!menuDir) return tree;
  let files: string[];
  try {
    files = readdirSync(menuDir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return tree;
  }
  for (const file of files) {
    const doc = readMenuFile(join(menuDir, file));
    if (!doc) continue;
    for (const [path, spec] of Object.entries(doc)) if (isJsonObject(spec)) addEntry(tree, path, spec, src);
  }
  return tree;
}

/** The session's ACL groups as rpcd's session.access reports them: group → ['read', 'write']. */
export type AccessGroups = Record<string, string[]>;

/**
 * check_acl_depends: null when a required group is neither readable nor writable, otherwise
 * whether one of them is writable; true when nothing is required.
 */
export function aclDepends(required: Json | undefined, groups: AccessGroups | undefined): boolean | null {
  if (!Array.isArray(required) || required.length === 0) return true;
  let writable = false;
  for (const group of required) {
    const perms = typeof group === 'string' && groups && Object.hasOwn(groups, group) ? groups[group]! : [];
    const read = perms.includes('read');
    const write = perms.includes('write');
    if (!read && !write) return null;
    if (write) writable = true;
  }
  return writable;
}

/** apply_tree_acls, on a copy: unreachable nodes unsatisfied, read-only ones marked. */
export function applyTreeAcls(node: MenuNode, groups: AccessGroups | undefined): MenuNode {
  const out: MenuNode = { ...node };
  if (node.children) {
    out.children = {};
    for (const [name, child] of Object.entries(node.children)) out.children[name] = applyTreeAcls(child, groups);
  }
  if (node.depends?.acl !== undefined) {
    const perm = aclDepends(node.depends.acl, groups);
    if (perm === null) out.satisfied = false;
    else if (perm === false) out.readonly = true;
  }
  return out;
}
