// The `uci-fw4` commands and the top-level usage. Kept apart from the modules that run them:
// bin/uci-fw4.js loads this (to print the usage or refuse an unknown command) without loading
// any command.
import { createRequire } from 'node:module';

/** Each command's one-line summary, in the order the usage lists them. */
export const COMMANDS = {
  uci: "OpenWrt's uci command (same options, output and exit codes)",
  fw4: 'fw4 print | check | offload: render the firewall ruleset',
  snapshot: 'snapshot record | from | derive: the system fw4 renders against',
  migrate: 'apply scripted config migrations to one or many confdirs',
  serve: "serve LuCI's ubus JSON-RPC API over HTTP",
  passwd: 'print a password hash for the server settings',
} as const;

export type CommandName = keyof typeof COMMANDS;

/**
 * V8 settings for a command's process, applied once its code is loaded. Fresh memory is what a
 * short command pays most for here: a page touched for the first time costs ~15 us (a C
 * program touching 4500 pages: 14-17 us each), and `fw4 print` of fw4-bench rules-1000 touched
 * 6700 pages. TurboFan's compiles (their memory, and CPU the translation competes with) never
 * pay back within one translation, and a growing young generation only touches new pages:
 * without both, rules-1000 touched 4000 pages and took 0.208-0.232 s instead of 0.254 s,
 * rules-5000 0.42 s instead of 0.57 s (perf stat, 8 and 4 runs, load 2-3). `uci export` of
 * large files needs TurboFan (its byte loops: 0.24 s -> 0.44 s at 20k sections without it),
 * and the other commands keep V8's defaults.
 */
export const V8_FLAGS: Partial<Record<CommandName, readonly string[]>> = {
  fw4: ['--no-opt', '--semi-space-growth-factor=1'],
};

/**
 * Applies V8_FLAGS of the command, once its code is loaded (a code cache matches only the flags
 * it was made with). node:v8 is loaded only when there are flags: it brings node's streams
 * with it (~10M instructions, ~115 fresh pages), which the other commands need not pay.
 */
export function applyV8Flags(name: CommandName): void {
  const flags = V8_FLAGS[name];
  if (!flags) return;
  const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  for (const flag of flags) v8.setFlagsFromString(flag);
}

export type CommandRunner = (args: string[]) => Promise<number>;

function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

export function usage(): string {
  const lines = ['Usage: uci-fw4 <command> [arguments]', '', 'Commands:'];
  for (const [name, summary] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${summary}`);
  lines.push('', 'Run `uci-fw4 <command> --help` for the options of a command.');
  return lines.join('\n') + '\n';
}

/**
 * What `uci-fw4` does without a command to run: the usage for --help (exit 0) or for no
 * command (exit 1), an error for an unknown one (exit 1). Null when `name` is a command.
 */
export function withoutCommand(name: string | undefined): number | null {
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(usage());
    return name === undefined ? 1 : 0;
  }
  if (isCommand(name)) return null;
  process.stderr.write(`uci-fw4: unknown command '${name}'\n\n${usage()}`);
  return 1;
}
