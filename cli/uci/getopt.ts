// GNU getopt(3) as `uci` uses it: short options only, permuting (options may follow the
// command), `--` ends the options; messages worded as glibc prints them.

export type GetoptEvent =
  | { kind: 'option'; opt: string; arg?: string }
  | { kind: 'error'; message: string };

/**
 * Walks argv like repeated getopt() calls: yields options in order, stops after the first
 * error (uci prints usage then), and leaves the operands, in order, in `operands`.
 */
export function* getopt(argv: string[], spec: string, prog: string, operands: string[]): Generator<GetoptEvent> {
  const wantsArg = (c: string): boolean | null => {
    const i = spec.indexOf(c);
    if (i < 0 || c === ':') return null;
    return spec[i + 1] === ':';
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      operands.push(...argv.slice(i + 1));
      return;
    }
    if (a.length < 2 || a[0] !== '-') {
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const needs = wantsArg(c);
      if (needs === null) {
        yield { kind: 'error', message: `${prog}: invalid option -- '${c}'\n` };
        return;
      }
      if (!needs) {
        yield { kind: 'option', opt: c };
        continue;
      }
      let arg: string | undefined = a.slice(j + 1);
      if (arg === '') {
        arg = argv[i + 1];
        if (arg === undefined) {
          yield { kind: 'error', message: `${prog}: option requires an argument -- '${c}'\n` };
          return;
        }
        i++;
      }
      yield { kind: 'option', opt: c, arg };
      break;
    }
  }
}
