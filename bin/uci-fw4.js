#!/usr/bin/env node
// The CLI runs from dist/cli/: lib/cli bundled by esbuild (`npm run build`, also run by `npm ci`
// through the prepare script), one chunk per command, since loading a hundred separate modules
// was most of a short command's time.
import { statSync } from 'node:fs';

const bundle = new URL('../dist/cli/main.js', import.meta.url);
const compiled = new URL('../dist/lib/cli/main.js', import.meta.url);
const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};
// `npx tsc` alone leaves the bundle behind: then tsc's output has the newer code, so run that
const { main } = await import(mtime(bundle) >= mtime(compiled) ? bundle.href : compiled.href);

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`uci-fw4: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
