// libuci's savedir change files (delta.c): one change per line,
//   <prefix><package>.<section>[.<option>][='<value>']
// prefixes: '+' add, '-' remove, '' change, '@' rename, '^' reorder, '|' list add, '~' list del.
// Lines are read with the config tokenizer; a line that does not parse, names another package
// or uses `@type[n]` is skipped. Replay is sequential; failed replays still count as staged.

import type { Document } from './document.js';
import type { Delta, DeltaCommand } from './delta-types.js';
import { UciError } from './errors.js';
import { escape } from './export.js';
import { Tokenizer } from './lexer.js';
import { isValidName } from './names.js';
import { strtoulInt, type Target, uciAddList, uciDelete, uciDelList, uciRename, uciReorder, uciSet } from './ops.js';
import { parsePath, type UciPath } from './path.js';

const PREFIX: Record<DeltaCommand, string> = {
  add: '+', remove: '-', change: '', rename: '@', reorder: '^', 'list-add': '|', 'list-del': '~',
};
const BY_PREFIX: Record<string, DeltaCommand> = { '+': 'add', '-': 'remove', '@': 'rename', '^': 'reorder', '|': 'list-add', '~': 'list-del' };

/** One line of a delta file (uci_delta_save). */
export function formatDelta(pkg: string, d: Delta): string {
  let line = `${PREFIX[d.cmd]}${pkg}.${d.section}`;
  if (d.option !== undefined) line += `.${d.option}`;
  if (d.cmd === 'remove' && d.value === undefined) return line + '\n';
  return `${line}='${escape(d.value!)}'\n`;
}

const reject = (): never => {
  throw new UciError('INVALID_ARGUMENT');
};

/** uci_parse_delta_tuple: the line under the tokenizer as a command and a path. */
function parseTuple(tk: Tokenizer): { cmd: DeltaCommand; path: UciPath } {
  let arg = tk.nextArg(false);
  if (tk.hasRest()) reject();
  const cmd = BY_PREFIX[arg.charAt(0)] ?? 'change';
  if (cmd !== 'change') arg = arg.slice(1);
  const path = parsePath(arg);
  if (path.section === undefined || path.extended) reject();
  if (cmd !== 'remove' && path.value === undefined) reject();
  if (cmd === 'reorder' && path.option !== undefined) reject();
  if (cmd === 'rename' && !isValidName(path.value!)) reject();
  if ((cmd === 'list-add' || cmd === 'list-del') && path.option === undefined) reject();
  return { cmd, path };
}

function toDelta(cmd: DeltaCommand, p: UciPath): Delta {
  return { cmd, section: p.section!, option: p.option, value: p.value };
}

/** Looks the path up without `@` syntax, as delta replay does. */
function lookup(doc: Document, p: UciPath): Target {
  const t: Target = { section: p.section, option: p.option, value: p.value, complete: false };
  const s = doc.findSection(p.section!);
  if (!s) return t;
  t.s = s;
  if (p.option !== undefined) {
    t.o = s.findOption(p.option);
    if (!t.o) return t;
  }
  t.complete = true;
  return t;
}

function apply(doc: Document, cmd: DeltaCommand, p: UciPath): void {
  const t = lookup(doc, p);
  switch (cmd) {
    case 'reorder':
      if (!t.complete) throw new UciError('NOT_FOUND');
      uciReorder(doc, t.s!, strtoulInt(p.value!));
      return;
    case 'rename':
      return uciRename(doc, t);
    case 'remove':
      return uciDelete(doc, t);
    case 'list-add':
      return uciAddList(t);
    case 'list-del':
      return uciDelList(t);
    case 'add':
      uciSet(doc, t);
      if (t.option === undefined && t.s) t.s.anonymous = true;
      return;
    case 'change':
      return uciSet(doc, t);
  }
}

/**
 * Replays a delta file onto doc (uci_parse_delta). Every accepted line goes to `staged` (what
 * `uci changes` lists); returns how many lines applied without error.
 */
export function replayDelta(doc: Document, text: string, staged: Delta[]): number {
  const tk = new Tokenizer(text);
  let applied = 0;
  while (!tk.atEof) {
    tk.startLine();
    if (tk.code(0) === 0) continue;
    try {
      const { cmd, path } = parseTuple(tk);
      if (path.package !== doc.name) continue;
      staged.push(toDelta(cmd, path));
      apply(doc, cmd, path);
      applied++;
    } catch (err) {
      if (!(err instanceof Error)) throw err;
    }
  }
  return applied;
}

/**
 * uci_filter_delta: the delta file without the lines for `section` (and `option`), every kept
 * line rewritten in canonical form; null when a line does not parse (libuci then leaves the
 * file alone).
 */
export function filterDelta(pkg: string, text: string, section?: string, option?: string): string | null {
  const tk = new Tokenizer(text);
  let out = '';
  while (!tk.atEof) {
    tk.startLine();
    if (tk.code(0) === 0) continue;
    let parsed;
    try {
      parsed = parseTuple(tk);
    } catch {
      return null;
    }
    const p = parsed.path;
    let match = true;
    if (section !== undefined && p.section !== section) match = false;
    if (match && option !== undefined && p.option !== option) match = false;
    if (!match) out += formatDelta(pkg, toDelta(parsed.cmd, p));
  }
  return out;
}
