// Entry point of the `uci-fw4` command. Each subcommand lives in its own module and is
// imported only when used, so `uci-fw4 uci get …` does not pay for loading the firewall
// translator or the server.
export type CommandRunner = (args: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<{ run: CommandRunner }> }> = {
  uci: { summary: "OpenWrt's uci command (same options, output and exit codes)", load: () => import('./uci.js') },
  fw4: { summary: 'fw4 print | check | offload: render the firewall ruleset', load: () => import('./fw4.js') },
  migrate: { summary: 'apply scripted config migrations to one or many confdirs', load: () => import('./migrate.js') },
  serve: { summary: "serve LuCI's ubus JSON-RPC API over HTTP", load: () => import('./serve.js') },
  passwd: { summary: 'print a password hash for the server settings', load: () => import('./passwd.js') },
};

export function usage(): string {
  const lines = ['Usage: uci-fw4 <command> [arguments]', '', 'Commands:'];
  for (const [name, { summary }] of Object.entries(commands)) lines.push(`  ${name.padEnd(8)} ${summary}`);
  lines.push('', 'Run `uci-fw4 <command> --help` for the options of a command.');
  return lines.join('\n') + '\n';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(usage());
    return name === undefined ? 1 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`uci-fw4: unknown command '${name}'\n\n${usage()}`);
    return 1;
  }
  const { run } = await command.load();
  return run(rest);
}
