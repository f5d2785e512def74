// POSIX fnmatch(3) without FNM_PATHNAME or FNM_PERIOD, compiled once to a RegExp: rpcd matches
// ACL objects and functions with FNM_NOESCAPE and login groups (`list read`) with flags 0.

export interface FnmatchOptions {
  /** FNM_NOESCAPE: a backslash is an ordinary character. */
  noEscape?: boolean;
}

const regexSpecial = /[\\^$.*+?()[\]{}|/-]/g;

function literal(ch: string): string {
  return ch.replace(regexSpecial, '\\$&');
}

/** A bracket expression starting at pattern[start] === '['; null when it is not closed. */
function bracket(pattern: string, start: number, noEscape: boolean): { source: string; end: number } | null {
  let i = start + 1;
  let negate = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  while (i < pattern.length) {
    let ch = pattern[i]!;
    if (ch === ']' && !first) return { source: `[${negate ? '^' : ''}${body}]`, end: i };
    first = false;
    if (ch === '\\' && !noEscape && i + 1 < pattern.length) ch = pattern[++i]!;
    if (pattern[i + 1] === '-' && pattern[i + 2] !== undefined && pattern[i + 2] !== ']') {
      let hi = pattern[i + 2]!;
      let next = i + 3;
      if (hi === '\\' && !noEscape && pattern[i + 3] !== undefined) {
        hi = pattern[i + 3]!;
        next = i + 4;
      }
      if (hi < ch) return null;
      body += `${literal(ch)}-${literal(hi)}`;
      i = next;
      continue;
    }
    body += literal(ch);
    i++;
  }
  return null;
}

export function compileFnmatch(pattern: string, options: FnmatchOptions = {}): RegExp {
  const noEscape = options.noEscape ?? false;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else if (ch === '[') {
      const b = bracket(pattern, i, noEscape);
      if (b) {
        source += b.source;
        i = b.end;
      } else source += '\\[';
    } else if (ch === '\\' && !noEscape && i + 1 < pattern.length) source += literal(pattern[++i]!);
    else source += literal(ch);
  }
  return new RegExp(`^${source}$`);
}

export function fnmatch(pattern: string, subject: string, options: FnmatchOptions = {}): boolean {
  return compileFnmatch(pattern, options).test(subject);
}
