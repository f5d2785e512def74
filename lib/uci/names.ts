// What names, types and values may contain (libuci util.c uci_validate_str / uci_validate_text).
// All checks are per character code; any code above 126 (every non-ASCII character, in UTF-8
// or latin1 form) fails the name and type rules just as its bytes do in libuci.

import { join } from 'node:path';
import { UciError } from './errors.js';

const enum C { US = 95, DASH = 45 }

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function validate(s: string, name: boolean, pkg: boolean): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isAlnum(c) || c === C.US) continue;
    if (c === C.DASH && pkg) continue;
    if (name || c < 33 || c > 126) return false;
  }
  return true;
}

/** Section and option names: `[A-Za-z0-9_]+`. */
export const isValidName = (s: string): boolean => validate(s, true, false);
/** Section types: printable ASCII without space. */
export const isValidType = (s: string): boolean => validate(s, false, false);
/** Package names given to the API or the command: same as types. */
export const isValidPackage = (s: string): boolean => validate(s, false, true);
/** The argument of a `package` statement inside a file: `[A-Za-z0-9_-]+`. */
export const isValidPackageKeyword = (s: string): boolean => validate(s, true, true);

/** Values: no control characters except TAB, LF and CR. */
export function isValidText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

/**
 * A package name that may become a file name in a confdir or savedir: libuci's package rule
 * (isValidPackage) without a path separator (`/`, and `\` for Windows) and without a leading
 * `.` (`..`, dot-files: the lock and temp files). libuci's own rule lets `/` through: given
 * `uci import ../../x` it creates `confdir/../../x` before its commit fails (file.c
 * uci_config_path, uci_file_commit); this one refuses such a name before anything touches the
 * disk. Every place where a package name becomes a path (Cursor, import, RPC, migrations) goes
 * through it. (A config given as a path, `/abs` or `./rel`, is another thing: the Cursor reads
 * it where it is, as libuci does.)
 */
export function isPackageFileName(s: string): boolean {
  return isValidPackage(s) && !s.includes('/') && !s.includes('\\') && s[0] !== '.';
}

/** `dir/name` for a package's file; INVALID_ARGUMENT (nothing touched) when the name fails isPackageFileName. */
export function packageFile(dir: string, name: string): string {
  if (!isPackageFileName(name)) throw new UciError('INVALID_ARGUMENT', `Invalid argument: package name '${name}'`);
  return join(dir, name);
}
