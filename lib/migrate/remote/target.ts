// One router's run (issue 17): log in, read the packages the migrations touch, run them on that
// model, stage the planned calls, check the router's `uci changes`, `uci apply` with rollback,
// and `confirm` from the same session over a new connection. Only a confirmed apply counts as
// changed. Before the apply any error reverts what was staged (and the session, destroyed when
// the run failed, takes its savedir with it: rpcd uci.c rpc_uci_purge_savedir_cb); after it, a
// router that cannot be confirmed restores its previous files itself when its rollback
// time-out expires, which is reported as `rolled back`.
import { UbusClient, UbusError, UbusStatus } from '../../ubus/index.js';
import { unifiedDiff } from '../diff.js';
import type { MigrationInfo } from '../isolated.js';
import { MigrationFailure, type UpOutcome, type UpTarget } from '../up.js';
import type { RemoteTarget, TargetResult } from '../types.js';
import { readModel } from './model.js';
import type { PackagePlan } from './plan.js';
import { stagePlan } from './stage.js';

/** rpcd's rollback time-out when apply is given none (uci.h RPC_APPLY_TIMEOUT). */
const RPCD_APPLY_TIMEOUT_S = 60;
/** The longest one call may take (less when the target's deadline is nearer). */
const CALL_TIMEOUT_MS = 10_000;
/** How long to wait between two confirm attempts that got no answer. */
const CONFIRM_RETRY_MS = 1_000;

export interface TargetRun {
  migrations: readonly MigrationInfo[];
  up: (target: UpTarget, todo: readonly MigrationInfo[]) => Promise<UpOutcome>;
  dryRun: boolean;
  diffs: boolean;
  /** The target's deadline, from its start. */
  timeoutMs: number;
  /** Seconds given to `uci apply` (undefined: none, rpcd's default applies). */
  rollbackTimeout?: number;
}

