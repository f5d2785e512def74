// `uci-fw4 passwd`: prints a password hash for a [user.<name>] section of the server settings.
// The password comes from the terminal (asked twice, not echoed) or from standard input.
import { hashPassword } from '../rpc/password.js';
import { parseCommandArgs } from './args.js';
import { ask, readStdin } from './prompt.js';

const usage = `Usage: uci-fw4 passwd

Reads a password (from the terminal, asked twice without echo, or from standard input) and
prints its scrypt hash, for the "password" key of a [user.<name>] section of the server settings.
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, { help: { type: 'boolean', short: 'h' } }, false);
  if (typeof parsed === 'string') {
    process.stderr.write(`uci-fw4 passwd: ${parsed}\n\n${usage}`);
    return 1;
  }
  if (parsed.values.help) {
    process.stdout.write(usage);
    return 0;
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
