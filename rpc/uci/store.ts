// The uci object's view of the files: one Cursor per session over the shared confdir with the
// session's own savedir (rpcd: /var/run/rpcd/uci-<sid>), parsed packages cached per session
// while the config file is unchanged (freshness.ts says how that is known), and the change file
// snapshots that make a multi-step method all-or-nothing. A session's writes (staging, commit,
// revert, apply) run one after another (serial), so that its change file has one writer in this
// process: its lock is then never waited for on the event loop, and a commit waiting for the
// config's lock (asynchronously) is not overtaken by the session's next edit.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Cursor, lockFileAsync, parseDocument, replaceFileAsync, type Document, type UciPackage } from '../../lib/uci/index.js';
import type { AppContext } from '../app.js';
import { RawJson, type JsonObject } from '../json.js';
import { isValidSid } from '../session.js';
import { FileChecks, parseStillValid, type FileCheck } from './freshness.js';

interface CacheEntry {
  /** The check of the config file made before it was parsed. */
  file: FileCheck;
  pkg: UciPackage;
  /** `{"values": …}` of the whole package, serialized on first use. */
  reply?: RawJson;
  /** The text a commit would write, parsed on first use. */
  committed?: Committed;
}

/** The package as a commit would write it: the document of that text gives its line numbers. */
export interface Committed {
  doc: Document;
  pkg: UciPackage;
}

interface SessionState {
  cursor: Cursor;
  cache: Map<string, CacheEntry>;
}

/** Puts bytes back at path as a commit writes a file (off the event loop); null removes the file. */
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
  private readonly sessions = new Map<string, SessionState>();
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

  private state(sid: string): SessionState {
    let s = this.sessions.get(sid);
    if (!s) {
      const savedir = this.savedir(sid);
      mkdirSync(savedir, { recursive: true, mode: 0o700 });
      // synchronous methods never wait for a lock here: commits go through commitAsync
      s = { cursor: new Cursor({ confdir: this.confdir, savedir, keepComments: true, blockingLocks: false }), cache: new Map() };
      this.sessions.set(sid, s);
    }
    return s;
  }

  /**
   * The session's Cursor, with `config` re-read from disk on its next use. The caller may be
   * about to write the config file: every session checks it again.
   */
  cursor(sid: string, config?: string): Cursor {
    const s = this.state(sid);
    if (config !== undefined) {
      s.cursor.unload(config);
      s.cache.delete(config);
    }
    return s.cursor;
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

  /** The package's cache entry, valid for a stat of the file made now. */
  private entry(sid: string, config: string): CacheEntry {
    const s = this.state(sid);
    const file = this.checks.check(config);
    const hit = s.cache.get(config);
    if (hit && parseStillValid(hit.file, file)) return hit;
    s.cursor.unload(config);
    const entry: CacheEntry = { file, pkg: s.cursor.load(config) };
    s.cache.set(config, entry);
    return entry;
  }

  /** The package with the session's staged changes, parsed again only when the file changed. */
  load(sid: string, config: string): UciPackage {
    return this.entry(sid, config).pkg;
  }

  /** The reply to `get` of the whole package, serialized once per cached package. */
  valuesReply(sid: string, config: string, dump: (pkg: UciPackage) => JsonObject): RawJson {
    const e = this.entry(sid, config);
    return (e.reply ??= new RawJson(JSON.stringify({ values: dump(e.pkg) })));
  }

  /**
   * The text commit would write for the session now, parsed once per cached package: line
   * numbers are those of that text, which has the session's staged changes in place.
   */
  committed(sid: string, config: string): Committed {
    const e = this.entry(sid, config);
    if (!e.committed) {
      const doc = parseDocument(this.state(sid).cursor.commitText(config), { name: config, file: config });
      e.committed = { doc, pkg: doc.toPackage() };
    }
    return e.committed;
  }

  /** Puts a config file back (apply's rollback); every session sees it by its next check. */
  async restoreConfig(config: string, bytes: Buffer | null, mode: number | null): Promise<void> {
    const path = join(this.confdir, config);
    // the lock a commit takes (ours or a `uci` command's): a rollback never lands inside one
    const lock = await lockFileAsync(path, true, bytes === null ? {} : { createMode: mode ?? 0o600 });
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

  /** Drops a session's Cursor, cache and savedir (rpc_uci_purge_savedir_cb). */
  forget(sid: string): void {
    this.sessions.delete(sid);
    if (isValidSid(sid)) rmSync(this.savedir(sid), { recursive: true, force: true });
  }
}

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
