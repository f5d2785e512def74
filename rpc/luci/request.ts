// What the dispatcher reads of an HTTP request, as LuCI's http.uc gives it: the path below the
// script name, cookies, and form values from the query string and a urlencoded body
// (http.formvalue looks at both).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestBodies } from '../body.js';

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

function parseRequest(req: IncomingMessage, pathInfo: string, query: string, body: string): LuciRequest | null {
  const path: string[] = [];
  for (const raw of pathInfo.match(/[^/]+/g) ?? []) {
    const segment = decodeSegment(raw);
    if (segment === undefined) return null;
    path.push(segment);
  }
  const form = new URLSearchParams(query);
  for (const [k, v] of new URLSearchParams(body)) form.append(k, v);
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

/**
 * Runs `answer` with what the dispatcher reads of `req`, or with null when the path has a
 * segment that does not decode. An urlencoded POST body is read through `bodies` (one longer
 * than FORM_LIMIT counts as no form); other bodies are not read.
 */
export function answerRequest(req: IncomingMessage, res: ServerResponse, bodies: RequestBodies, pathInfo: string, query: string, answer: (request: LuciRequest | null) => Promise<void>): Promise<void> {
  const type = req.headers['content-type'] ?? '';
  if (req.method !== 'POST' || !type.startsWith('application/x-www-form-urlencoded')) {
    req.resume();
    return answer(parseRequest(req, pathInfo, query, ''));
  }
  return bodies.answer(req, res, FORM_LIMIT, (body) => answer(parseRequest(req, pathInfo, query, body ?? '')));
}
