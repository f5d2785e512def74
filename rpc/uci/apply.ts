// uci apply / confirm / rollback with rpcd's rules (openwrt/rpcd uci.c as of 4476687, 2026:
// rpc_uci_apply, rpc_uci_confirm, rpc_uci_rollback, rpc_uci_do_rollback, rpc_uci_apply_timeout;
// the session checks date from 7cac6af, 2014). One apply is pending at a time, server-wide:
// - apply commits every config the session has staged (non-empty change file), taking a
//   snapshot of each config file and change file just before its commit. With rollback, the
//   apply stays pending until confirmed; a second rollback apply meanwhile is refused (6), and
//   an apply without rollback meanwhile commits nothing and drops the snapshot, so the pending
//   apply can no longer undo anything (rpcd purges its snapshot directories first thing).
// - confirm and rollback belong to the session that applied: from another session 6, with
//   nothing pending 5.
// - rollback, and the timer when nobody confirmed, put the snapshot's files back and end the
//   pending apply (0 even when the snapshot was dropped: rpcd's glob of the purged directory
//   is not an error). If the applying session still exists and may write every non-empty
//   snapshot file, its snapshot change files are staged again in its savedir, so its changes
//   show as unsaved again (what LuCI shows after a failed apply).
// A config that did not exist is snapshot as an empty file (rpcd's copy creates it), and
// a rollback writes that empty file back. Every commit, revert, apply, confirm, rollback and
// timer of this process runs through one WriteGate (gate.ts), as rpcd runs them on one thread.
// Not taken from rpcd: its rollback also re-commits each restored config with whatever savedir
// its shared cursor last used, i.e. some session's unrelated staged changes; ours does not.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Status } from '../errors.js';
import type { LogSink } from '../server.js';
import type { Session, SessionStore } from '../session.js';
import { WriteGate } from './gate.js';
import { readBytes, restoreFile, type UciStore } from './store.js';

interface Saved {
  config: string;
  file: Buffer;
  mode: number | null;
  delta: Buffer;
}

interface Pending {
  sid: string;
  /** Emptied by an apply without rollback while this one is pending. */
  saved: Saved[];
  timer: NodeJS.Timeout;
}

export class ApplyManager {
  private pending: Pending | undefined;
  private readonly gate = new WriteGate();

  constructor(
    private readonly store: UciStore,
    private readonly log: LogSink,
    private readonly sessions: SessionStore,
  ) {}

  /** The session whose rollback apply is pending (a new login of its user gets it back). */
  pendingSid(): string | undefined {
    return this.pending?.sid;
  }

  /**
   * rpc_uci_revert_commit's first check and what follows it, as one step: while an apply is
   * pending, 6; a commit that started finishes before any apply takes its snapshot.
   */
  outsideApply<T>(fn: () => Promise<T>): Promise<T | typeof Status.PERMISSION_DENIED> {
    return this.gate.shared<T | typeof Status.PERMISSION_DENIED>(() => (this.pending ? Status.PERMISSION_DENIED : fn()));
  }

  /** rpc_uci_apply_access over the session's staged configs: any unwritable is 6, none is 5. */
  private access(session: Session, configs: string[]): number {
    for (const c of configs) if (!session.allowed('uci', c, 'write')) return Status.PERMISSION_DENIED;
    return configs.length ? Status.OK : Status.NO_DATA;
  }

  apply(session: Session, rollback: boolean, timeoutSeconds: number): Promise<number> {
    return this.gate.exclusive(async () => {
      if (this.pending && rollback) return Status.PERMISSION_DENIED;
      if (this.pending) {
        this.pending.saved = [];
        this.log('uci apply: an apply without rollback dropped the pending apply\'s snapshot');
        return Status.OK;
      }
      const sid = session.id;
      return this.store.serial(sid, async () => {
        const configs = this.store.stagedConfigs(sid);
        const denied = this.access(session, configs);
        if (denied) return denied;
        const saved: Saved[] = [];
        for (const config of configs) {
          const path = join(this.store.confdir, config);
          const st = statSync(path, { throwIfNoEntry: false });
          const delta = readBytes(this.store.changeFile(sid, config)) ?? Buffer.alloc(0);
          saved.push({ config, file: readBytes(path) ?? Buffer.alloc(0), mode: st ? st.mode & 0o7777 : null, delta });
          try {
            await this.store.cursor(sid, config).commitAsync(config);
          } catch (err) {
            // rpcd's apply ignores a failed commit as well; the log says which
            this.log(`uci apply: commit of ${config} failed: ${(err as Error).message}`);
          }
          this.store.cursor(sid, config);
        }
        if (rollback) {
          const timer = setTimeout(() => void this.expire(pending), timeoutSeconds * 1000);
          timer.unref();
          const pending: Pending = { sid, saved, timer };
          this.pending = pending;
        }
        this.log(`uci apply: ${configs.join(' ')} committed${rollback ? `, rollback in ${timeoutSeconds}s unless confirmed` : ''}`);
        return Status.OK;
      });
    });
  }

  confirm(session: Session): Promise<number> {
    return this.gate.exclusive(() => {
      if (!this.pending) return Status.NO_DATA;
      if (this.pending.sid !== session.id) return Status.PERMISSION_DENIED;
      this.end(this.pending);
      this.log('uci apply: confirmed');
      return Status.OK;
    });
  }

  rollback(session: Session): Promise<number> {
    return this.gate.exclusive(async () => {
      const p = this.pending;
      if (!p) return Status.NO_DATA;
      if (p.sid !== session.id) return Status.PERMISSION_DENIED;
      await this.restore(p);
      return Status.OK;
    });
  }

  /** rpc_uci_apply_timeout: the same rollback, run by nobody. */
  private expire(p: Pending): Promise<void> {
    return this.gate.exclusive(async () => {
      if (this.pending === p) await this.restore(p);
    });
  }

  /**
   * rpc_uci_do_rollback's test: the applying session gets its changes staged again if it still
   * exists and may write every non-empty snapshot file (rpc_uci_apply_access; none is a no).
   */
  private restageTo(p: Pending): string | undefined {
    const initiator = this.sessions.get(p.sid);
    const configs = p.saved.filter((s) => s.file.length > 0).map((s) => s.config);
    return initiator && this.access(initiator, configs) === Status.OK ? p.sid : undefined;
  }

  private end(p: Pending): void {
    clearTimeout(p.timer);
    this.pending = undefined;
  }

  /** rpc_uci_do_rollback; a failure is logged (the timer runs it, with no caller to tell). */
  private async restore(p: Pending): Promise<void> {
    const restageSid = this.restageTo(p);
    this.end(p);
    try {
      for (const s of p.saved) await this.store.restoreConfig(s.config, s.file, s.mode);
      if (restageSid !== undefined) {
        await this.store.serial(restageSid, async () => {
          this.store.cursor(restageSid); // makes the savedir, as rpcd's mkdir
          for (const s of p.saved) {
            await restoreFile(this.store.changeFile(restageSid, s.config), s.delta, 0o600);
            this.store.cursor(restageSid, s.config);
          }
        });
      }
    } catch (err) {
      this.log(`uci apply: rollback failed: ${(err as Error).message}`);
      return;
    }
    const what = p.saved.map((s) => s.config).join(' ') || 'nothing (snapshot dropped)';
    this.log(`uci apply: rolled back ${what}${restageSid !== undefined ? ', changes staged again' : ''}`);
  }

  close(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = undefined;
  }
}
