// A transaction over one confdir or one router: the Cursor API across packages, with every
// change staged in memory (savedir null) until the runner commits all touched files at once
// (journal.ts), or sends them to the router (remote/). On a router the packages are those read
// with `uci get` (a PackageSource), and a file's text is its `uci export` form.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cursor, formatChange, type Document, type OptionValue, type PackageSource, type UciChange, type UciPackage } from '../uci/index.js';
import type { MigrationNote } from './types.js';

/** A package whose text the transaction would change. */
export interface PendingFile {
  package: string;
  before: string;
  after: string;
  changes: string[];
}

interface CommentOut { pkg: string; section: string; option: string; note: string }

const utf8 = new TextDecoder('utf-8', { fatal: true });

function utf8Valid(path: string): boolean {
  try {
    utf8.decode(readFileSync(path));
    return true;
  } catch {
    return false;
  }
}

export class Transaction {
  /** The confdir migrated; on a router, its /ubus URL (there is no directory to read). */
  readonly confdir: string;
  readonly #cursor: Cursor;
  readonly #remote: boolean;
  /** The file text of every package looked at, as read before any change (null: not UTF-8). */
  readonly #before = new Map<string, string | null>();
  readonly #notes: MigrationNote[] = [];
  readonly #commentOuts: CommentOut[] = [];
  #migration = '';

  /** A transaction over the confdir, or with `source` over a router's packages (`confdir`: its URL). */
  constructor(confdir: string, source?: PackageSource) {
    this.confdir = confdir;
    this.#remote = source !== undefined;
    this.#cursor = new Cursor({ confdir, savedir: null, keepComments: true, ...(source ? { source } : {}) });
  }

  #touch(pkg: string): string {
    if (this.#before.has(pkg)) return pkg;
    let doc: Document;
    try {
      doc = this.#cursor.document(pkg);
    } catch {
      // a missing or unparsable package: the Cursor reports it with libuci's error on use
      return pkg;
    }
    // a router's text before is the plan's, from the values read (remote/plan.ts)
    if (this.#remote) {
      this.#before.set(pkg, '');
      return pkg;
    }
    // The text the Cursor parsed (no second read); it decodes UTF-8, so a file that is not
    // UTF-8 shows replacement characters and must not be written back from this text.
    const text = doc.source?.text ?? '';
    this.#before.set(pkg, text.includes('\ufffd') && !utf8Valid(join(this.confdir, pkg)) ? null : text);
    return pkg;
  }

  /** Packages in the confdir (sorted), as `uci show` lists them. */
  configs(): string[] { return this.#cursor.configs(); }
  load(pkg: string): UciPackage { return this.#cursor.load(this.#touch(pkg)); }
  /** The live document (edits made on it are part of the transaction). */
  document(pkg: string): Document { return this.#cursor.document(this.#touch(pkg)); }
  get(pkg: string, section: string, option?: string): OptionValue | undefined {
    return this.#cursor.get(this.#touch(pkg), section, option);
  }
  set(pkg: string, section: string, option: string | undefined, value: OptionValue): void {
    this.#cursor.set(this.#touch(pkg), section, option, value);
  }
  add(pkg: string, type: string): string { return this.#cursor.add(this.#touch(pkg), type); }
  addList(pkg: string, section: string, option: string, value: string): void {
    this.#cursor.addList(this.#touch(pkg), section, option, value);
  }
  delList(pkg: string, section: string, option: string, value: string): void {
    this.#cursor.delList(this.#touch(pkg), section, option, value);
  }
  delete(pkg: string, section: string, option?: string): void {
    this.#cursor.delete(this.#touch(pkg), section, option);
  }
  rename(pkg: string, section: string, option: string | undefined, name: string): void {
    this.#cursor.rename(this.#touch(pkg), section, option, name);
  }
  reorder(pkg: string, section: string, index: number): void {
    this.#cursor.reorder(this.#touch(pkg), section, index);
  }
  changes(pkg?: string): UciChange[] {
    if (pkg === undefined) return this.#cursor.configs().flatMap((p) => this.changes(p));
    return this.#cursor.changes(this.#touch(pkg));
  }
  revert(pkg: string, section?: string, option?: string): void {
    this.#cursor.revert(this.#touch(pkg), section, option);
  }

  /**
   * Comments the option out where it stands, with `# <note>` above it, when the transaction is
   * committed (libuci has no such edit: until then the option reads as before). Listed in the
   * change list as the option's deletion.
   */
  commentOut(pkg: string, section: string, option: string, note: string): void {
    if (note.includes('\n')) throw new Error(`commentOut: the note must be one line: ${JSON.stringify(note)}`);
    if (this.get(pkg, section, option) === undefined) throw new Error(`commentOut: ${pkg}.${section}.${option} does not exist`);
    this.#commentOuts.push({ pkg, section, option, note });
  }

  /** 1-based line of a section's (or option's) statement in the file as read, if it came from there. */
  lineOf(pkg: string, section: string, option?: string): number | undefined {
    return this.document(pkg).lineOf(section, option);
  }

  /** Adds a line to the run's report (the migration's id is filled in). */
  note(message: string, where: Omit<MigrationNote, 'migration' | 'message'> = {}): void {
    this.#notes.push({ migration: this.#migration, ...where, message });
  }

  /** Runner use: the id of the migration whose `up` runs now (for notes). */
  begin(id: string): void { this.#migration = id; }

  get notes(): readonly MigrationNote[] { return this.#notes; }

  /**
   * Runner use, after the last migration: the packages with staged changes (sorted), each with
   * its file's text as read (a router's: empty) and its document as changed.
   */
  changed(): { package: string; before: string | null; doc: Document; changes: UciChange[] }[] {
    this.#applyCommentOuts();
    return [...this.#before]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([pkg, before]) => ({ package: pkg, before, doc: this.#cursor.document(pkg), changes: this.#cursor.changes(pkg) }))
      .filter((c) => c.changes.length > 0);
  }

  /** Runner use, after the last migration: every file of the confdir whose text would change. */
  pending(): PendingFile[] {
    const out: PendingFile[] = [];
    for (const { package: pkg, before, changes } of this.changed()) {
      const after = this.#cursor.commitText(pkg);
      if (after === before) continue;
      if (before === null) throw new Error(`${pkg}: the file is not valid UTF-8; not rewriting it`);
      out.push({ package: pkg, before, after, changes: changes.map(formatChange) });
    }
    return out;
  }

  /** Comments out, at the end of the run, what was asked and still exists; each request once. */
  #applyCommentOuts(): void {
    for (const c of this.#commentOuts.splice(0)) {
      // a later migration may have removed it
      if (this.#cursor.get(c.pkg, c.section, c.option) !== undefined) this.#cursor.commentOut(c.pkg, c.section, c.option, c.note);
    }
  }
}
