// The uci object's view of the files: one Cursor per session over the shared confdir with the
// session's own savedir (rpcd: /var/run/rpcd/uci-<sid>), a bounded cache of parsed packages
// (per session, valid while the config file is unchanged: freshness.ts says how that is known),
// and the change file snapshots that make a multi-step method all-or-nothing. A session's writes
// (staging, commit, revert, apply) run one after another (serial), so that its change file has
// one writer in this process: its lock is then never waited for on the event loop, and a commit
// waiting for the config's lock (asynchronously) is not overtaken by the session's next edit.
//
// Memory: a parse costs about 35 times the config's text (the Document keeps every token's
// trivia). Nothing parsed outlives the call that needed it unless it is in the cache, and the
// cache holds, across all sessions, at most CACHE_LIMITS.entries packages and
// CACHE_LIMITS.textBytes of parsed config text, least recently used evicted first. A parse of a
// file changed within the last SETTLE_MS is never cached: it could not answer a later request.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Cursor, lockFileAsync, parseDocument, replaceFileAsync, type Document, type UciPackage } from '../../lib/uci/index.js';
import type { AppContext } from '../app.js';
import { RawJson, type JsonObject } from '../json.js';
import { isValidSid } from '../session.js';
import { FileChecks, parseStillValid, type FileCheck } from './freshness.js';

/** The cache's bounds, store-wide: 1 MiB of text is about 35 MiB parsed. */
export const CACHE_LIMITS = { entries: 256, textBytes: 1 << 20 };

interface CacheEntry {
  sid: string;
  config: string;
  /** The check of the config file made before it was parsed. */
  file: FileCheck;
  pkg: UciPackage;
  /** `{"values": …}` of the whole package, serialized on first use. */
  reply?: RawJson;
  /** The text a commit would write, parsed on first use. */
  committed?: Committed;
  /** Config text parsed for this entry: the file, and the commit text once parsed. */
  text: number;
}

/** The package as a commit would write it: the document of that text gives its line numbers. */
export interface Committed {
  doc: Document;
  pkg: UciPackage;
}

/** Puts bytes back at path as a commit writes a file (its fsyncs off the event loop); null removes the file. */
export async function restoreFile(path: string, bytes: Buffer | null, mode: number | null): Promise<void> {
  if (bytes === null) await rm(path, { force: true });
  else await replaceFileAsync(path, bytes, mode ?? 0o600);
}

