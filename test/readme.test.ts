// Every ```ts run block in README.md is a runnable example: it is written to a temporary
// module and executed, so the documentation cannot drift from the code. A block signals
// failure by throwing (examples use node:assert to state what they show).
import { describe, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');

interface Example { heading: string; code: string; line: number }

function examples(markdown: string): Example[] {
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
    found.push({ heading, code: lines.slice(start, end).join('\n'), line: start });
    i = end;
  }
  return found;
}

const blocks = examples(readme);
const scratch = `${root}test/.readme-examples`;

describe('README examples', () => {
  it('has runnable examples', () => {
    if (blocks.length === 0) throw new Error('README.md has no ```ts run block');
  });

  for (const [n, block] of blocks.entries()) {
    it(`${block.heading} (README.md line ${block.line})`, async () => {
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
