// Runs a command from its esbuild bundle, dist/bundle/<command>.cjs, with V8's code cache of it,
// dist/bundle/<command>.cache (bin/build-cli.mjs writes both). A command runs cold: without the
// cache, V8 parses the bundle and compiles each function the first time it is called, which was
// a large part of a short command's time (`fw4 print` of 1000 rules: ~170M of the ~570M
// instructions it ran above node's own start-up, callgrind, main thread). The cache holds the bytecode of every
// function a training run compiled. V8 checks that it matches the source, its own version and
// its flags; a cache it rejects (another node, `--cpu-prof`) or a missing one only costs the
// compilation it would have saved.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { Script } from 'node:vm';
import { withoutCommand, type CommandRunner } from './commands.js';

/** A bundle compiled and run as a CommonJS module: its `run` and the script (for its cache). */
export interface LoadedBundle {
  run: CommandRunner;
  /** Absent when the bundle was required as a plain module (source maps on). */
  script?: Script;
  /** True when a cache was given and V8 refused it. */
  cacheRejected: boolean;
}

// the function CommonJS wraps a module's source in
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function runExport(file: string, exports: { run?: unknown }): CommandRunner {
  if (typeof exports.run !== 'function') throw new Error(`${file}: not a command bundle (no run export)`);
  return exports.run as CommandRunner;
}

/**
 * Compiles and runs a bundle with the code cache in `cacheFile`, if there is one. Under
 * `node --enable-source-maps` it is required as a plain module instead: node maps stack traces
 * to lib/*.ts for modules it loads itself, not for vm scripts.
 */
export function loadBundle(bundle: string, cacheFile?: string): LoadedBundle {
  const file = resolve(bundle);
  if (process.sourceMapsEnabled) return { run: runExport(file, createRequire(file)(file) as { run?: unknown }), cacheRejected: false };
  const cachedData = cacheFile === undefined ? undefined : readIfPresent(cacheFile);
  // ASCII (the build asks esbuild for it): latin1 makes the string without decoding UTF-8
  const script = new Script(wrap(readFileSync(file, 'latin1')), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as { run?: unknown } };
  const init = script.runInThisContext() as (...args: unknown[]) => void;
  init(module.exports, createRequire(file), module, file, dirname(file));
  return { run: runExport(file, module.exports), script, cacheRejected: cachedData !== undefined && script.cachedDataRejected === true };
}

/** `uci-fw4 <argv>` from the bundles in `dir`. */
export async function runBundled(dir: string, argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const done = withoutCommand(name);
  if (done !== null) return done;
  const { run } = loadBundle(join(dir, `${name}.cjs`), join(dir, `${name}.cache`));
  return run(rest);
}

/**
 * Runs the command of `file` once per argument list, in this process, then writes the code cache
 * of everything compiled so far to `cacheFile`. The runs' output goes wherever this process's
 * stdout and stderr go.
 */
export async function trainCodeCache(file: string, cacheFile: string, runs: string[][]): Promise<void> {
  const { run, script } = loadBundle(file);
  if (!script) throw new Error('the code cache cannot be trained under --enable-source-maps');
  for (const args of runs) {
    const code = await run(args);
    if (code !== 0) throw new Error(`training run ${args.join(' ')} exited ${code}`);
  }
  writeFileSync(cacheFile, script.createCachedData());
}
