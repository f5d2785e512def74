// Entry point of the `uci-fw4` command as tsc compiles it (dist/cli/main.js). Each
// subcommand lives in its own module and is imported only when used, so `uci-fw4 uci get …`
// does not pay for loading the firewall translator or the server. bin/uci-fw4.js normally runs
// the per-command bundles instead (cli/bundle-loader.ts).
import { applyV8Flags, withoutCommand, type CommandName, type CommandRunner } from './commands.js';

export type { CommandRunner } from './commands.js';
export { usage } from './commands.js';

const load: Record<CommandName, () => Promise<{ run: CommandRunner }>> = {
  uci: () => import('./uci.js'),
  fw4: () => import('./fw4.js'),
  snapshot: () => import('./snapshot.js'),
  migrate: () => import('./migrate.js'),
  serve: () => import('./serve.js'),
  passwd: () => import('./passwd.js'),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const done = withoutCommand(name);
  if (done !== null) return done;
  const { run } = await load[name as CommandName]();
  applyV8Flags(name as CommandName);
  return run(rest);
}
