// The `uci-fw4` commands and the top-level usage. Kept apart from the modules that run them:
// the bundle loader (cli/bundle-loader.ts) uses this to print the usage or refuse an unknown
// command without loading any command, and bin/build-cli.mjs makes one bundle per command
// named here.

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
