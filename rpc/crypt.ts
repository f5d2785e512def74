// crypt(3) password hashes as OpenWrt's /etc/shadow and rpcd's `login` sections hold them:
// MD5-crypt (`$1$`, Poul-Henning Kamp's FreeBSD scheme) and SHA-crypt (`$5$` SHA-256, `$6$`
// SHA-512, Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512" specification). Written from
// those specifications with node:crypto; no npm package covers all three (unixcrypt: 5 and 6 only).
// The rounds run in slices between which the event loop is free, so a login never stalls others.
import { createHash, timingSafeEqual } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Rounds computed between two turns of the event loop. */
const SLICE = 1000;

type Algorithm = 'md5' | 'sha256' | 'sha512';

const digest = (algorithm: Algorithm, ...parts: Buffer[]): Buffer => {
  const h = createHash(algorithm);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** `count` characters of the 24-bit value b2:b1:b0, least significant six bits first. */
function to64(b2: number, b1: number, b0: number, count: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < count; i++, w >>= 6) out += ITOA64[w & 0x3f];
  return out;
}

/** `bytes` repeated (and cut) to `length` bytes. */
function stretch(bytes: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += bytes.length) bytes.copy(out, i, 0, Math.min(bytes.length, length - i));
  return out;
}

const yieldLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The shared round structure of both schemes: odd/even, by-3 and by-7 rounds. */
async function rounds(algorithm: Algorithm, start: Buffer, count: number, p: Buffer, s: Buffer): Promise<Buffer> {
  let c = start;
  for (let i = 0; i < count; i++) {
    if (i % SLICE === SLICE - 1) await yieldLoop();
    const h = createHash(algorithm);
    h.update(i & 1 ? p : c);
    if (i % 3) h.update(s);
    if (i % 7) h.update(p);
    h.update(i & 1 ? c : p);
    c = h.digest();
  }
  return c;
}

async function md5Crypt(password: Buffer, salt: string): Promise<string> {
  const s = Buffer.from(salt);
  const alternate = digest('md5', password, s, password);
  const parts: Buffer[] = [password, Buffer.from('$1$'), s, stretch(alternate, password.length)];
  // one byte per bit of the password's length: NUL for a set bit, the first password byte otherwise
  for (let i = password.length; i; i >>= 1) parts.push(i & 1 ? Buffer.alloc(1) : password.subarray(0, 1));
  const f = await rounds('md5', digest('md5', ...parts), 1000, password, s);
  const body =
    to64(f[0]!, f[6]!, f[12]!, 4) + to64(f[1]!, f[7]!, f[13]!, 4) + to64(f[2]!, f[8]!, f[14]!, 4) +
    to64(f[3]!, f[9]!, f[15]!, 4) + to64(f[4]!, f[10]!, f[5]!, 4) + to64(0, 0, f[11]!, 2);
  return `$1$${salt}$${body}`;
}

const ROUNDS_DEFAULT = 5000;

async function shaCrypt(id: '5' | '6', password: Buffer, salt: string, custom: number | undefined): Promise<string> {
  const algorithm: Algorithm = id === '5' ? 'sha256' : 'sha512';
  const count = custom === undefined ? ROUNDS_DEFAULT : Math.min(999_999_999, Math.max(1000, custom));
  const s = Buffer.from(salt);
  const b = digest(algorithm, password, s, password);
  const parts: Buffer[] = [password, s, stretch(b, password.length)];
  for (let i = password.length; i; i >>= 1) parts.push(i & 1 ? b : password);
  const a = digest(algorithm, ...parts);
  const p = stretch(digest(algorithm, ...Array<Buffer>(password.length).fill(password)), password.length);
  const ds = stretch(digest(algorithm, ...Array<Buffer>(16 + a[0]!).fill(s)), s.length);
  const c = await rounds(algorithm, a, count, p, ds);
  // the spec's byte order: triples {i, i+n, i+2n} rotated by i mod 3 (SHA-256 one way, SHA-512
  // the other), then the leftover bytes
  const n = (c.length / 3) | 0;
  let body = '';
  for (let i = 0; i < n; i++) {
    const t = [c[i]!, c[i + n]!, c[i + 2 * n]!];
    const r = id === '5' ? (3 - (i % 3)) % 3 : i % 3;
    body += to64(t[r]!, t[(r + 1) % 3]!, t[(r + 2) % 3]!, 4);
  }
  body += id === '5' ? to64(0, c[31]!, c[30]!, 3) : to64(0, 0, c[63]!, 2);
  const prefix = custom === undefined ? '' : `rounds=${count}$`;
  return `$${id}$${prefix}${salt}$${body}`;
}

const cryptPattern = /^\$(1|5|6)\$(?:rounds=(\d{1,9})\$)?([^$]*)(?:\$.*)?$/;

/**
 * crypt(password, setting) for `$1$`, `$5$` and `$6$` settings (a full hash works as its own
 * setting); null for any other form. Salts are cut as glibc and musl cut them (8 and 16 chars).
 */
export async function cryptHash(password: string, setting: string): Promise<string | null> {
  const m = cryptPattern.exec(setting);
  if (!m) return null;
  const [, id, roundsText, rawSalt] = m as unknown as [string, '1' | '5' | '6', string | undefined, string];
  const pw = Buffer.from(password);
  if (id === '1') return roundsText === undefined ? md5Crypt(pw, rawSalt.slice(0, 8)) : null;
  return shaCrypt(id, pw, rawSalt.slice(0, 16), roundsText === undefined ? undefined : Number(roundsText));
}

/** crypt(password, hash) == hash, compared in constant time; false for a form not handled here. */
export async function verifyCrypt(password: string, hash: string): Promise<boolean> {
  const computed = await cryptHash(password, hash);
  if (computed === null || computed.length !== hash.length) return false;
  return timingSafeEqual(Buffer.from(computed), Buffer.from(hash));
}