class Deadline {
  readonly end: number;
  constructor(readonly ms: number) {
    this.end = Date.now() + ms;
  }
  /** The time-out for the next call; throws once the deadline has passed. */
  call = (): number => {
    const left = this.end - Date.now();
    if (left <= 0) throw new Error(`the target's deadline (${this.ms / 1000} s) passed`);
    return Math.min(CALL_TIMEOUT_MS, left);
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The packages to read: all (undefined) unless every migration names its own. */
function packagesOf(migrations: readonly MigrationInfo[]): string[] | undefined {
  if (migrations.some((m) => m.packages === undefined)) return undefined;
  return [...new Set(migrations.flatMap((m) => m.packages!))].sort();
}

/** `ended`: the router ended the session (`session destroy` answered 0) with the confirm. */
type Confirmed = { ok: true } | { ok: false; reason: string; answered: false } | { ok: false; reason: string; answered: true; ended: boolean };

/**
 * `uci confirm` with the session over new connections until it is answered or the rollback
 * time-out (or the deadline) has passed; rpcd takes the confirm from the applying session only.
 * The session's `destroy` goes in the same batch: the run needs the session no more, whatever
 * the confirm answers. When it is refused (LuCI's ACLs grant `session destroy` to no group),
 * the session lives on until it expires, and what rpcd's rollback staged again in it must be
 * reverted; when it is ended, that went with its savedir (uci.c rpc_uci_purge_savedir_cb).
 */
async function confirm(client: UbusClient, appliedAt: number, rollbackS: number, deadline: Deadline): Promise<Confirmed> {
  const until = Math.min(appliedAt + rollbackS * 1000, deadline.end);
  let last = `the target's deadline (${deadline.ms / 1000} s) passed`;
  while (Date.now() < until) {
    const fresh = client.withNewConnection();
    try {
      const [r, destroyed] = await fresh.batch([{ object: 'uci', method: 'confirm' }, { object: 'session', method: 'destroy' }], Math.min(CALL_TIMEOUT_MS, until - Date.now()));
      if (r!.ok) return { ok: true };
      const why = r!.status === UbusStatus.NO_DATA ? 'no apply is pending on the router any more' : r!.error;
      return { ok: false, reason: `uci confirm: ${why}`, answered: true, ended: destroyed!.ok };
    } catch (e) {
      last = message(e);
    } finally {
      fresh.close();
    }
    await sleep(Math.max(0, Math.min(CONFIRM_RETRY_MS, until - Date.now())));
  }
  return { ok: false, reason: `no confirm possible within ${rollbackS} s of the apply (${last})`, answered: false };
}

function fail(result: TargetResult, e: unknown): void {
  result.status = 'failed';
  const migration = e instanceof MigrationFailure ? e.migration : undefined;
  result.reason = migration === undefined ? message(e) : `migration '${migration}': ${message(e)}`;
  if (migration !== undefined) result.failedMigration = migration;
  result.files = [];
  result.applied = [];
}

/** Stages every plan and checks the router's changes; the packages touched so far are in `touched`. */
async function stage(client: UbusClient, plans: PackagePlan[], touched: string[], deadline: Deadline): Promise<void> {
  for (const plan of plans) {
    touched.push(plan.package);
    await stagePlan(client, plan, deadline.call);
  }
}

/**
 * `uci revert` of each package, so that nothing of this run stays staged; why it could not be
 * done, if it could not (LuCI's ACLs grant `uci revert` to no group; a router may stop answering).
 */
async function revert(client: UbusClient, packages: string[]): Promise<string | undefined> {
  for (const config of packages) {
    try {
      const r = await client.call('uci', 'revert', { config }, CALL_TIMEOUT_MS);
      if (!r.ok) return `uci revert ${config}: ${r.error}`;
    } catch (e) {
      return message(e);
    }
  }
  return undefined;
}

/** Runs the migrations on one router. Never throws: a failure is a result. */
export async function migrateTarget(target: RemoteTarget, run: TargetRun): Promise<TargetResult> {
  const result: TargetResult = { target: target.name ?? target.url, url: target.url, status: 'unchanged', applied: [], files: [], notes: [] };
  const deadline = new Deadline(run.timeoutMs);
  const touched: string[] = [];
  let client: UbusClient | undefined;
  let session = false;
  let phase: 'before apply' | 'apply' | 'after apply' = 'before apply';
  /** Why what the run staged could not be reverted: it then stays in the session. */
  let unreverted: string | undefined;
  // a session that outlives the run by little: one left behind (a router that stopped
  // answering, or that refused its destroy) soon takes its savedir with it
  const sessionSeconds = Math.ceil(run.timeoutMs / 1000) + (run.rollbackTimeout ?? RPCD_APPLY_TIMEOUT_S);
  try {
    client = new UbusClient(target.url, { timeoutMs: CALL_TIMEOUT_MS });
    await client.login(target.user, target.password, sessionSeconds);
    session = true;
    const packages = packagesOf(run.migrations);
    const { model, staged } = await readModel(client, packages, deadline.call);
    if (staged.length > 0) {
      throw new Error(`changes of another session are staged on the router (${staged.join(', ')}); not touching it`);
    }
    const outcome = await run.up({ url: target.url, model }, run.migrations);
    result.applied = run.migrations.map((m) => m.id);
    result.notes = outcome.notes;
    const plans = outcome.plans ?? [];
    result.files = plans.map((p) => ({
      package: p.package,
      ...(run.diffs ? { diff: unifiedDiff(p.package, p.before, p.after) } : {}),
      changes: p.changes,
    }));
    if (plans.length === 0) return result;
    result.status = 'changed';
    if (run.dryRun) return result;
    await stage(client, plans, touched, deadline);
    phase = 'apply'; // throws when the router refuses it: nothing applied
    const applied = await applyWithRollback(client, run, deadline);
    phase = 'after apply';
    session = false; // the confirm's batch ends it, or the router no longer answers
    unreverted = await confirmApplied(client, run, deadline, result, applied);
  } catch (e) {
    fail(result, e);
    if (client && touched.length > 0 && phase !== 'after apply') unreverted = await revert(client, touched);
  } finally {
    // the session goes with anything still staged in it, and the router's memory of it
    if (client && session) {
      const destroyed = await client.call('session', 'destroy', {}, CALL_TIMEOUT_MS).catch(() => undefined);
      if (destroyed?.ok) unreverted = undefined;
    }
    client?.close();
  }
  if (unreverted !== undefined) {
    result.reason = `${result.reason}; ${unreverted}: what the run staged stays in its own session on the router until the session expires (${sessionSeconds} s after the login)`;
  }
  return result;
}

interface Applied {
  at: number;
  /** Why the apply got no answer (whether it applied is then unknown; a confirm tells). */
  unanswered?: string;
}

/** `uci apply {rollback: true}`; throws when the router refuses it. */
async function applyWithRollback(client: UbusClient, run: TargetRun, deadline: Deadline): Promise<Applied> {
  const args = { rollback: true, ...(run.rollbackTimeout === undefined ? {} : { timeout: run.rollbackTimeout }) };
  const at = Date.now();
  try {
    const r = await client.call('uci', 'apply', args, deadline.call());
    if (!r.ok) {
      const hint = r.status === UbusStatus.PERMISSION_DENIED ? ' (another apply may be waiting for its confirm on the router)' : '';
      throw new UbusError(`ubus call uci apply: ${r.error}${hint}`, r);
    }
  } catch (e) {
    if (e instanceof UbusError && e.answered) throw e;
    return { at, unanswered: message(e) };
  }
  return { at };
}

/** The confirm after an apply; sets the result's status. Returns why a revert it needed failed. */
async function confirmApplied(client: UbusClient, run: TargetRun, deadline: Deadline, result: TargetResult, applied: Applied): Promise<string | undefined> {
  const c = await confirm(client, applied.at, run.rollbackTimeout ?? RPCD_APPLY_TIMEOUT_S, deadline);
  if (c.ok) return undefined;
  // rpcd's rollback stages the changes again in the applying session: none may stay staged
  const unreverted = c.answered && !c.ended ? await revert(client, result.files.map((f) => f.package)) : undefined;
  if (c.answered && applied.unanswered !== undefined) {
    fail(result, new Error(`uci apply got no answer (${applied.unanswered}) and ${c.reason}: the router's configuration is as before`));
  } else {
    result.status = 'rolled back';
    result.reason = `${c.reason}; the router restores its previous configuration itself`;
  }
  return unreverted;
}
