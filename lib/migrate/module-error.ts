// Where a migration module went wrong. Node's import() rejects a module with a syntax error
// without saying where (node 20: the SyntaxError's stack shows only node's loader), so for that
// case the file is checked once more with `node --check`, whose report has the line and a caret
// under the column. Errors thrown while the module runs carry their position in the stack.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `file:line:column: message`, or the message as it is when no position can be found. */
export function locateModuleError(e: unknown, file: string): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const text = `${err.name}: ${err.message}`;
  if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return `${file}: ${err.message}`;
  const frame = firstFileFrame(err.stack ?? '');
  if (frame) return `${frame}: ${text}`;
  if (err.name === 'SyntaxError') {
    const at = checkSyntax(file);
    if (at) return `${at}: ${text}`;
  }
  return `${file}: ${text}`;
}

/** The first stack frame in a file:// module, as `path:line:column`. */
function firstFileFrame(stack: string): string | undefined {
  const m = /(file:\/\/[^\s)]+):(\d+):(\d+)/.exec(stack);
  if (!m) return undefined;
  return `${fileURLToPath(m[1] as string)}:${m[2]}:${m[3]}`;
}

/** `path:line:column` of the syntax error `node --check` reports for the file. */
function checkSyntax(file: string): string | undefined {
  const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
  // "<file>:<line>\n<source line>\n<spaces>^...\n\nSyntaxError: ..."
  const lines = (r.stderr ?? '').split('\n');
  const head = /^(.*):(\d+)$/.exec(lines[0] ?? '');
  const caret = (lines[2] ?? '').indexOf('^');
  if (!head) return undefined;
  return `${head[1]}:${head[2]}:${caret >= 0 ? caret + 1 : 1}`;
}
