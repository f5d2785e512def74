// Every ```ts run block in README.md and docs/*.md is a runnable example: it is written to a
// temporary module and executed, so the documentation cannot drift from the code. A block
// signals failure by throwing (examples use node:assert to state what they show).
import { describe, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pages = ['README.md', ...readdirSync(`${root}docs`).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

interface Example { page: string; heading: string; code: string; line: number }

function examples(page: string, markdown: string): Example[] {
  const found: Example[] = [];
  let heading = '(top)';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
    if (line.trim() !== '```ts run') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== '```') end++;
    // `line` is 1-based: the first line of the example's code
    found.push({ page, heading, code: lines.slice(start, end).join('\n'), line: start + 1 });
    i = end;
  }
  return found;
}

const blocks = pages.flatMap((page) => examples(page, readFileSync(`${root}${page}`, 'utf8')));
const scratch = `${root}test/.readme-examples`;

describe('documentation examples', () => {
  it('README.md and docs/ have runnable examples', () => {
    if (!blocks.some((b) => b.page === 'README.md')) throw new Error('README.md has no ```ts run block');
    if (!blocks.some((b) => b.page.startsWith('docs/'))) throw new Error('docs/*.md have no ```ts run block');
  });

  for (const [n, block] of blocks.entries()) {
    it(`${block.page}:${block.line} ${block.heading}`, async () => {
      mkdirSync(scratch, { recursive: true });
      const file = `${scratch}/example-${n}.ts`;
      writeFileSync(file, block.code.replaceAll("from 'uci-fw4'", "from '../../lib/index.js'"));
      try {
        await import(file);
      } finally {
        rmSync(file, { force: true });
      }
    });
  }
});
