// State of one `uci` run: options, output, and libuci's error printing (libuci.c
// uci_get_errorstr), including its static error-info buffer, whose stale text reappears in
// batch mode exactly as it does with the real tool.

import {
  LexError, UCI_ERROR_NUMBER, UCI_ERROR_TEXT, UciError, UciLockError, UciParseError, type Tokenizer, type UciErrorCode,
} from '../../lib/uci/index.js';

export const PROG = 'uci';

export class Output {
  /** Text of one byte per character, or bytes as they are. */
  readonly out: (string | Buffer)[] = [];
  readonly err: string[] = [];
  quiet = false;
  /** libuci's static error_info buffer. */
  private errorInfo = '';

  stdout(s: string | Buffer): void {
    this.out.push(s);
  }

  /** cli_error: a message unless -q. */
  cliError(s: string): void {
    if (!this.quiet) this.err.push(s);
  }

  /** cli_perror: libuci's message for err unless -q. `batch` is the batch input's parser context, if any. */
  perror(err: unknown, batch: Tokenizer | null): void {
    if (this.quiet) return;
    this.uciPerror(err, PROG, batch);
  }

  /** uci_perror: also used without prefix for -S parse errors, which -q does not silence. */
  uciPerror(err: unknown, prefix: string | null, batch: Tokenizer | null): void {
    const code = errorCode(err);
    if (code === 'PARSE') {
      if (err instanceof UciParseError) this.setInfo(err.reason, err.line, err.byte);
      else if (err instanceof LexError) this.setInfo(err.reason, err.line, err.byte);
      else if (batch) this.setInfo(batch.lastReason, batch.line, batch.lastByte);
    }
    this.errorInfo += '\n';
    // libuci waits for a lock forever; ours gives up, and says which file was held
    const lock = err instanceof UciLockError ? ` (${err.message})` : '';
    this.err.push(`${prefix === null ? '' : `${prefix}: `}${UCI_ERROR_TEXT[code]}${lock}${this.errorInfo}`);
  }

  private setInfo(reason: string | null, line: number, byte: number): void {
    // snprintf into 128 bytes with size - 1
    this.errorInfo = ` (${reason ?? 'unknown'}) at line ${line}, byte ${byte}`.slice(0, 126);
  }
}

export function errorCode(err: unknown): UciErrorCode {
  if (err instanceof UciError) return err.code;
  if (err instanceof LexError) return 'PARSE';
  // a failed system call where libuci would have reported UCI_ERR_IO
  if (err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string') return 'IO';
  throw err;
}

export function errorNumber(err: unknown): number {
  return UCI_ERROR_NUMBER[errorCode(err)];
}

/** strerror() text for the errors fopen can give. */
export function strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const table: Record<string, string> = {
    ENOENT: 'No such file or directory',
    EACCES: 'Permission denied',
    ENOTDIR: 'Not a directory',
    EISDIR: 'Is a directory',
    ELOOP: 'Too many levels of symbolic links',
    ENAMETOOLONG: 'File name too long',
    EMFILE: 'Too many open files',
  };
  return (code && table[code]) ?? 'Input/output error';
}
