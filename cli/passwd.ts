// `uci-fw4 passwd`: prints a password hash for a [user.<name>] section of the server settings.
// The password comes from the terminal (asked twice, not echoed) or from standard input.
import { hashPassword } from '../rpc/password.js';

const usage = `Usage: uci-fw4 passwd

Reads a password (from the terminal, asked twice without echo, or from standard input) and
prints its scrypt hash, for the "password" key of a [user.<name>] section of the server settings.
`;

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')));
    process.stdin.on('error', reject);
  });
}

/** One line from the terminal with echo off. */
function ask(prompt: string): Promise<string> {
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

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage);
    return 0;
  }
  if (args.length) {
    process.stderr.write(`uci-fw4 passwd: unexpected argument '${args[0]}'\n\n${usage}`);
    return 1;
  }
  let password: string;
  if (process.stdin.isTTY) {
    password = await ask('Password: ');
    if ((await ask('Retype password: ')) !== password) {
      process.stderr.write('uci-fw4 passwd: the passwords differ\n');
      return 1;
    }
  } else password = await readStdin();
  if (password === '') {
    process.stderr.write('uci-fw4 passwd: empty password refused\n');
    return 1;
  }
  process.stdout.write(`${await hashPassword(password)}\n`);
  return 0;
}
