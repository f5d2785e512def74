// What rpcd's file object (openwrt/rpcd file.c) reads, from the server's system source: a root
// directory (rpc/system/root-dir.ts) or, without one, the files a snapshot recorded. Entries
// carry the fields of file.c's _rpc_file_add_stat (lines 516-532).
import type { Stats } from 'node:fs';
import type { SystemView } from '../../lib/fw4/index.js';
import type { JsonObject } from '../json.js';
import type { RootDir } from './root-dir.js';

/** Why a read failed, as file.c's rpc_errno_status (lines 156-179) maps errno. */
export type FileError = 'ENOENT' | 'ENOTDIR' | 'EISDIR';

export interface FileTree {
  /** _rpc_file_add_stat's fields, or the error. */
  stat(path: string, follow: boolean): JsonObject | FileError;
  /** Directory entries with their lstat fields (and a symlink's `target`), sorted by name. */
  list(path: string): JsonObject[] | FileError;
  read(path: string): Buffer | FileError;
}

const S_IFMT = 0o170000;
const TYPES: Record<number, string> = {
  0o140000: 'socket', 0o120000: 'symlink', 0o100000: 'file', 0o060000: 'block', 0o040000: 'directory', 0o020000: 'char', 0o010000: 'fifo',
};

/** uid → name from an /etc/passwd or /etc/group text (getpwuid, getgrgid). */
function names(text: string | null): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of (text ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && /^\d+$/.test(f[2]!) && !out.has(Number(f[2]))) out.set(Number(f[2]), f[0]!);
  }
  return out;
}

/** A tree over a root directory: real stat fields; owners named by the root's own passwd and group. */
export class RootFileTree implements FileTree {
  constructor(private readonly dir: RootDir) {}

  private fields(st: Stats): JsonObject {
    const users = names(this.dir.read('/etc/passwd')?.toString('utf8') ?? null);
    const groups = names(this.dir.read('/etc/group')?.toString('utf8') ?? null);
    const out: JsonObject = {
      type: TYPES[st.mode & S_IFMT] ?? 'unknown',
      size: st.size,
      mode: st.mode,
      atime: Math.floor(st.atimeMs / 1000),
      mtime: Math.floor(st.mtimeMs / 1000),
      ctime: Math.floor(st.ctimeMs / 1000),
      inode: st.ino,
      uid: st.uid,
      gid: st.gid,
    };
    const user = users.get(st.uid);
    const group = groups.get(st.gid);
    if (user !== undefined) out.user = user;
    if (group !== undefined) out.group = group;
    return out;
  }

  stat(path: string, follow: boolean): JsonObject | FileError {
    const st = this.dir.stat(path, follow);
    return st ? this.fields(st) : 'ENOENT';
  }

  list(path: string): JsonObject[] | FileError {
    const st = this.dir.stat(path);
    if (!st) return 'ENOENT';
    if (!st.isDirectory()) return 'ENOTDIR';
    const out: JsonObject[] = [];
    for (const name of this.dir.list(path) ?? []) {
      const child = `${path === '/' ? '' : path}/${name}`;
      const lst = this.dir.stat(child, false);
      if (!lst) continue;
      const entry: JsonObject = { name, ...this.fields(lst) };
      if (lst.isSymbolicLink()) {
        // file.c lines 570-593: the link's target name, and its stat or type "broken"
        const target = this.dir.stat(child, true);
        entry.target = { name: this.dir.readlink(child) ?? '', ...(target ? this.fields(target) : { type: 'broken' }) };
      }
      out.push(entry);
    }
    return out;
  }

  read(path: string): Buffer | FileError {
    const st = this.dir.stat(path);
    if (!st) return 'ENOENT';
    if (st.isDirectory()) return 'EISDIR';
    return this.dir.read(path) ?? 'ENOENT';
  }
}

/**
 * A tree over a snapshot's recorded files and directories: the type and the size are known, the
 * other fields are 0 (a snapshot keeps no owners, modes or times).
 */
export class SnapshotFileTree implements FileTree {
  constructor(private readonly view: SystemView) {}

  private fields(path: string): JsonObject | null {
    const text = this.view.readFile(path);
    const dir = text === null ? this.view.openDir(path) : null;
    const recorded = text === null && dir === null ? this.view.stat(path) : null;
    if (text === null && dir === null && recorded === null) return null;
    const isDir = dir !== null || recorded?.type === 'directory';
    const size = text !== null ? Buffer.byteLength(text) : typeof recorded?.size === 'number' ? recorded.size : 0;
    return { type: isDir ? 'directory' : 'file', size, mode: isDir ? 0o40755 : 0o100644, atime: 0, mtime: 0, ctime: 0, inode: 0, uid: 0, gid: 0 };
  }

  stat(path: string): JsonObject | FileError {
    return this.fields(path) ?? 'ENOENT';
  }

  list(path: string): JsonObject[] | FileError {
    const names = this.view.openDir(path);
    if (names === null) return this.fields(path) ? 'ENOTDIR' : 'ENOENT';
    const out: JsonObject[] = [];
    for (const name of [...names].sort()) {
      // a name the snapshot lists without recording the file itself
      const f = this.fields(`${path === '/' ? '' : path}/${name}`) ?? { type: 'unknown', size: 0, mode: 0, atime: 0, mtime: 0, ctime: 0, inode: 0, uid: 0, gid: 0 };
      out.push({ name, ...f });
    }
    return out;
  }

  read(path: string): Buffer | FileError {
    const text = this.view.readFile(path);
    if (text !== null) return Buffer.from(text);
    return this.view.openDir(path) !== null ? 'EISDIR' : 'ENOENT';
  }
}
