#!/usr/bin/env node
'use strict';
// The `uci-fw4` command. It runs cli/ from dist/bundle: one esbuild bundle per command, run with
// V8's code cache (cli/bundle-loader.ts; `npm run build`, also run by `npm ci` through the
// prepare script). This file is CommonJS (bin/package.json): the ES module loader alone costs a
// short command a few milliseconds.
const { statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const bundles = join(__dirname, '../dist/bundle');
const loader = join(bundles, 'loader.cjs');
const compiled = join(__dirname, '../dist/cli/main.js');
const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};
const argv = process.argv.slice(2);
// `npx tsc` alone leaves the bundles behind: then tsc's output has the newer code, so run that
const running = mtime(loader) >= mtime(compiled)
  ? require(loader).runBundled(bundles, argv)
  : import(pathToFileURL(compiled).href).then((m) => m.main(argv));

running.then(
  (code) => {
    // No early process.exit(): node's writes to a full pipe (a slow reader) are queued, and
    // exiting would drop them (`fw4 check` of rules-5000 lost its last findings under load).
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`uci-fw4: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
