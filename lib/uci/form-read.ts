// A package with nothing staged, read through the lexer's export-form mode (lexer.ts
// exportFormLine): `uci export`, `show` and `get` straight from the file's text, with no
// Document, so that time and memory stay linear in the file and small (a 50 MB file as a
// Document takes several times its size). Files as libuci commits them, and most written by
// hand, are in that form. Whatever the mode does not recognise (any other line, a section name
// given twice or shaped like a generated one, an option given twice: what libuci merges or
// replaces) makes the reader give up before anything is output; the caller then uses the
// parser, which decides every such case.

import type { Cursor } from './cursor.js';
import { anonymousName } from './document.js';
import { UciError } from './errors.js';
import { FormLine, Tokenizer } from './lexer.js';
import { isValidName } from './names.js';
import { parseExtSection, parsePath } from './path.js';
import { getValue, quote, showSectionLines, showValue } from './show.js';
import type { OptionValue } from './types.js';

/** What the reader found, line by line; `at`/`end` delimit the line in the text. */
interface FormSink {
  /** `index` counts every section from 0; `name` is '' for an anonymous one. */
  section(type: string, name: string, index: number, at: number, end: number): void;
  /** One `option`, or one `list` item (items of one list arrive one after the other); its value is `tk.formValue`. */
  option(name: string, tk: Tokenizer, list: boolean, at: number, end: number): void;
  /** A line that is only a newline. */
  blank(at: number): void;
  /** A comment or whitespace line. */
  ignored(at: number): void;
}

const GENERATED = /^cfg[0-9a-f]{6,}$/;

