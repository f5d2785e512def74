#!/usr/bin/env node
'use strict';
// The `uci-fw4` command. It always runs cli/ from dist/bundle: one esbuild bundle per command,
// run with V8's code cache (cli/bundle-loader.ts; `npm run build`, also run by `npm ci` through
// the prepare script and by the test suite when the source is newer than the build). This file
// is CommonJS (bin/package.json): the ES module loader alone costs a short command a few
// milliseconds.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundles = join(__dirname, '../dist/bundle');
const loader = join(bundles, 'loader.cjs');

if (!existsSync(loader)) {
  process.stderr.write(`uci-fw4: the command is not built (${loader} is missing): run \`npm run build\`\n`);
  process.exit(1);
}

require(loader).runBundled(bundles, process.argv.slice(2)).then(
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
