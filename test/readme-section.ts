import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The text of README.md's `## title` section, up to the next `## ` heading outside code. */
export function readmeSection(title: string): string {
  const text = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const lines = text.split('\n');
  let fence = false;
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('```')) fence = !fence;
    if (fence || !line.startsWith('## ')) continue;
    if (start >= 0) return lines.slice(start, i).join('\n');
    if (line === `## ${title}`) start = i;
  }
  if (start < 0) throw new Error(`README.md has no section '## ${title}'`);
  return lines.slice(start).join('\n');
}
