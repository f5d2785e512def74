// UCI text through the parser, both canonical writers (export, show), the comment-keeping
// writer, and the export and show through the lexer's export-form mode, without the Document
// (which must agree with the parser: the same bytes, or decline).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { exportText, parseDocument, showText, UciError, UciParseError } from '../../dist/lib/index.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

// the export-form paths are an internal module; a build without it fuzzes the rest
async function optional(path) {
  try {
    return await import(path);
  } catch {
    return {};
  }
}
const { exportForm, showForm } = await optional('../../dist/lib/uci/form-read.js');

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
    const latin1 = bytes.toString('latin1');
    const fast = exportForm ? exportForm(bytes, latin1, 'fuzz') : null;
    const shown = showForm ? showForm(latin1, 'fuzz') : null;
    if (!doc) {
      if (fast) throw new Error('the export form accepted a text the parser refuses');
      if (shown) throw new Error('the show form accepted a text the parser refuses');
      return 'refused';
    }
    const exported = exportText(doc);
    const show = showText(doc.toPackage());
    doc.toText();
    if (fast && Buffer.concat(fast).toString('utf8') !== exported) throw new Error('the export form differs from the parser\'s export');
    if (shown && Buffer.concat(shown).toString('utf8') !== show) throw new Error('the show form differs from the parser\'s show');
    return 'parsed';
  },
};