export function readBytes(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

export class UciStore {
  /** Each session's Cursor; it holds a parsed package only while the cache has its entry. */
  private readonly sessions = new Map<string, Cursor>();
  /** The cache, by sid and config; Map order is least recently used first. */
  private readonly cache = new Map<string, CacheEntry>();
  private cachedText = 0;
  /** The last write queued for each session (serial). */
  private readonly queues = new Map<string, Promise<unknown>>();
  /**
   * Checks of the config files. The session's own change files need none: only this server
   * writes its private savedirs, and every write drops the session's cache.
   */
  private readonly checks: FileChecks;

  constructor(
    readonly confdir: string,
    private readonly savedirRoot: string,
    private readonly stateDir?: string,
    /** The wall clock file times are compared with. */
    now: () => number = Date.now,
  ) {
    this.checks = new FileChecks(confdir, undefined, now);
  }

  savedir(sid: string): string {
    // ids are ours (32 hex), but a path is built from it: check anyway
    if (!isValidSid(sid)) throw new Error(`invalid session id in a path: ${sid}`);
    return join(this.savedirRoot, `uci-${sid}`);
  }

  private state(sid: string): Cursor {
    let cursor = this.sessions.get(sid);
    if (!cursor) {
      const savedir = this.savedir(sid);
      mkdirSync(savedir, { recursive: true, mode: 0o700 });
      // synchronous methods never wait for a lock here: commits go through commitAsync
      cursor = new Cursor({ confdir: this.confdir, savedir, keepComments: true, blockingLocks: false });
      this.sessions.set(sid, cursor);
    }
    return cursor;
  }

  /**
   * The session's Cursor, with `config` re-read from disk on its next use. The caller may be
   * about to write the config file: every session checks it again.
   */
  cursor(sid: string, config?: string): Cursor {
    const cursor = this.state(sid);
    if (config !== undefined) {
      cursor.unload(config);
      this.uncache(cacheKey(sid, config));
    }
    return cursor;
  }

  /** Runs fn once the session's earlier writes are done; the next waits for this one. */
  serial<T>(sid: string, fn: () => T | Promise<T>): Promise<T> {
    const run = (this.queues.get(sid) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    this.queues.set(sid, tail);
    void tail.then(() => {
      if (this.queues.get(sid) === tail) this.queues.delete(sid);
    });
    return run;
  }

  /**
   * Runs fn on the package's cache entry, valid for a stat of the file made now; an entry
   * left out of the cache (or evicted by its own growth) takes its parse with it when fn returns.
   */
  private withEntry<T>(sid: string, config: string, fn: (e: CacheEntry, cursor: Cursor) => T): T {
    const key = cacheKey(sid, config);
    const cursor = this.state(sid);
    const file = this.checks.check(config);
    let e = this.cache.get(key);
    if (e && parseStillValid(e.file, file)) {
      // most recently used goes last
      this.cache.delete(key);
      this.cache.set(key, e);
    } else {
      this.uncache(key);
      cursor.unload(config);
      e = { sid, config, file, pkg: cursor.load(config), text: file.size };
      if (file.settled) this.remember(key, e);
    }
    try {
      return fn(e, cursor);
    } finally {
      if (this.cache.get(key) !== e) cursor.unload(config);
    }
  }

  private remember(key: string, e: CacheEntry): void {
    this.cache.set(key, e);
    this.cachedText += e.text;
    this.trim();
  }

  /** Evicts least recently used entries until the cache is within CACHE_LIMITS. */
  private trim(): void {
    for (const key of this.cache.keys()) {
      if (this.cache.size <= CACHE_LIMITS.entries && this.cachedText <= CACHE_LIMITS.textBytes) break;
      this.uncache(key);
    }
  }

  private uncache(key: string): void {
    const e = this.cache.get(key);
    if (!e) return;
    this.cache.delete(key);
    this.cachedText -= e.text;
    this.sessions.get(e.sid)?.unload(e.config);
  }

  /** What the cache holds now (diagnostics and tests). */
  cacheStats(): { entries: number; textBytes: number } {
    return { entries: this.cache.size, textBytes: this.cachedText };
  }

  /** The package with the session's staged changes, parsed again only when the file changed. */
  load(sid: string, config: string): UciPackage {
    return this.withEntry(sid, config, (e) => e.pkg);
  }

  /** The reply to `get` of the whole package, serialized once per cached package. */
  valuesReply(sid: string, config: string, dump: (pkg: UciPackage) => JsonObject): RawJson {
    return this.withEntry(sid, config, (e) => (e.reply ??= new RawJson(JSON.stringify({ values: dump(e.pkg) }))));
  }

  /**
   * The text commit would write for the session now, parsed once per cached package: line
   * numbers are those of that text, which has the session's staged changes in place.
   */
  committed(sid: string, config: string): Committed {
    return this.withEntry(sid, config, (e, cursor) => {
      if (!e.committed) {
        const text = cursor.commitText(config);
        const doc = parseDocument(text, { name: config, file: config });
        e.committed = { doc, pkg: doc.toPackage() };
        if (this.cache.get(cacheKey(sid, config)) === e) {
          e.text += text.length;
          this.cachedText += text.length;
          this.trim();
        }
      }
      return e.committed;
    });
  }

  /** Puts a config file back (apply's rollback); every session sees it by its next check. */
  async restoreConfig(config: string, bytes: Buffer, mode: number | null): Promise<void> {
    const path = join(this.confdir, config);
    // the lock a commit takes (ours or a `uci` command's): a rollback never lands inside one
    const lock = await lockFileAsync(path, true, { createMode: mode ?? 0o600 });
    try {
      await restoreFile(path, bytes, mode);
    } finally {
      lock?.release();
    }
  }

  /** `uci state`: the package with the state directory's changes as well (never cached). */
  loadState(sid: string, config: string): UciPackage {
    const savedir = this.savedir(sid);
    const extra = this.stateDir === undefined ? [] : [this.stateDir];
    return new Cursor({ confdir: this.confdir, savedir, extraSavedirs: extra }).load(config);
  }

  changeFile(sid: string, config: string): string {
    return join(this.savedir(sid), config);
  }

  /**
   * Runs the edits of one method on one config, after the session's earlier writes; when it
   * ends with a non-zero status or throws, the change file is put back byte for byte, as rpcd
   * saves only a fully successful method.
   */
  transaction(sid: string, config: string, edit: (cursor: Cursor) => number): Promise<number> {
    return this.serial(sid, async () => {
      const file = this.changeFile(sid, config);
      const before = readBytes(file);
      const cursor = this.cursor(sid, config);
      let status: number;
      try {
        status = edit(cursor);
      } catch (err) {
        await restoreFile(file, before, 0o600);
        this.cursor(sid, config);
        throw err;
      }
      if (status !== 0) await restoreFile(file, before, 0o600);
      this.cursor(sid, config);
      return status;
    });
  }

  /** Configs with staged changes: non-empty files of the session's savedir. */
  stagedConfigs(sid: string): string[] {
    const dir = this.savedir(sid);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    return names.filter((n) => !n.startsWith('.') && (statSync(join(dir, n), { throwIfNoEntry: false })?.size ?? 0) > 0).sort();
  }

  /**
   * The session's staged changes of one config: from the cached parse if there is one (every
   * write of the session's change file drops it), else from a parse that goes with the call.
   */
  changes(sid: string, config: string): ReturnType<Cursor['changes']> {
    const cursor = this.state(sid);
    const cached = this.cache.has(cacheKey(sid, config));
    try {
      return cursor.changes(config);
    } finally {
      if (!cached) cursor.unload(config);
    }
  }

  /** Drops a session's Cursor, cache entries and savedir (rpc_uci_purge_savedir_cb). */
  forget(sid: string): void {
    for (const e of [...this.cache.values()]) if (e.sid === sid) this.uncache(cacheKey(sid, e.config));
    this.sessions.delete(sid);
    if (isValidSid(sid)) rmSync(this.savedir(sid), { recursive: true, force: true });
  }
}

const cacheKey = (sid: string, config: string): string => `${sid}/${config}`;

const stores = new WeakMap<AppContext, UciStore>();

/** The app's one store, shared by the objects that read configs as a session sees them. */
export function storeFor(app: AppContext): UciStore {
  let store = stores.get(app);
  if (!store) {
    const created = new UciStore(app.settings.confdir, app.savedirRoot, app.settings.stateDir, app.now);
    app.sessions.onDestroy((s) => created.forget(s.id));
    stores.set(app, (store = created));
  }
  return store;
}
