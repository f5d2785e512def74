// bin/uci-fw4.js runs the esbuild bundle (dist/cli) unless tsc's output (dist/lib) is newer,
// as after `npx tsc` alone: stand-in entry modules in a copy of the layout show which one ran.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fw4-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

mkdirSync(join(dir, 'bin'));
copyFileSync(join(repo, 'bin/uci-fw4.js'), join(dir, 'bin/uci-fw4.js'));
writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
const bundle = join(dir, 'dist/cli/main.js');
const compiled = join(dir, 'dist/lib/cli/main.js');
for (const [file, name] of [[bundle, 'bundle'], [compiled, 'tsc']] as const) {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `export async function main(argv) { process.stdout.write('${name} ' + argv.join(' ')); return 3; }\n`);
}

function run() {
  return spawnSync(process.execPath, [join(dir, 'bin/uci-fw4.js'), 'fw4', 'print'], { encoding: 'utf8' });
}

describe('bin/uci-fw4.js', () => {
  it('runs the bundle when it is as new as the tsc output or newer, with the exit code of main', () => {
    utimesSync(compiled, 1000, 1000);
    utimesSync(bundle, 2000, 2000);
    expect(run()).toMatchObject({ stdout: 'bundle fw4 print', status: 3 });
    utimesSync(bundle, 1000, 1000);
    expect(run()).toMatchObject({ stdout: 'bundle fw4 print', status: 3 });
  });

  it('runs the tsc output when the bundle is older or missing', () => {
    utimesSync(bundle, 1000, 1000);
    utimesSync(compiled, 2000, 2000);
    expect(run()).toMatchObject({ stdout: 'tsc fw4 print', status: 3 });
    rmSync(bundle);
    expect(run()).toMatchObject({ stdout: 'tsc fw4 print', status: 3 });
  });
});
