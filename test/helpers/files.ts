// Temporary directories for one test file, removed when its tests are done, and files written
// into them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new temporary directory, removed with the others when the test file is done. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export interface TempFiles {
  dir: string;
  /** Writes `text` to `name` in the directory; returns its path. */
  file(name: string, text: string): string;
}

/** A tempDir and a writer of files in it. */
export function tempFiles(prefix: string): TempFiles {
  const dir = tempDir(prefix);
  return {
    dir,
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}
