import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Document, exportText, parseDocument } from '../../lib/uci/index.js';

const SRC = [
  '# firewall defaults, edited by hand',
  '',
  'config defaults',
  "\toption input 'ACCEPT'   # trailing note",
  '\toption output "ACCEPT"',
  '',
  '# the LAN zone',
  "config zone 'lan'",
  '\toption name lan',
  "\tlist network 'lan'",
  "\tlist network 'guest'",
  '',
  '# end of file',
  '',
].join('\n');

const edit = (fn: (d: Document) => void): string => {
  const doc = parseDocument(SRC, { name: 'firewall' });
  fn(doc);
  return doc.toText();
};

describe('layout-preserving text', () => {
  test('an untouched document is written back byte for byte', () => {
    expect(edit(() => {})).toBe(SRC);
  });

  test('setting an option rewrites only its line, in libuci style', () => {
    expect(edit((d) => d.set('@defaults[0]', 'output', 'DROP'))).toBe(SRC.replace('\toption output "ACCEPT"', "\toption output 'DROP'"));
  });

  test('a changed option keeps the comment at the end of its line', () => {
    expect(edit((d) => d.set('@defaults[0]', 'input', 'DROP'))).toBe(SRC.replace("\toption input 'ACCEPT'   # trailing note", "\toption input 'DROP'   # trailing note"));
    const doc = parseDocument("config a 'x'   # the x section\n\toption v 'has # inside'\n\toption w \"q\\\"#\" #note\n\toption z 1 ; option y 2 # two\n", { name: 'p' });
    doc.set('x', 'v', 'new');
    doc.set('x', 'w', 'new');
    doc.set('x', 'z', 'new');
    doc.rename('x', undefined, 'renamed');
    // a `#` inside quotes is part of the value; a line holding two statements is written anew
    expect(doc.toText()).toBe("config a 'renamed'   # the x section\n\toption v 'new'\n\toption w 'new' #note\n\toption z 'new'\n\toption y '2'\n");
    expect(parseDocument(doc.toText(), { name: 'p' }).get('renamed', 'w')).toBe('new');
  });

  test('commentOut leaves the option where it stood as comments, as written; a deletion otherwise', () => {
    const doc = parseDocument(SRC, { name: 'firewall' });
    const staged: string[] = [];
    doc.onChange = (d) => staged.push(`${d.cmd} ${d.section}.${d.option}`);
    expect(doc.lineOf('@defaults[0]', 'input')).toBe(4);
    expect(doc.lineOf('lan')).toBe(8);
    doc.commentOut('@defaults[0]', 'input', 'not wanted');
    doc.set('lan', 'name', 'LAN');
    doc.commentOut('lan', 'name', 'renamed by hand'); // changed: its libuci form is kept
    expect(doc.get('@defaults[0]', 'input')).toBeUndefined();
    expect(staged).toEqual(['remove cfg01e63d.input', 'change lan.name', 'remove lan.name']);
    expect(doc.toText()).toBe(SRC
      .replace("\toption input 'ACCEPT'   # trailing note\n", "\t# not wanted\n\t# option input 'ACCEPT'   # trailing note\n")
      .replace('\toption name lan\n', "\t# renamed by hand\n\t# option name 'LAN'\n"));
    expect(doc.toText({ keepComments: false })).not.toContain('input');
    expect(() => doc.commentOut('lan', 'nothing', 'x')).toThrow(/Entry not found/);
    expect(() => doc.commentOut('@defaults[0]', 'output', 'two\nlines')).toThrow(/one line/);
  });

  test('setting an identical value changes nothing', () => {
    expect(edit((d) => d.set('lan', 'name', 'lan'))).toBe(SRC);
  });

  test('a changed list is rewritten where it stood', () => {
    const want = SRC.replace("\tlist network 'lan'\n\tlist network 'guest'", "\tlist network 'lan'\n\tlist network 'guest'\n\tlist network 'iot'");
    expect(edit((d) => d.addList('lan', 'network', 'iot'))).toBe(want);
  });

  test('new options go after the last line of their section, new sections before trailing comments', () => {
    const out = edit((d) => {
      d.set('lan', 'forward', 'REJECT');
      d.set('wan', undefined, 'zone');
      d.set('wan', 'name', 'wan');
    });
    expect(out).toBe(SRC.replace("\tlist network 'guest'\n", "\tlist network 'guest'\n\toption forward 'REJECT'\n")
      .replace('\n# end of file', "\nconfig zone 'wan'\n\toption name 'wan'\n\n# end of file"));
  });

  test('deleting a section drops its lines and the comment and blank lines directly above it', () => {
    const out = edit((d) => d.delete('@zone[0]'));
    expect(out).toBe(SRC.replace("\n# the LAN zone\nconfig zone 'lan'\n\toption name lan\n\tlist network 'lan'\n\tlist network 'guest'\n", ''));
  });

  test('deleting an option drops its line', () => {
    expect(edit((d) => d.delete('lan', 'name'))).toBe(SRC.replace('\toption name lan\n', ''));
  });

  test('renaming a section rewrites its header only', () => {
    expect(edit((d) => d.rename('lan', undefined, 'inside'))).toBe(SRC.replace("config zone 'lan'", "config zone 'inside'"));
  });

  test('reorder moves whole blocks, comments included', () => {
    const out = edit((d) => d.reorder('lan', 0));
    expect(parseDocument(out, { name: 'firewall' }).toPackage().sections.map((s) => s.type)).toEqual(['zone', 'defaults']);
    expect(out).toContain("# the LAN zone\nconfig zone 'lan'\n\toption name lan\n");
    expect(out).toContain("\toption input 'ACCEPT'   # trailing note\n");
  });

  test('keepComments false gives libuci commit text', () => {
    const doc = parseDocument(SRC, { name: 'firewall' });
    expect(doc.toText({ keepComments: false })).toBe(exportText(doc).replace('package firewall\n', ''));
    expect(doc.toText({ keepComments: false })).toBe(
      "\nconfig defaults\n\toption input 'ACCEPT'\n\toption output 'ACCEPT'\n\nconfig zone 'lan'\n\toption name 'lan'\n\tlist network 'lan'\n\tlist network 'guest'\n\n",
    );
  });
});

