// `npm run build:cli`: dist/bundle, what bin/uci-fw4.js runs. One CommonJS bundle per command
// (cli/<command>.ts with everything it imports but node_modules), the loader, and for the
// commands people run often a V8 code cache written after a training run on examples/
// (cli/bundle-loader.ts says why). Each bundle is a vm script, where node has no import():
// the one dynamic import of a computed path (a user's migration module) stays a real module.
// Last, `dist/bundle/built`, dated when this build began: the test suite rebuilds when a
// source file is newer (test/global-setup.ts).
import { spawnSync } from 'node:child_process';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist/bundle');
// the command list of cli/commands.ts, as tsc (run first by `npm run build`) compiled it
const COMMANDS = Object.keys((await import(pathToFileURL(join(root, 'dist/cli/commands.js')).href)).COMMANDS);
// The training runs: the main job of each command on the embedded default config. Commands not
// listed (serve, passwd) run without a cache.
const TRAINING = {
  fw4: [['print', '--config', 'examples/config', '--snapshot', 'examples/snapshot.json']],
  uci: [['-c', 'examples/config', 'export'], ['-c', 'examples/config', 'show'], ['-c', 'examples/config', 'get', 'firewall.@zone[0].name']],
  migrate: [['--dry-run', '--confdir', 'examples/config', 'fw4-compat']],
};

const importModuleStaysOut = {
  name: 'import-module',
  setup(b) {
    b.onResolve({ filter: /\/import-module\.js$/ }, () => ({ path: './import-module.cjs', external: true }));
  },
};

const began = new Date();
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: {
    loader: join(root, 'cli/bundle-loader.ts'),
    'import-module': join(root, 'lib/migrate/import-module.ts'),
    // the thread migrations from modules run in (lib/migrate/isolated.ts finds it here)
    'migrate-worker': join(root, 'lib/migrate/worker.ts'),
    ...Object.fromEntries(COMMANDS.map((c) => [c, join(root, `cli/${c}.ts`)])),
  },
  outdir: out,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  charset: 'ascii', // the loader reads bundles as latin1
  // a smaller source to read and hold in memory (each fresh page costs); names are kept for
  // stack traces, and the source maps lead back to lib/*.ts
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // import.meta.url of the bundled ES modules: the bundle's own file
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [importModuleStaysOut],
});

for (const [command, runs] of Object.entries(TRAINING)) {
  const script = `require(${JSON.stringify(join(out, 'loader.cjs'))}).trainCodeCache(` +
    `${JSON.stringify(join(out, `${command}.cjs`))}, ${JSON.stringify(join(out, `${command}.cache`))}, ${JSON.stringify(runs)})` +
    '.catch((e) => { console.error(e); process.exitCode = 1; })';
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, QUIET: '1' } });
  if (r.status !== 0) {
    process.stderr.write(`build-cli: training the code cache of '${command}' failed:\n${r.stderr}`);
    process.exit(1);
  }
}

// a source file saved while this build ran is newer than the stamp, so the next check rebuilds
const stamp = join(out, 'built');
writeFileSync(stamp, `${began.toISOString()}\n`);
utimesSync(stamp, began, began);
