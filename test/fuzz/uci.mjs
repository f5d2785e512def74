// UCI text through the parser, both canonical writers (export, show), the comment-keeping
// writer, and the fast paths that read a package's bytes without the Document (which must
// agree with the parser: the same export bytes, or decline).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { exportText, parseDocument, showText, UciError, UciParseError } from '../../dist/lib/index.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

// the fast paths are internal modules; a build without them fuzzes the rest
async function optional(path) {
  try {
    return await import(path);
  } catch {
    return {};
  }
}
const { exportFileBytes } = await optional('../../dist/lib/uci/export-fast.js');
const { readPackageBytes } = await optional('../../dist/lib/uci/read-fast.js');

const seeds = [
  ...readdirSync(join(repo, 'examples/config')).map((f) => readFileSync(join(repo, 'examples/config', f), 'utf8')),
];

const word = fc.oneof(
  fc.constantFrom('lan', 'wan', 'zone', 'rule', 'name', 'a', '_x', 'cfg01e63d', '@zone[0]', '@rule[-1]', 'a-b', 'a.b', 'ä', '0', ''),
  fc.string({ maxLength: 6 }),
);
const quoted = fc.tuple(fc.constantFrom("'", '"', ''), fc.string({ maxLength: 12, unit: fc.constantFrom('a', ' ', '\\', "'", '"', '\n', '\t', '#', ';', 'é', '\0', 'x') }))
  .map(([q, body]) => `${q}${body}${q}`);
const statement = fc.oneof(
  fc.tuple(fc.constantFrom('config', 'package', 'c', 'p'), word, fc.option(quoted)).map(([k, t, n]) => `${k} ${t}${n === null ? '' : ` ${n}`}`),
  fc.tuple(fc.constantFrom('option', 'list', 'o', 'l'), word, quoted).map(([k, n, v]) => `\t${k} ${n} ${v}`),
  fc.constantFrom('# comment', '', '  ', ';', '\\', "'", '"', '\r'),
);
const separator = fc.constantFrom('\n', '\n', '\n', ' ; ', '\r\n', '\\\n');
const structured = fc.array(fc.tuple(statement, separator), { maxLength: 20 }).map((parts) => parts.map(([s, sep]) => s + sep).join(''));
const tokens = fc.array(fc.oneof(word, quoted, fc.constantFrom('config', 'option', 'list', 'package', ' ', '\t', '\n', '#', ';', '\\')), { maxLength: 30 })
  .map((t) => t.join(' '));
const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) => edits.reduce((t, [at, del, ins]) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + ins + t.slice(i + del);
  }, text));

const typed = (e) => e instanceof UciParseError || e instanceof UciError;

export const uciTarget = {
  name: 'uci',
  arbitrary: fc.oneof({ weight: 3, arbitrary: structured }, { weight: 1, arbitrary: tokens }, { weight: 3, arbitrary: mutated }),
  check(text) {
    let doc;
    try {
      doc = parseDocument(text, { name: 'fuzz', file: '/etc/config/fuzz' });
    } catch (e) {
      if (!typed(e)) throw e;
    }
    const bytes = Buffer.from(text, 'utf8');
    const fast = exportFileBytes ? exportFileBytes(bytes, Buffer.from('fuzz')) : null;
    const read = readPackageBytes ? readPackageBytes(bytes, 'fuzz') : null;
    if (!doc) {
      if (fast) throw new Error('the fast export accepted a text the parser refuses');
      if (read) throw new Error('the fast read accepted a text the parser refuses');
      return 'refused';
    }
    const exported = exportText(doc);
    showText(doc.toPackage());
    doc.toText();
    if (fast && Buffer.concat(fast).toString('utf8') !== exported) throw new Error('the fast export differs from the parser\'s export');
    if (read && exportText(read) !== exported) throw new Error('the fast read differs from the parser');
    return 'parsed';
  },
};
