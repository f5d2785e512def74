// What the commands other than `uci` share about their arguments and inputs: node:util's
// parseArgs with its errors worded as one line each, and the checks of a confdir and of the
// files a command reads, whose errors name the path and say what is wrong (never a bare errno).
import { statSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options, P extends boolean> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: P; strict: true }>>;

/**
 * `args` parsed against `options` (strict: unknown options and missing values are errors), or
 * the error as one line: "unknown option '--bogus'", "option '--confdir <value>' argument missing".
 */
export function parseCommandArgs<O extends Options, P extends boolean>(args: string[], options: O, allowPositionals: P): Parsed<O, P> | string {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    if (!(e instanceof TypeError) || !String((e as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_')) throw e;
    // node's message is a first sentence naming the argument, then advice about `--`
    const first = e.message.split('\n')[0]!.replace(/\. This command does not take positional arguments$/, '').replace(/\.$/, '');
    return first.charAt(0).toLowerCase() + first.slice(1);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** An input a command cannot use; the message names the path and says what is wrong. */
export class InputError extends Error {}

/** What a failed system call says, in words; null for an error that is not one. */
function systemReason(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException | null;
  if (typeof e?.syscall !== 'string' || typeof e.code !== 'string') return null;
  return REASONS[e.code] ?? e.code;
}

/** `read()`, with a failed system call turned into an InputError naming the path and `what` it is. */
export function readInput<T>(path: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    const reason = systemReason(err);
    if (reason === null) throw err;
    throw new InputError(`${(err as NodeJS.ErrnoException).path ?? path}: cannot read ${what}: ${reason}`);
  }
}

/** JSON.parse of a file's text; a syntax error becomes an InputError naming the file, with line and column. */
export function parseJsonFile(path: string, what: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    const detail = err.message.replace(/ in JSON at position (\d+)$/, (_, at: string) => {
      const before = text.slice(0, Number(at)).split('\n');
      return ` at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
    });
    throw new InputError(`${path}: ${what} is not valid JSON: ${detail}`);
  }
}

/** Throws an InputError unless `dir` is a directory. */
export function checkConfdir(dir: string): void {
  if (dir === '') throw new InputError('--confdir needs a directory');
  const isDir = readInput(dir, 'the confdir', () => statSync(dir).isDirectory());
  if (!isDir) throw new InputError(`${dir}: the confdir is not a directory`);
}
