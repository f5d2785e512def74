// `uci-fw4 uci`: a drop-in for OpenWrt's uci command (same options, output, exit codes), plus
// `--keep-comments`, which makes commit keep comments and the layout of untouched lines.
// Arguments, files and output are handled as bytes (latin1 strings), as libuci does.

import { openSync, readFileSync, closeSync } from 'node:fs';
import { Cursor } from '../lib/uci/index.js';
import { Commands, type Settings } from './uci/commands.js';
import { Output, PROG, strerror } from './uci/context.js';
import { getopt } from './uci/getopt.js';
import { writeAll } from './output.js';
import { usage } from './uci/usage.js';

const SPEC = 'c:C:d:f:LmnNp:P:qsSt:X';

function readInput(fd: number | string): string {
  try {
    return readFileSync(fd, 'latin1');
  } catch {
    return '';
  }
}

/** Writes every chunk in order: latin1 text or bytes. */
function flush(fd: number, chunks: (string | Buffer)[]): void {
  writeAll(fd, chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : c)));
}

/** Runs the command on `args`, each one byte per character (argBytes). */
export function runUci(args: string[], io: Output): number {
  let keepComments = false;
  const dashdash = args.indexOf('--');
  const argv = args.filter((a, i) => {
    if (a === '--keep-comments' && (dashdash < 0 || i < dashdash)) {
      keepComments = true;
      return false;
    }
    return true;
  });
  const set: Settings = { delimiter: ' ', showExt: true, merge: false, noCommit: false, strict: true, exportNames: false };
  let confdir = '/etc/config';
  let conf2dir: string | null = '/var/run/uci';
  let savedir = '/tmp/.uci';
  const deltaPath = ['/tmp/.uci'];
  let inputFile: string | null = null;
  const operands: string[] = [];
  for (const ev of getopt(argv, SPEC, PROG, operands)) {
    if (ev.kind === 'error') {
      io.err.push(ev.message, usage(PROG));
      return 0;
    }
    const arg = ev.arg!;
    switch (ev.opt) {
      case 'c': confdir = arg; break;
      case 'C': conf2dir = arg === '' ? null : arg; break;
      case 'd': set.delimiter = arg; break;
      case 'f':
        if (inputFile !== null) {
          io.cliError('Too many input files.\n');
          return 1;
        }
        try {
          closeSync(openSync(arg, 'r'));
        } catch (err) {
          io.cliError(`uci: ${strerror(err)}`);
          return 1;
        }
        inputFile = arg;
        break;
      case 'm': set.merge = true; break;
      case 's': set.strict = true; break;
      case 'S': set.strict = false; break;
      case 'n': set.exportNames = true; break;
      case 'N': set.exportNames = false; break;
      case 'p':
        if (!deltaPath.includes(arg)) deltaPath.splice(deltaPath.length - 1, 0, arg);
        break;
      case 'P':
      case 't': {
        const i = deltaPath.indexOf(arg);
        if (i >= 0) deltaPath.splice(i, 1);
        deltaPath.push(arg);
        savedir = arg;
        if (ev.opt === 'P') set.noCommit = true;
        break;
      }
      case 'q': io.quiet = true; break;
      case 'X': set.showExt = false; break;
      default:
        io.err.push(usage(PROG));
        return 0;
    }
  }
  if (operands.length < 1) {
    io.err.push(usage(PROG));
    return 0;
  }
  let commands: Commands | null = null;
  const cursor = new Cursor({
    confdir,
    conf2dir,
    savedir,
    extraSavedirs: deltaPath.slice(0, -1),
    keepComments,
    strict: set.strict,
    latin1: true,
    anonymousNames: set.exportNames,
    onParseError: (err) => commands!.onParseError(err),
  });
  const input = (): string => (commands!.batch ? commands!.batch.takeRest() : readInput(inputFile ?? 0));
  commands = new Commands(cursor, io, set, input, usage(PROG));
  const ret = commands.run(operands);
  if (ret === 255) io.err.push(usage(PROG));
  return ret & 0xff;
}

/**
 * The arguments as the bytes the command was given, one byte per character. Node decodes argv
 * as UTF-8 and turns invalid bytes into U+FFFD, so `set "p.s.x=$(printf 'v\xff\xfe')"` would
 * commit other bytes than `batch` does with the same line; on Linux /proc/self/cmdline has the
 * bytes, whose last entries are these arguments (each checked against its decoded form).
 * Elsewhere the UTF-8 encoding of each argument is used.
 */
export function argBytes(args: string[]): string[] {
  const utf8 = args.map((a) => Buffer.from(a, 'utf8').toString('latin1'));
  let raw: Buffer;
  try {
    raw = readFileSync('/proc/self/cmdline');
  } catch {
    return utf8;
  }
  if (raw[raw.length - 1] === 0) raw = raw.subarray(0, raw.length - 1);
  const entries = raw.toString('latin1').split('\0');
  if (entries.length < args.length) return utf8;
  const mine = entries.slice(entries.length - args.length);
  const same = mine.every((e, i) => Buffer.from(e, 'latin1').toString('utf8') === args[i]);
  return same ? mine : utf8;
}

export async function run(args: string[]): Promise<number> {
  const io = new Output();
  const code = runUci(argBytes(args), io);
  flush(1, io.out);
  flush(2, io.err);
  return code;
}
