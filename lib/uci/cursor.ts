// The Cursor: packages in a confdir, changes staged in a savedir in libuci's delta format
// (readable by the real `uci` and the other way round), and an atomic, locked commit.

import { closeSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { OptionValue, UciChange, UciPackage } from './types.js';
import type { Delta } from './delta-types.js';
import { Document, type TextOptions } from './document.js';
import { commitAsync, commitSync, type CommitJob } from './commit.js';
import { UciError, type UciParseError } from './errors.js';
import { filterDelta, formatDelta, replayDelta } from './delta.js';
import { modeOf, openRegular, readRegular, sizeOf, type TextEncoding } from './files.js';
import { LOCK_TIMEOUT_MS } from './lock.js';
import { appendChanges, filterChanges } from './savedir.js';
import { isValidPackage, isValidPackageKeyword, packageFile } from './names.js';
import { mergeInto, parseDocument, parsePackages } from './parser.js';
import { resolveSection } from './path.js';

export interface CursorOptions {
  /** Where the packages are (default /etc/config). */
  confdir?: string;
  /** Where changes are staged (default /tmp/.uci); null keeps them in memory only. */
  savedir?: string | null;
  /** More directories whose staged changes are read (like `uci -p`), before the savedir's. */
  extraSavedirs?: string[];
  /** Commit keeps comments and layout (default true); false writes libuci's exact text. */
  keepComments?: boolean;
  /** A directory whose packages override the confdir's (libuci's conf2dir, `uci -C`). */
  conf2dir?: string | null;
  /** Stop at the first syntax error (default true). */
  strict?: boolean;
  /** Receives syntax errors when not strict. */
  onParseError?: (err: UciParseError) => void;
  /** Read and write files as latin1, one byte per character (what the `uci` command does). */
  latin1?: boolean;
  /** Commit writes the generated names of anonymous sections (libuci's `-n`). */
  anonymousNames?: boolean;
  /** How long a lock another process holds is waited for before an error naming it (default 10 s). */
  lockTimeoutMs?: number;
  /**
   * Whether synchronous methods may wait for a lock, blocking the thread (default true). A
   * server passes false: they then try once, and only commitAsync waits (on timers).
   */
  blockingLocks?: boolean;
  /**
   * Packages held elsewhere than in a confdir (a router's, read over its JSON-RPC): the Cursor
   * reads no file, stages in memory (its savedir is null) and refuses to commit.
   */
  source?: PackageSource;
}

/** Where a Cursor with `source` gets its packages. */
export interface PackageSource {
  /** The package names, sorted. */
  names(): string[];
  /** A new Document of the package as held there, or null when there is none (asked again after a revert). */
  document(name: string): Document | null;
}

/** A package as the Cursor holds it (libuci's struct uci_package). */
export interface LoadedPackage {
  doc: Document;
  path: string;
  /** Changes go to the savedir (false for packages given by path, which save directly). */
  hasDelta: boolean;
  /** Staged changes read from the savedirs or saved since (what `changes` lists). */
  staged: Delta[];
  /** Changes made since the last save. */
  pending: Delta[];
}

const OPS: Record<Delta['cmd'], UciChange['op']> = {
  change: 'set', add: 'add', remove: 'delete', rename: 'rename', reorder: 'reorder', 'list-add': 'list-add', 'list-del': 'list-del',
};

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function toChange(pkg: string, d: Delta): UciChange {
  return { op: OPS[d.cmd], package: pkg, section: d.section, option: d.option, value: d.value } as UciChange;
}

export class Cursor {
  readonly confdir: string;
  readonly savedir: string | null;
  /** Every directory whose staged changes are read, the savedir last. */
  readonly deltaPath: string[];
  readonly conf2dir: string | null;
  private parses = 0;
  private readonly opts: CursorOptions;
  private readonly encoding: TextEncoding;
  private readonly loaded = new Map<string, LoadedPackage>();
  private readonly memory = new Map<string, Delta[]>();

  /** How many texts this cursor has parsed (the command's batch mode restarts its line count after one). */
  get parseCount(): number {
    return this.parses;
  }

  constructor(opts: CursorOptions = {}) {
    this.opts = opts;
    this.confdir = opts.confdir ?? '/etc/config';
    this.savedir = opts.source ? null : opts.savedir === undefined ? '/tmp/.uci' : opts.savedir;
    this.conf2dir = opts.conf2dir ?? null;
    this.encoding = opts.latin1 ? 'latin1' : 'utf8';
    const extra = (opts.extraSavedirs ?? []).filter((d) => d !== this.savedir);
    this.deltaPath = this.savedir === null ? extra : [...extra, this.savedir];
  }

  /** The packages in the confdir, sorted (names with a dot, dot-files and directories skipped). */
  configs(): string[] {
    if (this.opts.source) return this.opts.source.names();
    let names: string[];
    try {
      names = readdirSync(this.confdir, { encoding: this.encoding }).filter((n) => !n.startsWith('.'));
    } catch {
      throw new UciError('NOT_FOUND');
    }
    // libuci globs `confdir/*`: no match at all is "not found", directories are skipped after
    if (names.length === 0) throw new UciError('NOT_FOUND');
    return names
      .sort((a, b) => Buffer.compare(Buffer.from(a, this.encoding), Buffer.from(b, this.encoding)))
      .filter((n) => !n.includes('.') && isValidPackage(n) && !isDirectory(join(this.confdir, n)));
  }

  /** Loads a package (file + staged changes) once; later calls return the same state. */
  loadPackage(name: string): LoadedPackage {
    const cached = this.loaded.get(name);
    if (cached) return cached;
    const lp = this.opts.source ? this.fromSource(this.opts.source, name) : this.fromFile(name);
    if (lp.hasDelta) this.replayAll(lp.doc, lp.staged);
    lp.doc.onChange = (d) => lp.pending.push(d);
    this.loaded.set(name, lp);
    return lp;
  }

  private fromFile(name: string): LoadedPackage {
    const { path, pkg, hasDelta } = this.locate(name);
    const text = readRegular(path, this.encoding);
    if (text === null) throw new UciError('NOT_FOUND', `Entry not found: ${path}`);
    return { doc: this.parse(text, pkg, path), path, hasDelta, staged: [], pending: [] };
  }

  private fromSource(source: PackageSource, name: string): LoadedPackage {
    const doc = source.document(name);
    if (!doc) throw new UciError('NOT_FOUND', `Entry not found: ${name}`);
    return { doc, path: name, hasDelta: true, staged: [], pending: [] };
  }

  /** Where a package (a name, or a path starting with `/` or `./`) is read from. */
  private locate(name: string): { path: string; pkg: string; hasDelta: boolean } {
    if (name.startsWith('.') || name.startsWith('/')) {
      if (name[0] === '.' && name[1] !== '/') throw new UciError('NOT_FOUND');
      return { path: name, pkg: basename(name), hasDelta: false };
    }
    const path = packageFile(this.confdir, name);
    if (this.conf2dir !== null) {
      const over = join(this.conf2dir, name);
      if (modeOf(over) !== null) return { path: over, pkg: name, hasDelta: true };
    }
    return { path, pkg: name, hasDelta: true };
  }

  /**
   * The bytes of a package's file when nothing is staged for it and it is not loaded, which
   * export, show and get may then read without a Document (form-read.ts); null otherwise, and
   * for paths. Counts as a parse.
   */
  unchangedFile(name: string): Buffer | null {
    if (this.opts.source || this.loaded.has(name) || this.memory.get(name)?.length) return null;
    if (!isValidPackageKeyword(name)) return null; // paths and tuples (`pkg.sec`, `pkg=x`) are looked up in full
    for (const dir of this.deltaPath) if ((sizeOf(join(dir, name)) ?? 0) > 0) return null;
    const fd = openRegular(this.locate(name).path);
    if (fd === null) return null;
    try {
      const bytes = readFileSync(fd);
      this.parses++;
      return bytes;
    } finally {
      closeSync(fd);
    }
  }

  /** Forgets loaded packages (all, or one), so the next access reads the files again. */
  unload(name?: string): void {
    if (name === undefined) this.loaded.clear();
    else this.loaded.delete(name);
  }

  load(pkg: string): UciPackage {
    return this.loadPackage(pkg).doc.toPackage();
  }

  document(pkg: string): Document {
    return this.loadPackage(pkg).doc;
  }

  get(pkg: string, section: string, option?: string): OptionValue | undefined {
    return this.loadPackage(pkg).doc.get(section, option);
  }

  set(pkg: string, section: string, option: string | undefined, value: OptionValue): void {
    this.edit(pkg, (doc) => doc.set(section, option, value));
  }

  add(pkg: string, type: string): string {
    let name = '';
    this.edit(pkg, (doc) => (name = doc.add(type)));
    return name;
  }

  addList(pkg: string, section: string, option: string, value: string): void {
    this.edit(pkg, (doc) => doc.addList(section, option, value));
  }

  delList(pkg: string, section: string, option: string, value: string): void {
    this.edit(pkg, (doc) => doc.delList(section, option, value));
  }

  delete(pkg: string, section: string, option?: string): void {
    this.edit(pkg, (doc) => doc.delete(section, option));
  }

  rename(pkg: string, section: string, option: string | undefined, name: string): void {
    this.edit(pkg, (doc) => doc.rename(section, option, name));
  }

  reorder(pkg: string, section: string, index: number): void {
    this.edit(pkg, (doc) => doc.reorder(section, index));
  }

  /** Document.commentOut: a deletion for staged changes; a commit keeping comments leaves the option commented out. */
  commentOut(pkg: string, section: string, option: string, note: string): void {
    this.edit(pkg, (doc) => doc.commentOut(section, option, note));
  }

  private edit(pkg: string, fn: (doc: Document) => void): void {
    const lp = this.loadPackage(pkg);
    try {
      fn(lp.doc);
    } finally {
      this.save(lp);
    }
  }

  /** Staged changes of one package, or of every package in the confdir. */
  changes(pkg?: string): UciChange[] {
    const names = pkg === undefined ? this.configs() : [pkg];
    return names.flatMap((n) => {
      const lp = this.loadPackage(n);
      return lp.staged.map((d) => toChange(lp.doc.name, d));
    });
  }

  /** Writes pending changes to the savedir (libuci's uci_save). */
  save(lp: LoadedPackage): void {
    if (!lp.hasDelta) {
      if (lp.pending.length > 0) this.commitPackage(lp, false);
      return;
    }
    if (lp.pending.length === 0) return;
    const name = lp.doc.name;
    const pending = lp.pending.splice(0);
    if (this.savedir === null) {
      this.memory.set(name, [...(this.memory.get(name) ?? []), ...pending]);
    } else {
      const records = Buffer.from(pending.map((d) => formatDelta(name, d)).join(''), this.encoding);
      appendChanges(this.savedir, name, records, this.confdir, modeOf(join(this.confdir, name)), this.lockWait());
    }
    lp.staged.push(...pending);
  }

  /** Drops staged changes of a package, a section or an option (libuci's uci_revert). */
  revert(pkg: string, section?: string, option?: string): void {
    const lp = this.loadPackage(pkg);
    if (section !== undefined) section = resolveSection(lp.doc, section, true)?.name ?? section;
    this.revertPackage(pkg, section, option);
  }

  /** uci_revert with the section given by its real name. */
  revertPackage(pkg: string, section?: string, option?: string): void {
    const lp = this.loadPackage(pkg);
    if (!lp.hasDelta) throw new UciError('INVALID_ARGUMENT');
    this.save(lp);
    this.unload(pkg);
    const name = lp.doc.name;
    if (this.savedir === null) {
      const text = (this.memory.get(name) ?? []).map((d) => formatDelta(name, d)).join('');
      const kept = filterDelta(name, text, section, option);
      if (kept !== null) this.memory.set(name, this.memoryFrom(name, kept));
    } else {
      filterChanges(this.changeFile(name), (text) => filterDelta(name, text, section, option), this.encoding, this.lockWait());
    }
    this.loadPackage(pkg);
  }

  /** The text commit would write for pkg now (without re-reading the file). */
  commitText(pkg: string): string {
    return this.loadPackage(pkg).doc.toText(this.textOptions());
  }

  /** Lock, re-read file and staged changes, write temp + fsync + rename, clear the staged changes. */
  commit(pkg: string): void {
    this.commitPackage(this.loadPackage(pkg), false);
  }

  /**
   * commit for a server: the lock waits are timers and the fsyncs run in libuv's pool, so the
   * event loop serves other requests while the disk is waited for. Reading and replaying the
   * staged changes, and writing the new text into the page cache, stay synchronous (as a load is).
   */
  async commitAsync(pkg: string): Promise<void> {
    await commitAsync(this.commitJob(this.loadPackage(pkg), false), this.opts.lockTimeoutMs ?? LOCK_TIMEOUT_MS);
  }

  /**
   * libuci's uci_commit (commit.ts). With `overwrite` (import) the document is written as it
   * is; otherwise the file is re-read under the lock, every staged change replayed, and the
   * package's document becomes the one read (as libuci's commit replaces the package).
   */
  commitPackage(lp: LoadedPackage, overwrite: boolean): void {
    commitSync(this.commitJob(lp, overwrite), this.lockWait());
  }

  private commitJob(lp: LoadedPackage, overwrite: boolean): CommitJob {
    // packages of a source have no file here to write
    if (this.opts.source) throw new UciError('INVALID_ARGUMENT', 'Invalid argument: these packages are not files of a confdir; they cannot be committed here');
    const replay = lp.hasDelta && !overwrite;
    const name = lp.doc.name;
    return {
      path: lp.path,
      changeFile: replay && this.savedir !== null ? this.changeFile(name) : null,
      replay,
      save: () => this.save(lp),
      document: (config) => {
        if (!replay) return lp.doc;
        // the loaded document goes first: a big package is never held twice
        lp.doc = new Document(name, { file: lp.path, latin1: this.opts.latin1 });
        const doc = this.parse((config === null ? null : readRegular(config, this.encoding)) ?? '', name, lp.path);
        if (this.replayAll(doc, []) === 0) return null;
        lp.doc = doc;
        return doc;
      },
      fill: (doc) => (write) => doc.writeText(this.textOptions(), write),
      clearMemory: () => this.memory.delete(name),
      done: () => this.forget(lp),
    };
  }

  private forget(lp: LoadedPackage): void {
    this.loaded.forEach((v, k) => v === lp && this.loaded.delete(k));
  }

  private changeFile(name: string): string {
    return join(this.savedir!, name);
  }

  /** How long a synchronous method waits for a lock: not at all when the cursor may not block. */
  private lockWait(): number {
    return this.opts.blockingLocks === false ? 0 : (this.opts.lockTimeoutMs ?? LOCK_TIMEOUT_MS);
  }

  /**
   * libuci's uci_import as `uci import` uses it. With a name, `text` is that package's whole new
   * content (`package` lines ignored); without one, `package` lines name each package. Each
   * package's file is replaced (created 0600 if missing); staged changes stay staged. With
   * `merge`, the text is parsed into the loaded package instead and the changes staged (a
   * package that cannot be loaded is imported plainly).
   */
  importText(text: string, opts: { name?: string; merge?: boolean; file?: string } = {}): void {
    const { name } = opts;
    const parse = { strict: this.opts.strict ?? true, onError: this.opts.onParseError, latin1: this.opts.latin1 ?? false, file: opts.file ?? '-' };
    let target: LoadedPackage | null = null;
    if (opts.merge && name !== undefined) {
      try {
        target = this.loadPackage(name);
      } catch {
        target = null;
      }
    }
    this.parses++;
    if (target) {
      mergeInto(target.doc, text, { ...parse, log: target.doc.onChange! });
      this.save(target);
      return;
    }
    if (name !== undefined) packageFile(this.confdir, name);
    const docs = name !== undefined ? [parseDocument(text, { ...parse, name })] : parsePackages(text, parse);
    for (const doc of docs) {
      this.commitPackage({ doc, path: packageFile(this.confdir, doc.name), hasDelta: false, staged: [], pending: [] }, true);
    }
  }

  private textOptions(): TextOptions {
    return { keepComments: this.opts.keepComments ?? true, anonymousNames: this.opts.anonymousNames };
  }

  private memoryFrom(name: string, text: string): Delta[] {
    const doc = new Document(name);
    const staged: Delta[] = [];
    replayDelta(doc, text, staged);
    return staged;
  }

  private parse(text: string, name: string, path: string): Document {
    this.parses++;
    return parseDocument(text, {
      name,
      file: path,
      strict: this.opts.strict ?? true,
      onError: this.opts.onParseError,
      latin1: this.opts.latin1 ?? false,
      trivia: this.opts.keepComments ?? true,
    });
  }

  /** Replays every savedir's changes for doc; returns how many applied. */
  private replayAll(doc: Document, staged: Delta[]): number {
    let applied = 0;
    for (const dir of this.deltaPath) {
      const text = readRegular(join(dir, doc.name), this.encoding);
      if (text !== null) applied += replayDelta(doc, text, staged);
    }
    const mem = this.memory.get(doc.name);
    if (mem) applied += replayDelta(doc, mem.map((d) => formatDelta(doc.name, d)).join(''), staged);
    return applied;
  }
}
