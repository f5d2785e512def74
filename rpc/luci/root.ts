// An OpenWrt root file system served off-device (`uci-fw4 serve --root DIR`): what a sysupgrade
// image or a `sysupgrade -b` backup unpacks to. The server reads it where the router's own
// programs would: etc/config (libuci), etc/shadow (rpcd's `$p$` logins),
// usr/share/rpcd/acl.d (rpcd), www (uhttpd's document root), usr/share/luci/menu.d and
// usr/lib/lua/luci/i18n (LuCI's dispatcher). Paths inside the root never leave it.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Settings } from '../settings.js';

export interface LuciRoot {
  /** The root, absolute and with symbolic links resolved. */
  dir: string;
  confdir: string;
  /** etc/shadow, whether present or not: `$p$<user>` passwords are looked up there. */
  shadow: string;
  /** usr/share/rpcd/acl.d; undefined when the root has none. */
  aclDir?: string;
  /** www, uhttpd's document root; undefined when the root has none (no LuCI pages then). */
  www?: string;
  menuDir?: string;
  i18nDir?: string;
}

export class RootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RootError';
  }
}

function directory(path: string): string | undefined {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ? path : undefined;
}

/** Reads the layout of a root; a directory without etc/config is not one. */
export function openRoot(path: string): LuciRoot {
  const given = resolve(path);
  if (!directory(given)) throw new RootError(`--root ${path}: not a directory`);
  const dir = realpathSync(given);
  const confdir = directory(join(dir, 'etc/config'));
  if (!confdir) throw new RootError(`--root ${path}: no etc/config directory (not an OpenWrt root file system or backup)`);
  return {
    dir,
    confdir,
    shadow: join(dir, 'etc/shadow'),
    aclDir: directory(join(dir, 'usr/share/rpcd/acl.d')),
    www: directory(join(dir, 'www')),
    menuDir: directory(join(dir, 'usr/share/luci/menu.d')),
    i18nDir: directory(join(dir, 'usr/lib/lua/luci/i18n')),
  };
}

/**
 * The settings with the root's confdir, its ACL groups when it has them, its etc/shadow for
 * `$p$` logins, and the root as the directory the file and luci objects read as `/`. The
 * settings' snapshot describes another system: the root's is derived from its network config
 * unless a snapshot is given afterwards (`serve --snapshot`).
 */
export function rootSettings(settings: Settings, root: LuciRoot): Settings {
  return {
    ...settings,
    confdir: root.confdir,
    aclDir: root.aclDir ?? settings.aclDir,
    shadow: root.shadow,
    root: root.dir,
    snapshot: undefined,
    derive: true,
  };
}

/**
 * An absolute path as the router sees it (`/www/luci-static/x.js`, a menu.d `depends.fs` path)
 * mapped into `base`, a directory inside the root; undefined when it would lead outside `base`,
 * also through a symbolic link (a backup may hold absolute links that point at this machine).
 */
export function insideRoot(base: string, routerPath: string): string | undefined {
  if (routerPath.includes('\0')) return undefined;
  const candidate = resolve(base, `.${sep}${routerPath}`);
  if (!within(base, candidate)) return undefined;
  if (!existsSync(candidate)) return candidate;
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return undefined;
  }
  return within(base, real) ? real : undefined;
}

function within(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
