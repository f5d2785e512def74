#!/usr/bin/env node
// The CLI runs from dist/cli/: lib/cli bundled by esbuild (`npm run build`, also run by `npm ci`
// through the prepare script), one chunk per command, since loading a hundred separate modules
// was most of a short command's time.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`uci-fw4: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
