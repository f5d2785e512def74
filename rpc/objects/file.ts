// rpcd's `file` object (openwrt/rpcd file.c at 4476687), read-only: read, list, stat, lstat
// and exec, each checked against the session's `file` scope exactly as rpcd checks it (the
// canonical path, with the permission "read", "list" or "exec"), before anything is looked at.
// Files come from the server's root directory, or without one from the snapshot. Nothing is
// written, and exec runs nothing: it answers as rpcd would up to the point of running.
import type { AppContext, ObjectFactory } from '../app.js';
import { fail, ok, type CallContext, type MethodResult } from '../dispatch.js';
import { Status } from '../errors.js';
import type { JsonObject } from '../json.js';
import { RootFileTree, SnapshotFileTree, type FileError, type FileTree } from '../system/file-tree.js';
import { systemSourceFor } from '../system/source.js';

/** RPC_FILE_MAX_SIZE (file.c line 46): larger files are not read. */
const MAX_SIZE = 4096 * 64;
/** RPC_CMDLINE_MAX_SIZE (line 49). */
const CMDLINE_MAX = 1024;

/** rpc_canonicalize_path, file.c lines 188-242: `//`, `/./` and `/x/../` collapsed, no trailing `/`. */
export function canonicalPath(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; ) {
    if (path[i] === '/') {
      if (path[i + 1] === '/') {
        i++;
        continue;
      }
      if (path[i + 1] === '.') {
        if (i + 2 === path.length || path[i + 2] === '/') {
          i += 2;
          continue;
        }
        if (path[i + 2] === '.' && (i + 3 === path.length || path[i + 3] === '/')) {
          out = out.slice(0, Math.max(0, out.lastIndexOf('/')));
          i += 3;
          continue;
        }
      }
    }
    out += path[i++];
  }
  if (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  else if (out === '') out = '/';
  return out;
}

/** rpc_errno_status, file.c lines 156-179 (EISDIR: read() of a directory gives NO_DATA, lines 344-348). */
const errnoStatus: Record<FileError, number> = { ENOENT: Status.NOT_FOUND, ENOTDIR: Status.INVALID_ARGUMENT, EISDIR: Status.NO_DATA };

export const fileObject: ObjectFactory = (app: AppContext) => {
  const source = systemSourceFor(app);
  const tree = (): FileTree =>
    source.rootDir ? new RootFileTree(source.rootDir) : new SnapshotFileTree(source.view());

  /** __rpc_check_path, lines 249-285: the canonical path if the session may use it with `perm`. */
  function checkPath(args: JsonObject, ctx: CallContext, perm: string): string | MethodResult {
    if (typeof args.path !== 'string') return fail(Status.INVALID_ARGUMENT);
    // an empty path is a failed strdup there: ENOMEM, UNKNOWN_ERROR
    if (args.path === '') return fail(Status.UNKNOWN_ERROR);
    const path = canonicalPath(args.path);
    if (!ctx.session.allowed('file', path, perm)) return fail(Status.PERMISSION_DENIED);
    return path;
  }
  /** Relative paths are relative to rpcd's working directory, `/`. */
  const absolute = (path: string) => (path.startsWith('/') ? path : `/${path}`);

  function stat(args: JsonObject, ctx: CallContext, follow: boolean): MethodResult {
    const path = checkPath(args, ctx, 'list');
    if (typeof path !== 'string') return path;
    const st = tree().stat(absolute(path), follow);
    return typeof st === 'string' ? fail(errnoStatus[st]) : ok({ path, ...st });
  }

  return {
    name: 'file',
    methods: {
      read: (args, ctx) => {
        // rpc_file_read, lines 300-370
        const path = checkPath(args, ctx, 'read');
        if (typeof path !== 'string') return path;
        const data = tree().read(absolute(path));
        if (typeof data === 'string') return fail(errnoStatus[data]);
        if (data.length >= MAX_SIZE) return fail(Status.NOT_SUPPORTED);
        if (data.length === 0) return fail(Status.NO_DATA);
        return ok({ data: args.base64 === true ? data.toString('base64') : data.toString('utf8') });
      },
      list: (args, ctx) => {
        // rpc_file_list, lines 535-606
        const path = checkPath(args, ctx, 'list');
        if (typeof path !== 'string') return path;
        const entries = tree().list(absolute(path));
        return typeof entries === 'string' ? fail(errnoStatus[entries]) : ok({ entries });
      },
      // rpc_file_stat and rpc_file_lstat, lines 608-651
      stat: (args, ctx) => stat(args, ctx, true),
      lstat: (args, ctx) => stat(args, ctx, false),
      exec: (args, ctx) => {
        // rpc_file_exec_run, lines 903-960, up to the fork
        if (typeof args.command !== 'string') return fail(Status.INVALID_ARGUMENT);
        if (args.env !== undefined) return fail(Status.PERMISSION_DENIED);
        const command = canonicalPath(args.command);
        if (!ctx.session.allowed('file', command, 'exec')) {
          // the command with its parameters, as one line, may be granted instead
          const params = Array.isArray(args.params) ? args.params.filter((p): p is string => typeof p === 'string') : null;
          if (params === null || params.length > 253) return fail(Status.PERMISSION_DENIED);
          const line = [command, ...params].join(' ');
          if (line.length >= CMDLINE_MAX || !ctx.session.allowed('file', line, 'exec')) return fail(Status.PERMISSION_DENIED);
        }
        // granted, but off-device no program runs: answered as rpcd answers a command it cannot find
        return fail(Status.NOT_FOUND);
      },
    },
  };
};
