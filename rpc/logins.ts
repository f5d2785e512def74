// Who may log in, as rpcd decides it (session.c, rpc_login_test_login and
// rpc_login_test_password): the `login` sections of the confdir's `rpcd` package as it is at
// each login (the server's parse of it is kept while the file is unchanged, rpc/system/source.ts),
// beside the users of the server's settings. A password is a crypt(3) hash, `$p$<user>`
// (that user's hash in the shadow file), or empty (no password: any password logs in, as on a
// fresh OpenWrt); the settings' users have scrypt hashes.
import { readFileSync } from 'node:fs';
import type { UciPackage } from '../lib/uci/index.js';
import { verifyCrypt } from './crypt.js';
import { parseHash, verifyPassword } from './password.js';
import type { User } from './settings.js';

/**
 * The `login` sections of the `rpcd` package (null: none) in file order. As rpcd: `username` and
 * `password` must be options (not lists) and `read` / `write` must be lists; an `option read` is
 * ignored.
 */
export function rpcdLogins(rpcd: UciPackage | null): User[] {
  if (rpcd === null) return [];
  const users: User[] = [];
  for (const s of rpcd.sections) {
    if (s.type !== 'login') continue;
    const username = s.options.get('username');
    const password = s.options.get('password');
    if (typeof username !== 'string' || typeof password !== 'string') continue;
    const list = (name: string) => {
      const v = s.options.get(name);
      return Array.isArray(v) ? v : [];
    };
    users.push({ username, password, read: list('read'), write: list('write') });
  }
  return users;
}

/** The hash of `user` in a shadow(5) file, or null when the file or the user is missing. */
export function shadowHash(shadowFile: string | undefined, user: string): string | null {
  if (shadowFile === undefined) return null;
  let text: string;
  try {
    text = readFileSync(shadowFile, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length >= 2 && fields[0] === user) return fields[1]!;
  }
  return null;
}

/** rpcd resolves `$p$` through the shadow file once more; a loop of them stops here. */
const MAX_INDIRECTIONS = 4;

/** Whether `password` matches a login's stored `hash` (any form above). */
export async function verifyLogin(password: string, hash: string, shadowFile: string | undefined, depth = 0): Promise<boolean> {
  if (hash === '') return true;
  if (hash.startsWith('$p$')) {
    const stored = depth < MAX_INDIRECTIONS ? shadowHash(shadowFile, hash.slice(3)) : null;
    return stored !== null && verifyLogin(password, stored, shadowFile, depth + 1);
  }
  if (parseHash(hash)) return verifyPassword(password, hash);
  return verifyCrypt(password, hash);
}
