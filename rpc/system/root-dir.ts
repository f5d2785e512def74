// A directory standing for `/` (a router's root file system unpacked anywhere, or `/` itself on
// the router), read as a chroot would: paths are resolved one component at a time and symbolic
// links are followed inside the directory (an absolute target starts again at the directory, as
// /var -> /tmp does on OpenWrt), so that no path and no link in it reaches a file outside it.
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { posix } from 'node:path';
import type { StatInfo, SystemView } from '../../lib/fw4/index.js';

/** Linux's MAXSYMLINKS. */
const MAX_LINKS = 40;

export class RootDir {
  private readonly base: string;

  constructor(root: string) {
    this.base = posix.resolve(root);
  }

  /** The host path of `path` inside the root, the last link followed unless `followLast` is false; null: no such path. */
  resolve(path: string, followLast = true): string | null {
    if (!path.startsWith('/') || path.includes('\0')) return null;
    const pending = path.split('/').filter(Boolean).reverse();
    const done: string[] = [];
    let links = 0;
    while (pending.length) {
      const name = pending.pop()!;
      if (name === '.') continue;
      if (name === '..') {
        done.pop();
        continue;
      }
      const host = posix.join(this.base, ...done, name);
      const st = lstatSync(host, { throwIfNoEntry: false });
      if (!st) return pending.length ? null : host;
      if (!st.isSymbolicLink() || (!followLast && pending.length === 0)) {
        done.push(name);
        continue;
      }
      if (++links > MAX_LINKS) return null;
      const target = readlinkSync(host, 'utf8');
      if (target.startsWith('/')) done.length = 0;
      pending.push(...target.split('/').filter(Boolean).reverse());
    }
    return posix.join(this.base, ...done);
  }

  stat(path: string, follow = true): Stats | null {
    const host = this.resolve(path, follow);
    return host === null ? null : (lstatSync(host, { throwIfNoEntry: false }) ?? null);
  }

  read(path: string): Buffer | null {
    const host = this.resolve(path);
    if (host === null) return null;
    try {
      return readFileSync(host);
    } catch {
      return null;
    }
  }

  list(path: string): string[] | null {
    const host = this.resolve(path);
    if (host === null) return null;
    try {
      return readdirSync(host).sort();
    } catch {
      return null;
    }
  }

  readlink(path: string): string | null {
    const host = this.resolve(path, false);
    if (host === null) return null;
    try {
      return readlinkSync(host, 'utf8');
    } catch {
      return null;
    }
  }
}

function statType(st: Stats): StatInfo['type'] {
  return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'link' : 'other';
}

/** The file half of a SystemView over a RootDir; it has no ubus, runs no command. */
export class RootDirView implements SystemView {
  constructor(readonly dir: RootDir) {}

  ubus(): unknown {
    return null;
  }
  readFile(path: string): string | null {
    return this.dir.read(path)?.toString('utf8') ?? null;
  }
  stat(path: string): StatInfo | null {
    const st = this.dir.stat(path);
    return st ? { type: statType(st), size: st.size } : null;
  }
  listDir(path: string): string[] {
    return this.dir.list(path) ?? [];
  }
  openDir(path: string): string[] | null {
    return this.dir.list(path);
  }
  access(path: string): boolean {
    return this.dir.stat(path) !== null;
  }
  readlink(path: string): string | null {
    return this.dir.readlink(path);
  }
  glob(): string[] {
    return [];
  }
  commandOutput(): string | null {
    return null;
  }
  system(): number {
    return -1;
  }
  now(): number {
    return Math.floor(Date.now() / 1000);
  }
}
