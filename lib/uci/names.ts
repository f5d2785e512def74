// What names, types and values may contain (libuci util.c uci_validate_str / uci_validate_text).
// All checks are per character code; any code above 126 (every non-ASCII character, in UTF-8
// or latin1 form) fails the name and type rules just as its bytes do in libuci.

const enum C { US = 95, DASH = 45 }

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function validate(s: string, name: boolean, pkg: boolean): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isAlnum(c) || c === C.US) continue;
    if (c === C.DASH && pkg) continue;
    if (name || c < 33 || c > 126) return false;
  }
  return true;
}

/** Section and option names: `[A-Za-z0-9_]+`. */
export const isValidName = (s: string): boolean => validate(s, true, false);
/** Section types: printable ASCII without space. */
export const isValidType = (s: string): boolean => validate(s, false, false);
/** Package names given to the API or the command: same as types. */
export const isValidPackage = (s: string): boolean => validate(s, false, true);
/** The argument of a `package` statement inside a file: `[A-Za-z0-9_-]+`. */
export const isValidPackageKeyword = (s: string): boolean => validate(s, true, true);

/** Values: no control characters except TAB, LF and CR. */
export function isValidText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}
