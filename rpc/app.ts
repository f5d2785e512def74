// Puts the server together from its settings: the session store, the objects on the bus, the
// per-session savedir root, the login throttle, and the HTTP handler.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, type UbusObject } from './dispatch.js';
import { rpcdLogins } from './logins.js';
import { LuciDispatcher } from './luci/dispatcher.js';
import type { LuciRoot } from './luci/root.js';
import { sessionObject, setupAcls } from './objects/session.js';
import type { ServerLimits } from './limits.js';
import { listen, RpcHttpHandler, type LogSink, type RunningServer } from './server.js';
import { SessionStore } from './session.js';
import { systemSourceFor } from './system/source.js';
import type { Settings } from './settings.js';
import { LoginThrottle } from './throttle.js';

export interface AppOptions {
  log?: LogSink;
  now?: () => number;
  /** `serve --root`: also answer LuCI's dispatcher and files from this root file system. */
  root?: LuciRoot;
  /** Body and time limits other than uhttpd's defaults (rpc/limits.ts). */
  limits?: Partial<ServerLimits>;
}

/** Everything an object needs from the running server. */
export interface AppContext {
  settings: Settings;
  sessions: SessionStore;
  /** Directory holding one `uci-<sid>` savedir per session. */
  savedirRoot: string;
  log: LogSink;
  now: () => number;
}

export type ObjectFactory = (ctx: AppContext) => UbusObject & { pendingApplySid?: () => string | undefined; close?: () => void };

const SWEEP_INTERVAL_MS = 10_000;

/** A savedir root must be a real directory of ours: a symlink planted in /tmp must not redirect writes. */
function prepareSavedirRoot(dir: string | undefined): { root: string; owned: boolean } {
  if (dir === undefined) return { root: mkdtempSync(join(tmpdir(), 'uci-fw4-rpcd-')), owned: true };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.isSymbolicLink()) throw new Error(`savedir ${dir} is not a directory`);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) throw new Error(`savedir ${dir} belongs to another user`);
  // rpc_uci_purge_savedirs: staged changes of sessions from an earlier run are garbage
  for (const name of readdirSync(dir)) if (name.startsWith('uci-')) rmSync(join(dir, name), { recursive: true, force: true });
  return { root: dir, owned: false };
}

export class RpcApp {
  readonly sessions: SessionStore;
  readonly bus: Bus;
  readonly handler: RpcHttpHandler;
  readonly context: AppContext;
  private readonly sweeper: NodeJS.Timeout;
  private readonly closers: (() => void)[] = [];
  private readonly owned: boolean;

  constructor(readonly settings: Settings, factories: ObjectFactory[], options: AppOptions = {}) {
    const now = options.now ?? Date.now;
    const log: LogSink = options.log ?? (() => {});
    this.sessions = new SessionStore(now);
    const { root, owned } = prepareSavedirRoot(settings.savedir);
    this.owned = owned;
    this.context = { settings, sessions: this.sessions, savedirRoot: root, log, now };
    setupAcls(this.sessions.anonymous, null, settings.aclDir, log);
    this.bus = new Bus(this.sessions);
    let pendingApplySid: () => string | undefined = () => undefined;
    for (const make of factories) {
      const object = make(this.context);
      this.bus.register(object);
      if (object.pendingApplySid) pendingApplySid = object.pendingApplySid;
      if (object.close) this.closers.push(object.close);
    }
    const system = systemSourceFor(this.context);
    this.bus.register(
      sessionObject({
        sessions: this.sessions,
        // rpcd reads its config at every login: an edit applies to the next one
        users: () => [...settings.users, ...rpcdLogins(system.config('rpcd'))],
        shadowFile: settings.shadow,
        aclDir: settings.aclDir,
        defaultTimeout: settings.sessionTimeout,
        throttle: new LoginThrottle(settings.login, now),
        pendingApplySid: () => pendingApplySid(),
        now,
        warn: log,
      }),
    );
    const luci = options.root && new LuciDispatcher({ root: options.root, bus: this.bus, sessions: this.sessions, now });
    this.handler = new RpcHttpHandler({ bus: this.bus, cors: settings.cors, log: settings.log ? log : undefined, fallback: luci?.handle, limits: options.limits });
    this.sweeper = setInterval(() => this.sessions.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  listen(host = this.settings.listen.host, port = this.settings.listen.port): Promise<RunningServer> {
    return listen(this.handler, host, port);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const c of this.closers) c();
    if (this.owned) rmSync(this.context.savedirRoot, { recursive: true, force: true });
  }
}
