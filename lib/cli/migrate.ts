// Placeholder until the migrate command is implemented (see the open issues).
export async function run(_args: string[]): Promise<number> {
  process.stderr.write('uci-fw4 migrate: not implemented yet\n');
  return 1;
}
