// LuCI's translations: the request language (dispatcher.uc determine_request_language) and
// `admin/translations/<lang>`, which writes `window.TR={"<hash>":"<text>",…};` from the
// root's compiled catalogs usr/lib/lua/luci/i18n/*.<lang>.lmo (controller/admin/index.uc:124).
// An .lmo file (luci-base src/lib/lmo.c lmo_open, lmo_iterate) ends with the big-endian offset
// of its index; the index holds 16-byte entries (key hash, value id, offset, length).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LuciConfig } from './config.js';

const ENTRY_SIZE = 16;

/** The language of a request: luci.main.lang, or with `auto` the first Accept-Language tag the root has. */
export function requestLanguage(config: LuciConfig, acceptLanguage: string): string {
  let lang = config.lang;
  if (lang === 'auto') {
    for (const item of acceptLanguage.split(',')) {
      const tag = item.split(';')[0]!.trim().split('-');
      if (!tag[0]) continue;
      const cc = tag[1] ? `${tag[0]}_${tag[1].toLowerCase()}` : undefined;
      if (cc && config.languages.has(cc)) {
        lang = cc;
        break;
      }
      if (config.languages.has(tag[0])) {
        lang = tag[0];
        break;
      }
    }
  }
  return lang === 'auto' ? 'en' : lang.replace('_', '-');
}

/** One catalog's entries as [key hash, text]; a file that is not an .lmo archive gives none. */
function readCatalog(bytes: Buffer): [number, string][] {
  if (bytes.length < 4) return [];
  const index = bytes.readUInt32BE(bytes.length - 4);
  if (index >= bytes.length) return [];
  const count = Math.floor((bytes.length - index - 4) / ENTRY_SIZE);
  const out: [number, string][] = [];
  for (let i = 0; i < count; i++) {
    const at = index + i * ENTRY_SIZE;
    const offset = bytes.readUInt32BE(at + 8);
    const length = bytes.readUInt32BE(at + 12);
    if (offset + length > bytes.length) continue;
    out.push([bytes.readUInt32BE(at), bytes.toString('utf8', offset, offset + length)]);
  }
  return out;
}

/** The body of `admin/translations/<lang>`: every catalog of that language in the root. */
export function translationsScript(i18nDir: string | undefined, lang: string): string {
  const parts = ['window.TR={'];
  const suffix = `.${lang}.lmo`;
  let files: string[] = [];
  try {
    if (i18nDir !== undefined) files = readdirSync(i18nDir).filter((f) => f.endsWith(suffix)).sort();
  } catch {
    files = [];
  }
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(i18nDir!, file));
    } catch {
      continue;
    }
    for (const [key, text] of readCatalog(bytes)) parts.push(`"${key.toString(16).padStart(8, '0')}":${scriptString(text)},`);
  }
  parts.push('};');
  return parts.join('');
}

/** A JSON string that also ends no <script> element early. */
export function scriptString(text: string): string {
  return JSON.stringify(text).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
