// bin/uci-fw4.js runs one build, the per-command bundles in dist/bundle, with the code cache the
// build trains (cli/bundle-loader.ts); without them it says to build. A stand-in loader in a copy
// of the layout shows what bin runs and with which arguments.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fw4-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

mkdirSync(join(dir, 'bin'));
copyFileSync(join(repo, 'bin/uci-fw4.js'), join(dir, 'bin/uci-fw4.js'));
copyFileSync(join(repo, 'bin/package.json'), join(dir, 'bin/package.json'));
const loader = join(dir, 'dist/bundle/loader.cjs');

function run() {
  return spawnSync(process.execPath, [join(dir, 'bin/uci-fw4.js'), 'fw4', 'print'], { encoding: 'utf8' });
}

describe('bin/uci-fw4.js', () => {
  it('without a build, says what is missing and how to build it', () => {
    expect(run()).toMatchObject({
      status: 1, stdout: '',
      stderr: `uci-fw4: the command is not built (${loader} is missing): run \`npm run build\`\n`,
    });
  });

  it('runs the bundles with the arguments, and exits with the code of the command', () => {
    mkdirSync(join(loader, '..'), { recursive: true });
    writeFileSync(loader, "exports.runBundled = async (dir, argv) => { process.stdout.write(require('node:path').basename(dir) + ' ' + argv.join(' ')); return 3; };\n");
    expect(run()).toMatchObject({ stdout: 'bundle fw4 print', status: 3 });
  });
});

const built = join(repo, 'dist/bundle');
describe('the command bundles and their code caches', () => {
  // the loader as bin/uci-fw4.js uses it, in a child: a cache is only valid for the node that made it
  function load(command: string, cache: boolean) {
    const script = `const { loadBundle } = require(${JSON.stringify(join(built, 'loader.cjs'))});
      const b = loadBundle(${JSON.stringify(join(built, `${command}.cjs`))}${cache ? `, ${JSON.stringify(join(built, `${command}.cache`))}` : ''});
      process.stdout.write(JSON.stringify({ run: typeof b.run, rejected: b.cacheRejected }));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as { run: string; rejected: boolean };
  }

  it.each(['fw4', 'uci', 'migrate'])('%s has a code cache that V8 accepts', (command) => {
    expect(readFileSync(join(built, `${command}.cache`)).length).toBeGreaterThan(10000);
    expect(load(command, true)).toEqual({ run: 'function', rejected: false });
  });

  it('under --enable-source-maps a bundle runs as a plain module (node maps its stack traces)', () => {
    const r = spawnSync(process.execPath, ['--enable-source-maps', join(repo, 'bin/uci-fw4.js'), 'uci', '-c', join(repo, 'examples/config'), 'get', 'firewall.@zone[0].name'], { encoding: 'utf8' });
    expect(r).toMatchObject({ status: 0, stdout: 'lan\n', stderr: '' });
  });

  it('a cache that does not match its bundle is refused, and the command still runs', () => {
    const copy = mkdtempSync(join(tmpdir(), 'fw4-cache-'));
    try {
      copyFileSync(join(built, 'loader.cjs'), join(copy, 'loader.cjs'));
      copyFileSync(join(built, 'uci.cjs'), join(copy, 'uci.cjs'));
      copyFileSync(join(built, 'fw4.cache'), join(copy, 'uci.cache')); // another bundle's cache
      const script = `const { runBundled, loadBundle } = require('./loader.cjs');
        process.stderr.write(String(loadBundle('./uci.cjs', './uci.cache').cacheRejected));
        runBundled(__dirname, ['uci', '-c', ${JSON.stringify(join(repo, 'examples/config'))}, 'get', 'firewall.@zone[0].name']).then((c) => { process.exitCode = c; });`;
      writeFileSync(join(copy, 'run.cjs'), script);
      const r = spawnSync(process.execPath, [join(copy, 'run.cjs')], { encoding: 'utf8', cwd: copy });
      expect(r).toMatchObject({ status: 0, stdout: 'lan\n', stderr: 'true' });
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
