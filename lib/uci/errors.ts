// Errors of the UCI layer. The codes are libuci's error classes (libuci.c uci_errstr), so the
// `uci` command can print libuci's exact message for each.

export type UciErrorCode = 'NOT_FOUND' | 'INVALID_ARGUMENT' | 'PARSE' | 'IO' | 'DUPLICATE' | 'UNKNOWN';

/** libuci's message for each code, as `uci` prints it after `uci: `. */
export const UCI_ERROR_TEXT: Record<UciErrorCode, string> = {
  INVALID_ARGUMENT: 'Invalid argument',
  NOT_FOUND: 'Entry not found',
  IO: 'I/O error',
  PARSE: 'Parse error',
  DUPLICATE: 'Duplicate entry',
  UNKNOWN: 'Unknown error',
};

/** libuci's numeric error codes (uci.h), which `uci add` returns as its exit status. */
export const UCI_ERROR_NUMBER: Record<UciErrorCode, number> = {
  INVALID_ARGUMENT: 2,
  NOT_FOUND: 3,
  IO: 4,
  PARSE: 5,
  DUPLICATE: 6,
  UNKNOWN: 7,
};

export class UciError extends Error {
  readonly code: UciErrorCode;
  constructor(code: UciErrorCode, message?: string) {
    super(message ?? UCI_ERROR_TEXT[code]);
    this.name = 'UciError';
    this.code = code;
  }
}

/**
 * A syntax error in a config, delta or batch text. `reason` is libuci's wording, `line` is
 * libuci's line count (see uci-spec §1.1) and `byte` its offset into the logical line buffer;
 * `column` is `byte + 1`.
 */
export class UciParseError extends UciError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly byte: number;
  readonly reason: string;
  constructor(reason: string, file: string, line: number, byte: number) {
    super('PARSE', `${file}:${line}:${byte + 1}: ${reason}`);
    this.name = 'UciParseError';
    this.reason = reason;
    this.file = file;
    this.line = line;
    this.byte = byte;
    this.column = byte + 1;
  }
}

export const notFound = (what?: string): UciError => new UciError('NOT_FOUND', what ? `Entry not found: ${what}` : undefined);
export const invalid = (what?: string): UciError =>
  new UciError('INVALID_ARGUMENT', what ? `Invalid argument: ${what}` : undefined);