/** Reads the whole text into sink; false when only the parser may read it (the sink's work is then void). */
function readForm(text: string, sink: FormSink): boolean {
  const tk = new Tokenizer(text);
  const named = new Set<string>();
  // option name -> the section index it was last seen in: a repeat within a section is refused
  const seen = new Map<string, number>();
  let index = -1;
  let lastList = '';
  while (!tk.atEof) {
    const at = tk.offset;
    const kind = tk.exportFormLine();
    switch (kind) {
      case FormLine.Config: {
        const name = tk.formValue;
        if (name !== '') {
          if (named.has(name) || GENERATED.test(name)) return false;
          named.add(name);
        }
        sink.section(tk.formName, name, ++index, at, tk.offset);
        lastList = '';
        break;
      }
      case FormLine.Option:
      case FormLine.List: {
        const name = tk.formName;
        const list = kind === FormLine.List;
        if (index < 0) return false;
        if (seen.get(name) === index && !(list && lastList === name)) return false;
        seen.set(name, index);
        lastList = list ? name : '';
        sink.option(name, tk, list, at, tk.offset);
        break;
      }
      case FormLine.Blank:
        sink.blank(at);
        break;
      case FormLine.Ignored:
        sink.ignored(at);
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * `uci export` of a package's file, as pieces of `bytes` (the file's lines that are as export
 * writes them) and the newlines export adds; null when the parser must do it. `text` is
 * `bytes` as latin1; `pkg` a package name (no quote to escape).
 */
export function exportForm(bytes: Buffer, text: string, pkg: string): Buffer[] | null {
  const pieces: Buffer[] = [Buffer.from(`package ${pkg}\n`, 'latin1')];
  const NL = Buffer.from('\n');
  let run = -1; // start of the lines being copied as they are
  let blankAt = -1; // a line that is only a newline, just before
  let copied = -1; // where the last piece is a copy of the file from, if it is one
  let copiedEnd = -1;
  const close = (end: number): void => {
    if (run >= 0 && end > run) {
      // a run that continues the last piece (a blank line then a section) extends it
      if (copied >= 0 && copiedEnd === run) pieces.pop();
      else copied = run;
      copiedEnd = end;
      pieces.push(bytes.subarray(copied, end));
    }
    run = -1;
  };
  const newline = (): void => {
    pieces.push(NL);
    copied = -1;
  };
  const lineEnd = (end: number): void => {
    if (text.charCodeAt(end - 1) === 10) return;
    close(end); // the last line, without its newline
    newline();
  };
  const ok = readForm(text, {
    section(_type, _name, _index, at, end) {
      // export writes a blank line before each section: the file's own, or one added
      if (blankAt >= 0 && blankAt === at - 1) {
        if (run < 0) run = blankAt;
      } else {
        close(at);
        newline();
        run = at;
      }
      blankAt = -1;
      lineEnd(end);
    },
    option(_name, _tk, _list, at, end) {
      if (run < 0) run = at;
      blankAt = -1;
      lineEnd(end);
    },
    blank(at) {
      close(at);
      blankAt = at;
    },
    ignored(at) {
      close(at);
      blankAt = -1;
    },
  });
  if (!ok) return null;
  close(text.length);
  newline();
  return pieces;
}

/** Output built as latin1 text and kept as bytes in pieces of about `CHUNK` characters. */
class Chunks {
  readonly out: Buffer[] = [];
  private text = '';

  add(s: string): void {
    this.text += s;
    if (this.text.length >= 1 << 16) this.flush();
  }

  flush(): Buffer[] {
    if (this.text !== '') this.out.push(Buffer.from(this.text, 'latin1'));
    this.text = '';
    return this.out;
  }
}

export interface UnchangedShowOptions {
  /** `@type[n]` for anonymous sections (default true; `uci -X` turns it off). */
  extended?: boolean;
  /** Between list items (default one space). */
  delimiter?: string;
}

/** `uci show` of a package's file, as latin1 bytes; null when the parser must do it. */
export function showForm(text: string, pkg: string, opts: UnchangedShowOptions = {}): Buffer[] | null {
  const delimiter = opts.delimiter ?? ' ';
  const extended = opts.extended ?? true;
  const out = new Chunks();
  const counts = new Map<string, number>();
  let ref = '';
  let list = ''; // the list whose line is open
  const ok = readForm(text, {
    section(type, name, index) {
      if (list !== '') out.add('\n');
      list = '';
      const n = counts.get(type) ?? 0;
      counts.set(type, n + 1);
      ref = name !== '' ? name : extended ? `@${type}[${n}]` : anonymousName(index + 1, type, true);
      out.add(`${pkg}.${ref}=${type}\n`);
    },
    option(name, tk, isList) {
      const value = tk.formValue;
      if (isList && list === name) {
        out.add(delimiter + quote(value));
        return;
      }
      if (list !== '') out.add('\n');
      list = isList ? name : '';
      out.add(`${pkg}.${ref}.${name}=${quote(value)}${isList ? '' : '\n'}`);
    },
    blank() {},
    ignored() {},
  });
  if (!ok) return null;
  if (list !== '') out.add('\n');
  return out.flush();
}

/** A section as a form lookup finds it. */
interface FormSection {
  type: string;
  /** The real name (generated for an anonymous section). */
  name: string;
  options: [string, OptionValue][];
}

/** A section reference: a name, or `@type[n]` split (type '' for any; negative n counts from the end). */
type SectionRef = { name: string } | { type: string; n: number };

/**
 * The section `ref` designates in a file with nothing staged, with its options; undefined when
 * there is none, null when the parser must read the file.
 */
function findFormSection(text: string, ref: SectionRef, latin1: boolean): FormSection | undefined | null {
  // `@type[-k]` is known only at the end of the text: the last k sections of the type are kept,
  // in a ring, so that the text is read once
  const keep = 'n' in ref && ref.n < 0 ? -ref.n : 1;
  const kept: FormSection[] = [];
  let count = 0; // the sections of the type (or with the name) so far
  let current: FormSection | undefined; // the kept section whose options are being read
  // `cfg…` names an anonymous section as libuci names it (a section in the form has no such name)
  const generated = 'name' in ref && GENERATED.test(ref.name);
  const nameOf = (type: string, name: string, index: number): string => (name !== '' ? name : anonymousName(index + 1, type, latin1));
  const ok = readForm(text, {
    section(type, name, index) {
      current = undefined;
      if ('name' in ref ? (generated ? nameOf(type, name, index) : name) !== ref.name : ref.type !== '' && type !== ref.type) return;
      const n = count++;
      if ('n' in ref && ref.n >= 0 && n !== ref.n) return;
      current = { type, name: nameOf(type, name, index), options: [] };
      kept[n % keep] = current;
    },
    option(name, tk, list) {
      if (!current) return;
      const value = tk.formValue;
      const last = current.options[current.options.length - 1];
      if (list && last?.[0] === name && Array.isArray(last[1])) last[1].push(value);
      else current.options.push([name, list ? [value] : value]);
    },
    blank() {},
    ignored() {},
  });
  if (!ok) return null;
  return count >= keep ? kept[count % keep] : undefined;
}

/** What a `pkg[.section[.option]]` tuple finds in its package's unchanged file; null: the Cursor must load it. */
function lookupForm(cursor: Cursor, tuple: string): { pkg: string; text: string; s?: FormSection; option?: string; value?: OptionValue } | null {
  let path;
  try {
    path = parsePath(tuple);
  } catch {
    return null; // the full lookup reports it
  }
  if (path.value !== undefined) return null;
  const bytes = cursor.unchangedFile(path.package);
  if (!bytes) return null;
  const text = bytes.toString('latin1');
  if (path.section === undefined) return { pkg: path.package, text };
  const ref: SectionRef = isValidName(path.section) ? { name: path.section } : parseExtSection(path.section);
  const s = findFormSection(text, ref, true);
  if (s === null) return null;
  if (!s) throw new UciError('NOT_FOUND');
  if (path.option === undefined) return { pkg: path.package, text, s };
  const o = s.options.find(([name]) => name === path.option);
  if (!o) throw new UciError('NOT_FOUND');
  return { pkg: path.package, text, s, option: o[0], value: o[1] };
}

// The command's shortcuts for a package with nothing staged (Cursor.unchangedFile). Text is
// read and written one byte per character, as the `uci` command handles it. Each returns null
// when the Cursor must load the package instead (staged changes, a path, `=value`, a file not
// in export form), and throws what the full lookup would (NOT_FOUND, INVALID_ARGUMENT).

/** What `uci export <pkg>` prints, as bytes. */
export function exportUnchanged(cursor: Cursor, pkg: string): Buffer[] | null {
  const bytes = cursor.unchangedFile(pkg);
  return bytes && exportForm(bytes, bytes.toString('latin1'), pkg);
}

/** What `uci show <tuple>` prints, as bytes. */
export function showUnchanged(cursor: Cursor, tuple: string, opts: UnchangedShowOptions = {}): Buffer[] | null {
  const found = lookupForm(cursor, tuple);
  if (!found) return null;
  const { pkg, s } = found;
  const delimiter = opts.delimiter ?? ' ';
  if (!s) return showForm(found.text, pkg, opts);
  const text = found.option === undefined
    ? showSectionLines(pkg, s.name, s, delimiter)
    : `${pkg}.${s.name}.${found.option}=${showValue(found.value!, delimiter)}\n`;
  return [Buffer.from(text, 'latin1')];
}

/** What `uci get <tuple>` prints (for a section or an option). */
export function getUnchanged(cursor: Cursor, tuple: string, delimiter = ' '): string | null {
  const found = lookupForm(cursor, tuple);
  if (!found?.s) return null;
  return `${found.value === undefined ? found.s.type : getValue(found.value, delimiter)}\n`;
}
