// The suite tests the source: the CLI tests run bin/uci-fw4.js, which runs the build in dist/, so
// before any test runs the build is brought up to date. When a file under the folders the build
// reads is newer than the build's stamp (dist/bundle/built, dated when bin/build-cli.mjs began),
// `npm run build` runs here; if it fails, no test runs and the build's output says why.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCES = ['lib', 'cli', 'rpc', 'schemas', 'bin'];
const STAMP = 'dist/bundle/built';

/** The newest file under `dir` that is newer than `than` (ms), or null. */
function newerFile(dir: string, than: number): { file: string; mtimeMs: number } | null {
  let found: { file: string; mtimeMs: number } | null = null;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const hit = entry.isDirectory() ? newerFile(path, than) : { file: path, mtimeMs: statSync(path).mtimeMs };
    if (hit && hit.mtimeMs > (found?.mtimeMs ?? than)) found = hit;
  }
  return found;
}

/** Why the build of the repository at `root` is out of date, or null when it is not. */
export function staleReason(root: string): string | null {
  let built: number;
  try {
    built = statSync(join(root, STAMP)).mtimeMs;
  } catch {
    return `${STAMP} is missing`;
  }
  for (const dir of SOURCES) {
    const newer = newerFile(join(root, dir), built);
    if (newer) return `${relative(root, newer.file)} is newer than the build`;
  }
  return null;
}

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const reason = staleReason(root);
  if (reason === null) return;
  process.stderr.write(`test setup: ${reason}: running npm run build\n`);
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(`dist/ is out of date (${reason}) and \`npm run build\` failed (exit ${build.status}):\n${build.stdout}${build.stderr}`);
  }
}
