// rpcd's uci object (uci.c) over lib/uci's Cursor: every method with rpcd's arguments, checks in
// rpcd's order (arguments, ACL in scope "uci", names), results and status codes. Staged changes
// live in the caller's savedir, so sessions never see each other's unsaved changes.
import type { Cursor, UciPackage, UciSection } from '../../lib/uci/index.js';
import { isPackageFileName, UciError } from '../../lib/uci/index.js';
import type { AppContext, ObjectFactory } from '../app.js';
import { fail, ok, type CallContext, type MethodResult } from '../dispatch.js';
import { Status } from '../errors.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { ApplyManager } from '../uci/apply.js';
import { storeFor } from '../uci/store.js';
import { changeRecord } from '../../lib/ubus/index.js';
import {
  dumpPackage,
  dumpSection,
  dumpValue,
  formatValue,
  isRpcName,
  isRpcSection,
  isRpcType,
  resolveSection,
  sectionMatches,
} from '../uci/values.js';

/** rpc_uci_status: libuci's error classes as ubus statuses. */
function statusOf(err: unknown, editing: boolean): number {
  if (!(err instanceof UciError)) throw err;
  if (err.code === 'NOT_FOUND') return Status.NOT_FOUND;
  // a value the library refuses while editing is the caller's bad argument
  if (err.code === 'INVALID_ARGUMENT' || (editing && err.code === 'PARSE')) return Status.INVALID_ARGUMENT;
  return Status.UNKNOWN_ERROR;
}

const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: Json | undefined): JsonObject | undefined => (isJsonObject(v) ? v : undefined);

/** rpc_uci_merge_set for one option of one section; returns a status. */
function mergeSet(cursor: Cursor, config: string, s: UciSection, option: string, value: Json): number {
  if (!isRpcName(option)) return Status.INVALID_ARGUMENT;
  const existing = s.options.get(option);
  if (Array.isArray(value)) {
    if (existing !== undefined) cursor.delete(config, s.name, option);
    let status: number = Status.INVALID_ARGUMENT;
    for (const item of value) {
      const v = formatValue(item);
      if (v === null) continue;
      cursor.addList(config, s.name, option, v);
      status = Status.OK;
    }
    return status;
  }
  const v = formatValue(value);
  if (Array.isArray(existing)) {
    cursor.delete(config, s.name, option);
    if (v === null) return Status.INVALID_ARGUMENT;
    cursor.set(config, s.name, option, v);
    return Status.OK;
  }
  if (v === null) return Status.INVALID_ARGUMENT;
  // an unchanged value stages nothing
  if (existing !== v) cursor.set(config, s.name, option, v);
  return Status.OK;
}

/** rpc_uci_merge_delete for one section: the section, one option, or a list of options. */
function mergeDelete(cursor: Cursor, config: string, s: UciSection, option: Json | undefined, options: Json | undefined): number {
  if (options !== undefined) {
    let status: number = Status.NOT_FOUND;
    for (const o of options as Json[]) {
      if (typeof o !== 'string' || !s.options.has(o)) continue;
      cursor.delete(config, s.name, o);
      status = Status.OK;
    }
    return status;
  }
  if (option !== undefined) {
    if (!s.options.has(option as string)) return Status.NOT_FOUND;
    cursor.delete(config, s.name, option as string);
    return Status.OK;
  }
  cursor.delete(config, s.name);
  return Status.OK;
}

