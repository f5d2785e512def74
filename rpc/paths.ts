// Files shipped beside the code (schemas/, examples/) are found from the package root, which is
// one level above rpc/ when run from source and two above dist/rpc/ when compiled.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schemas'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('uci-fw4: cannot find the package root (package.json beside schemas/)');
    dir = up;
  }
  return (root = dir);
}
