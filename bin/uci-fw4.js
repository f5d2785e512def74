#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
import { main } from '../dist/lib/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`uci-fw4: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
