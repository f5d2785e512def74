// uci apply / confirm / rollback (rpcd uci.c): apply commits every config the session has staged
// and, with rollback, keeps the previous files and change files; unless the same session
// confirms within the timeout, the files are put back byte for byte and, if that session still
// lives and may write them, its changes are staged again. One apply is pending at a time.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Status } from '../errors.js';
import type { LogSink } from '../server.js';
import type { Session, SessionStore } from '../session.js';
import { readBytes, restoreFile, type UciStore } from './store.js';

interface Saved {
  config: string;
  file: Buffer | null;
  mode: number | null;
  delta: Buffer | null;
}

interface Pending {
  sid: string;
  saved: Saved[];
  timer: NodeJS.Timeout;
}

export class ApplyManager {
  private pending: Pending | undefined;

  constructor(
    private readonly store: UciStore,
    private readonly sessions: SessionStore,
    private readonly log: LogSink,
  ) {}

  pendingSid(): string | undefined {
    return this.pending?.sid;
  }

  /** rpc_uci_apply_access: every staged config must be writable; none staged is NO_DATA. */
  private access(session: Session, configs: string[]): number {
    if (configs.length === 0) return Status.NO_DATA;
    for (const c of configs) if (!session.allowed('uci', c, 'write')) return Status.PERMISSION_DENIED;
    return Status.OK;
  }

  async apply(session: Session, rollback: boolean, timeoutSeconds: number): Promise<number> {
    if (this.pending && rollback) return Status.PERMISSION_DENIED;
    // rpcd does nothing else while an apply is pending (it would also drop the saved files; we keep them)
    if (this.pending) return Status.OK;
    const configs = this.store.stagedConfigs(session.id);
    const denied = this.access(session, configs);
    if (denied) return denied;
    const saved = configs.map((config): Saved => {
      const path = join(this.store.confdir, config);
      const st = statSync(path, { throwIfNoEntry: false });
      return { config, file: readBytes(path), mode: st ? st.mode & 0o7777 : null, delta: readBytes(this.store.changeFile(session.id, config)) };
    });
    if (rollback) {
      const timer = setTimeout(() => void this.restore(), timeoutSeconds * 1000);
      timer.unref();
      this.pending = { sid: session.id, saved, timer };
    }
    await this.store.serial(session.id, async () => {
      for (const config of configs) {
        try {
          await this.store.cursor(session.id, config).commitAsync(config);
        } catch (err) {
          // rpcd's apply ignores a failed commit as well; the log says which
          this.log(`uci apply: commit of ${config} failed: ${(err as Error).message}`);
        }
        this.store.cursor(session.id, config);
      }
    });
    this.log(`uci apply: ${configs.join(' ')} committed${rollback ? `, rollback in ${timeoutSeconds}s unless confirmed` : ''}`);
    return Status.OK;
  }

  private check(session: Session): number {
    if (!this.pending) return Status.NO_DATA;
    if (this.pending.sid !== session.id) return Status.PERMISSION_DENIED;
    return Status.OK;
  }

  confirm(session: Session): number {
    const status = this.check(session);
    if (status) return status;
    clearTimeout(this.pending!.timer);
    this.pending = undefined;
    this.log('uci apply: confirmed');
    return Status.OK;
  }

  async rollback(session: Session): Promise<number> {
    const status = this.check(session);
    if (status) return status;
    await this.restore();
    return Status.OK;
  }

  /** rpc_uci_do_rollback; a failure is logged (a timer runs it, with no caller to tell). */
  private async restore(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.pending = undefined;
    const session = this.sessions.get(p.sid);
    const restage = session !== undefined && this.access(session, p.saved.filter((s) => s.file?.length).map((s) => s.config)) === Status.OK;
    try {
      await this.store.serial(p.sid, async () => {
        for (const s of p.saved) {
          await this.store.restoreConfig(s.config, s.file, s.mode);
          if (restage) await restoreFile(this.store.changeFile(p.sid, s.config), s.delta, 0o600);
        }
        if (session) for (const s of p.saved) this.store.cursor(p.sid, s.config);
      });
    } catch (err) {
      this.log(`uci apply: rollback failed: ${(err as Error).message}`);
      return;
    }
    this.log(`uci apply: rolled back ${p.saved.map((s) => s.config).join(' ')}${restage ? ', changes staged again' : ''}`);
  }

  close(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = undefined;
  }
}
