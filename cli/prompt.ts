// Reading a secret: from the terminal without echo, or from standard input (passwd), and a
// router's password from where `migrate` and `snapshot from` take it.
import { readFileSync } from 'node:fs';
import { InputError, readInput } from './args.js';

/** The environment variable a router's password may come from. */
export const PASSWORD_ENV = 'UCI_FW4_PASSWORD';

/** Everything on standard input, less one trailing newline. */
export function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')));
    process.stdin.on('error', reject);
  });
}

/** One line from the terminal with echo off. */
export function ask(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let line = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write('\n');
          return resolve(line);
        }
        if (ch === '\u0003') process.exit(130);
        if (ch === '\u007f' || ch === '\b') line = [...line].slice(0, -1).join('');
        else line += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The password for `what` (`the targets`, `the router`): the first line of `file` (`-`: standard
 * input), else PASSWORD_ENV unless empty (`VAR= cmd` unsets it for a command), else asked on the
 * terminal; never from the command line. Throws an InputError when there is none to be had:
 * standard input is read only when `-` says so, so a pipe nobody writes to cannot hang the command.
 */
export async function routerPassword(file: string | undefined, what: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (file !== undefined) {
    const text = file === '-' ? await readStdin() : readInput(file, 'the password file', () => readFileSync(file, 'utf8'));
    const first = text.split(/\r?\n/, 1)[0] ?? '';
    if (first === '') throw new InputError(`${file === '-' ? 'standard input' : file}: the password file is empty`);
    return first;
  }
  const fromEnv = env[PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (process.stdin.isTTY) return ask(`Password for ${what}: `);
  throw new InputError(`no password for ${what}: give --password-file FILE ('-': standard input), set ${PASSWORD_ENV}, or run on a terminal to be asked`);
}
