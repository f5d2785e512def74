// `uci-fw4 fw4 …` as a user runs it, for the tests of the command: the repository's bin script,
// with fw4's QUIET and TTY cleared so that warnings print plain whatever the test's environment.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));

export function fw4(...args: string[]) {
  return spawnSync(process.execPath, [join(repo, 'bin/uci-fw4.js'), 'fw4', ...args], {
    cwd: repo, encoding: 'utf8', env: { ...process.env, QUIET: '', TTY: '' }, maxBuffer: 64 << 20,
  });
}