export const uciObject: ObjectFactory = (app: AppContext) => {
  const { settings } = app;
  const store = storeFor(app);
  const applies = new ApplyManager(store, app.log, app.sessions);

  /** ACL check in scope "uci", then the name check that keeps config names off the file system. */
  function access(ctx: CallContext, config: string, perm: 'read' | 'write'): number {
    if (!ctx.session.allowed('uci', config, perm)) return Status.PERMISSION_DENIED;
    return isPackageFileName(config) ? Status.OK : Status.NOT_FOUND;
  }

  function load(ctx: CallContext, config: string, state = false): UciPackage | number {
    try {
      return state ? store.loadState(ctx.session.id, config) : store.load(ctx.session.id, config);
    } catch (err) {
      return statusOf(err, false);
    }
  }

  /** Runs a staging method as one step: on a non-zero status nothing of it stays staged. */
  async function stage(ctx: CallContext, config: string, edit: (cursor: Cursor, pkg: UciPackage) => number | MethodResult): Promise<MethodResult> {
    let result: MethodResult | undefined;
    let status: number;
    try {
      status = await store.transaction(ctx.session.id, config, (cursor) => {
        const r = edit(cursor, cursor.load(config));
        result = typeof r === 'number' ? fail(r) : r;
        return result.status;
      });
    } catch (err) {
      return fail(statusOf(err, true));
    }
    return status === Status.OK ? (result ?? ok()) : fail(status);
  }

  function getCommon(args: JsonObject, ctx: CallContext, state: boolean): MethodResult {
    const config = args.config as string;
    const denied = access(ctx, config, 'read');
    if (denied) return fail(denied);
    const section = str(args.section);
    if (section === undefined) {
      const type = str(args.type);
      const match = obj(args.match);
      if (!state && type === undefined && match === undefined) {
        try {
          return ok(store.valuesReply(ctx.session.id, config, (p) => dumpPackage(p)));
        } catch (err) {
          return fail(statusOf(err, false));
        }
      }
      const pkg = load(ctx, config, state);
      return typeof pkg === 'number' ? fail(pkg) : ok({ values: dumpPackage(pkg, type, match) });
    }
    const pkg = load(ctx, config, state);
    if (typeof pkg === 'number') return fail(pkg);
    // rpcd answers a missing section or option with status 0 and no data
    const s = resolveSection(pkg, section);
    if (!s) return ok();
    const option = str(args.option);
    if (option === undefined) return ok({ values: dumpSection(s) });
    const value = s.options.get(option);
    return value === undefined ? ok() : ok({ value: dumpValue(value) });
  }

  function add(args: JsonObject, ctx: CallContext): MethodResult | Promise<MethodResult> {
    const config = args.config as string;
    const type = args.type as string;
    const name = str(args.name);
    const denied = access(ctx, config, 'write');
    if (denied) return fail(denied);
    if (!isRpcType(type) || (name !== undefined && !isRpcName(name))) return fail(Status.INVALID_ARGUMENT);
    return stage(ctx, config, (cursor) => {
      let section: string;
      if (name !== undefined) {
        cursor.set(config, name, undefined, type);
        section = name;
      } else section = cursor.add(config, type);
      let status: number = Status.OK;
      const setFirst = (s: number) => {
        if (status === Status.OK) status = s;
      };
      for (const [option, value] of Object.entries(obj(args.values) ?? {})) {
        if (!isRpcName(option)) {
          setFirst(Status.INVALID_ARGUMENT);
          continue;
        }
        if (Array.isArray(value)) {
          // rpcd appends to a list here, without the merge that set does
          for (const item of value) {
            const v = formatValue(item);
            if (v === null) setFirst(Status.INVALID_ARGUMENT);
            else cursor.addList(config, section, option, v);
          }
        } else {
          const v = formatValue(value);
          if (v === null) setFirst(Status.INVALID_ARGUMENT);
          else cursor.set(config, section, option, v);
        }
      }
      return status === Status.OK ? ok({ section }) : status;
    });
  }

  function set(args: JsonObject, ctx: CallContext): MethodResult | Promise<MethodResult> {
    const config = args.config as string;
    const denied = access(ctx, config, 'write');
    if (denied) return fail(denied);
    const section = str(args.section);
    if (section !== undefined && !isRpcSection(section)) return fail(Status.INVALID_ARGUMENT);
    const values = Object.entries(args.values as JsonObject);
    return stage(ctx, config, (cursor, pkg) => {
      let status: number = Status.OK;
      let found = false;
      const apply = (s: UciSection) => {
        found = true;
        for (const [option, value] of values) {
          const r = mergeSet(cursor, config, s, option, value);
          if (r) status = r;
        }
      };
      if (section !== undefined) {
        const s = resolveSection(pkg, section);
        // rpcd looks the section up per value: no values, no lookup, NOT_FOUND
        if (!s && values.length) return Status.NOT_FOUND;
        if (s && values.length) apply(s);
      } else {
        for (const s of pkg.sections) if (sectionMatches(s, str(args.type), obj(args.match))) apply(s);
      }
      if (status === Status.OK && !found) return Status.NOT_FOUND;
      return status;
    });
  }

  function del(args: JsonObject, ctx: CallContext): MethodResult | Promise<MethodResult> {
    const config = args.config as string;
    const denied = access(ctx, config, 'write');
    if (denied) return fail(denied);
    const type = str(args.type);
    const section = str(args.section);
    if ((type !== undefined && !isRpcType(type)) || (section !== undefined && !isRpcSection(section))) return fail(Status.INVALID_ARGUMENT);
    return stage(ctx, config, (cursor, pkg) => {
      if (section !== undefined) {
        const s = resolveSection(pkg, section);
        return s ? mergeDelete(cursor, config, s, args.option, args.options) : Status.NOT_FOUND;
      }
      // rpcd keeps only the last matching section's result
      let status: number = Status.NOT_FOUND;
      for (const s of pkg.sections) {
        if (sectionMatches(s, type, obj(args.match))) status = mergeDelete(cursor, config, s, args.option, args.options);
      }
      return status;
    });
  }

  function rename(args: JsonObject, ctx: CallContext): MethodResult | Promise<MethodResult> {
    const config = args.config as string;
    const section = args.section as string;
    const name = args.name as string;
    const option = str(args.option);
    const denied = access(ctx, config, 'write');
    if (denied) return fail(denied);
    if (!isRpcName(name)) return fail(Status.INVALID_ARGUMENT);
    return stage(ctx, config, (cursor, pkg) => {
      // a plain lookup: rename takes no @type[n]
      const s = pkg.sections.find((x) => x.name === section);
      if (!s || (option !== undefined && !s.options.has(option))) return Status.NOT_FOUND;
      cursor.rename(config, section, option, name);
      return Status.OK;
    });
  }

  function order(args: JsonObject, ctx: CallContext): MethodResult | Promise<MethodResult> {
    const config = args.config as string;
    const denied = access(ctx, config, 'write');
    if (denied) return fail(denied);
    return stage(ctx, config, (cursor, pkg) => {
      let status: number = Status.OK;
      let position = 0;
      for (const name of args.sections as Json[]) {
        if (typeof name !== 'string') {
          if (!status) status = Status.INVALID_ARGUMENT;
          continue;
        }
        if (!pkg.sections.some((x) => x.name === name)) {
          if (!status) status = Status.NOT_FOUND;
          continue;
        }
        cursor.reorder(config, name, position++);
      }
      return status;
    });
  }

  function changes(args: JsonObject, ctx: CallContext): MethodResult {
    const sid = ctx.session.id;
    const config = str(args.config);
    if (config !== undefined) {
      const denied = access(ctx, config, 'read');
      if (denied) return fail(denied);
      try {
        return ok({ changes: store.changes(sid, config).map(changeRecord) });
      } catch (err) {
        return fail(statusOf(err, false));
      }
    }
    const out: JsonObject = {};
    let names: string[];
    try {
      names = store.cursor(sid).configs();
    } catch (err) {
      return fail(statusOf(err, false));
    }
    for (const name of names) {
      if (!ctx.session.allowed('uci', name, 'read')) continue;
      try {
        const list = store.changes(sid, name);
        if (list.length) out[name] = list.map(changeRecord);
      } catch {
        // rpcd skips a config it cannot load
      }
    }
    return ok({ changes: out });
  }

  async function revertOrCommit(args: JsonObject, ctx: CallContext, commit: boolean): Promise<MethodResult> {
    const sid = ctx.session.id;
    const result = await applies.outsideApply(async () => {
      const config = args.config as string;
      const denied = access(ctx, config, 'write');
      if (denied) return fail(denied);
      return store.serial(sid, async () => {
        try {
          const cursor = store.cursor(sid, config);
          if (commit) await cursor.commitAsync(config);
          else cursor.revert(config);
        } catch (err) {
          return fail(statusOf(err, false));
        } finally {
          store.cursor(sid, config);
        }
        return ok();
      });
    });
    return typeof result === 'number' ? fail(result) : result;
  }

  return {
    name: 'uci',
    pendingApplySid: () => applies.pendingSid(),
    close: () => applies.close(),
    methods: {
      configs: (_args, ctx) => {
        try {
          return ok({ configs: store.cursor(ctx.session.id).configs() });
        } catch (err) {
          return fail(statusOf(err, false));
        }
      },
      get: (args, ctx) => getCommon(args, ctx, false),
      state: (args, ctx) => getCommon(args, ctx, true),
      add,
      set,
      delete: del,
      rename,
      order,
      changes,
      revert: (args, ctx) => revertOrCommit(args, ctx, false),
      commit: (args, ctx) => revertOrCommit(args, ctx, true),
      apply: async (args, ctx) => ({
        status: await applies.apply(ctx.session, args.rollback === true, typeof args.timeout === 'number' ? args.timeout : settings.applyTimeout),
      }),
      confirm: async (_args, ctx) => ({ status: await applies.confirm(ctx.session) }),
      rollback: async (_args, ctx) => ({ status: await applies.rollback(ctx.session) }),
      reload_config: () => ok(),
    },
  };
};
