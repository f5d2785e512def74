// Where a router's password comes from (`migrate`, `snapshot from`): a file's first line, the
// environment unless empty, the terminal; with none of them, an error rather than a wait.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PASSWORD_ENV, routerPassword } from '../../cli/prompt.js';
import { tempFiles } from '../helpers/files.js';

const { dir, file } = tempFiles('cli-prompt-');

describe('routerPassword', () => {
  it('the first line of the file, before the environment; an empty or missing file is an error naming it', async () => {
    expect(await routerPassword(file('pw', 's3cret\r\nignored\n'), 'the router', { [PASSWORD_ENV]: 'from-env' })).toBe('s3cret');
    await expect(routerPassword(file('empty', '\n'), 'the router', {})).rejects.toThrow(`${join(dir, 'empty')}: the password file is empty`);
    await expect(routerPassword(join(dir, 'nope'), 'the router', {})).rejects.toThrow(`${join(dir, 'nope')}: cannot read the password file: no such file or directory`);
  });

  it('the environment variable', async () => {
    expect(await routerPassword(undefined, 'the targets', { [PASSWORD_ENV]: 'from-env' })).toBe('from-env');
  });

  // on a terminal it would ask
  it.skipIf(process.stdin.isTTY)('none, or an empty environment variable, and no terminal: an error naming every source', async () => {
    for (const env of [{}, { [PASSWORD_ENV]: '' }]) {
      await expect(routerPassword(undefined, 'the targets', env)).rejects
        .toThrow(`no password for the targets: give --password-file FILE ('-': standard input), set ${PASSWORD_ENV}, or run on a terminal to be asked`);
    }
  });
});
