// What the dispatcher reads of an HTTP request, as LuCI's http.uc gives it: the path below the
// script name, cookies, and form values from the query string and a urlencoded body
// (http.formvalue looks at both).
import type { IncomingMessage } from 'node:http';

/** uhttpd's CGI prefix LuCI is served under (SCRIPT_NAME). */
export const SCRIPT_NAME = '/cgi-bin/luci';
/** Forms are small: a login, an apply token. */
const FORM_LIMIT = 65536;

export interface LuciRequest {
  method: string;
  /** PATH_INFO, still encoded: what follows SCRIPT_NAME. */
  pathInfo: string;
  /** PATH_INFO split at slashes and decoded (dispatcher.uc:919). */
  path: string[];
  cookies: Map<string, string>;
  form: URLSearchParams;
  remote: string;
  acceptLanguage: string;
  origin?: string;
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    // the first of two cookies of one name wins, as http.uc's getcookie
    if (name && !out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The body of a request, or null when it is longer than `limit` (then it is read to its end and dropped). */
export function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks).toString('utf8') : null));
    req.on('error', reject);
  });
}

async function readForm(req: IncomingMessage): Promise<string> {
  const type = req.headers['content-type'] ?? '';
  if (req.method !== 'POST' || !type.startsWith('application/x-www-form-urlencoded')) {
    req.resume();
    return '';
  }
  return (await readBody(req, FORM_LIMIT)) ?? '';
}

/** Null when the path has a segment that does not decode. */
export async function readRequest(req: IncomingMessage, pathInfo: string, query: string): Promise<LuciRequest | null> {
  const path: string[] = [];
  for (const raw of pathInfo.match(/[^/]+/g) ?? []) {
    const segment = decodeSegment(raw);
    if (segment === undefined) return null;
    path.push(segment);
  }
  const form = new URLSearchParams(query);
  for (const [k, v] of new URLSearchParams(await readForm(req))) form.append(k, v);
  return {
    method: req.method ?? 'GET',
    pathInfo,
    path,
    cookies: parseCookies(req.headers.cookie),
    form,
    remote: req.socket.remoteAddress ?? '-',
    acceptLanguage: req.headers['accept-language'] ?? '',
    origin: req.headers.origin,
  };
}
