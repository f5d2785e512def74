// Password hashes for the users in the settings: scrypt (RFC 7914) in a self-describing string,
// `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<key>` (base64 without padding), compared in constant
// time. Verification runs on libuv's thread pool, so a login never blocks other requests.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** N = 2^14, r = 8: 16 MiB and roughly 50 ms per attempt on a small machine. */
const DEFAULT_COST = { ln: 14, r: 8, p: 1 };
/** Settings are trusted, but a typo must not make every login allocate gigabytes. */
const MAX_LN = 20;

interface ScryptHash {
  ln: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

const hashPattern = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export function parseHash(text: string): ScryptHash | null {
  const m = hashPattern.exec(text);
  if (!m) return null;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ln < 1 || ln > MAX_LN || r < 1 || r > 32 || p < 1 || p > 16) return null;
  const salt = Buffer.from(m[4]!, 'base64');
  const key = Buffer.from(m[5]!, 'base64');
  if (salt.length < 8 || key.length < 16) return null;
  return { ln, r, p, salt, key };
}

function derive(password: string, salt: Buffer, length: number, cost: { ln: number; r: number; p: number }): Promise<Buffer> {
  const N = 2 ** cost.ln;
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, KEY_LENGTH, cost);
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

/** A stand-in hash, so that an unknown user costs as much time as a wrong password. */
let decoy: Promise<ScryptHash> | undefined;
function decoyHash(): Promise<ScryptHash> {
  decoy ??= hashPassword(randomBytes(16).toString('hex')).then((h) => parseHash(h)!);
  return decoy;
}

/** True when `password` matches `hash`; a missing or malformed hash never matches. */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  const parsed = hash === undefined ? null : parseHash(hash);
  const target = parsed ?? (await decoyHash());
  const key = await derive(password, target.salt, target.key.length, target);
  return timingSafeEqual(key, target.key) && parsed !== null;
}