// ---- properties

const nameArb = fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/);
// printable ASCII; libuci writes types unquoted, so quotes, `#`, `;` and `\` would not read back
const typeArb = fc.stringMatching(/^[!$%&(-:<-[\]-~]{1,8}$/);
const textArb = fc.string({ unit: fc.constantFrom('a', 'b', ' ', "'", '"', '\\', '\n', '\t', '#', ';', '\r', 'é', '$'), maxLength: 12 });

interface SpecOption {
  name: string;
  value: string | string[];
}
interface SpecSection {
  type: string;
  name: string | null;
  options: SpecOption[];
}

const uniqueOptions = fc.uniqueArray(
  fc.record({ name: nameArb, value: fc.oneof(textArb.filter((v) => v !== ''), fc.array(textArb, { minLength: 1, maxLength: 3 })) }),
  { selector: (o) => o.name, maxLength: 5 },
);
const docArb = fc.uniqueArray(fc.record({ type: typeArb, name: fc.option(nameArb, { nil: null }), options: uniqueOptions }), {
  selector: (s) => s.name ?? Symbol(),
  maxLength: 6,
});

function build(spec: SpecSection[]): Document {
  const doc = new Document('p');
  for (const s of spec) {
    const name = s.name ?? doc.add(s.type);
    if (s.name) doc.set(s.name, undefined, s.type);
    for (const o of s.options) doc.set(name, o.name, o.value);
  }
  return doc;
}

describe('properties', () => {
  test('random documents survive export → parse', () => {
    fc.assert(
      fc.property(docArb, (spec) => {
        const doc = build(spec);
        const text = exportText(doc);
        const again = parseDocument(text, { name: 'p' });
        expect(again.toPackage()).toEqual(doc.toPackage());
        expect(exportText(again)).toBe(text);
      }),
      { numRuns: Number(process.env.UCI_PROPERTY_RUNS ?? 300) },
    );
  });

  // a commented, hand-written file: every line belongs to a known option (or is trivia)
  const quoteArb = fc.constantFrom('single', 'double', 'plain');
  const lineDocArb = fc.record({ spec: docArb, styles: fc.array(quoteArb, { minLength: 40, maxLength: 40 }), comments: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }) });

  function quoted(v: string, style: string): string {
    if (style === 'plain' && /^[A-Za-z0-9_.]+$/.test(v)) return v;
    if (style === 'double' && !v.includes('\r')) return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    return `'${v.replaceAll("'", `'"'"'`)}'`;
  }

  test('editing one option changes only that option’s lines', () => {
    fc.assert(
      fc.property(lineDocArb, fc.nat(), textArb.filter((v) => v !== ''), ({ spec, styles, comments }, pick, newValue) => {
        const lines: Array<{ text: string; owner: string | null }> = [{ text: '# generated', owner: null }];
        let k = 0;
        const targets: Array<[string, string]> = [];
        spec.forEach((s, si) => {
          const ref = `@[${si}]`;
          lines.push({ text: '', owner: null }, { text: `config ${quoted(s.type, 'plain')}${s.name ? ` ${quoted(s.name, styles[k++ % 40]!)}` : ''}`, owner: null });
          for (const o of s.options) {
            const key = `${si}.${o.name}`;
            if (comments[k % 40]) lines.push({ text: `\t# about ${o.name}`, owner: null });
            for (const v of typeof o.value === 'string' ? [o.value] : o.value) {
              lines.push({ text: `\t${typeof o.value === 'string' ? 'option' : 'list'} ${o.name} ${quoted(v, styles[k++ % 40]!)}`, owner: key });
            }
            targets.push([ref, o.name]);
          }
        });
        fc.pre(targets.length > 0);
        const text = lines.map((l) => l.text + '\n').join('');
        const doc = parseDocument(text, { name: 'p' });
        expect(doc.toText()).toBe(text);
        const ti = pick % targets.length;
        const [ref, opt] = targets[ti]!;
        const owner = `${ref.slice(2, -1)}.${opt}`;
        // setting the value it already has is no change at all
        fc.pre(doc.get(ref, opt) !== newValue);
        doc.set(ref, opt, newValue);
        const canonical = `\toption ${opt} '${newValue.replaceAll("'", "'\\''")}'\n`;
        let want = '';
        let placed = false;
        for (const l of lines) {
          if (l.owner !== owner) want += l.text + '\n';
          else if (!placed) {
            want += canonical;
            placed = true;
          }
        }
        expect(doc.toText()).toBe(want);
      }),
      { numRuns: Number(process.env.UCI_PROPERTY_RUNS ?? 300) },
    );
  });
});
