// Placeholder until the fw4 command is implemented (see the open issues).
export async function run(_args: string[]): Promise<number> {
  process.stderr.write('uci-fw4 fw4: not implemented yet\n');
  return 1;
}
