// `uci-fw4 migrate [--dry-run] [--json] --confdir DIR [--confdir DIR ...] MIGRATION...`
//
// stdout: the diffs and notes of a dry run (a patch: `patch -p1 -d CONFDIR` applies one
// confdir's part), the notes and the summary table of an apply, or one JSON document with --json.
// stderr: the progress bar (terminal only) and, in a dry run, the summary table.
// Exit status: 0 all confdirs migrated or unchanged, 1 some failed, 2 bad arguments or migrations.
import { runMigrations } from '../lib/migrate/runner.js';
import type { ConfdirResult, MigrationNote } from '../lib/migrate/types.js';

const USAGE = `Usage: uci-fw4 migrate [--dry-run] [--json] [--timeout SECONDS] --confdir DIR [--confdir DIR ...] MIGRATION...

Applies the migrations, in order, to each confdir independently: all changed files of a
confdir are replaced together or not at all, and applied ids are recorded in
DIR/.uci-fw4/applied so that a rerun skips them.

  MIGRATION      a built-in migration (fw4-compat) or the path of an ES module exporting
                 a migration or an array of them (default export, or 'migrations')
  --confdir DIR  a config directory (repeat for many routers)
  --dry-run      print the unified diff of every file that would change; write nothing
  --json         print the results as JSON
  --timeout S    how long one confdir's migrations may run (default 60 seconds); past it
                 they are stopped, that confdir fails untouched and the others go on
`;

interface Args { dryRun: boolean; json: boolean; timeoutMs: number; confdirs: string[]; specs: string[] }

function parseArgs(args: string[]): Args | string {
  const out: Args = { dryRun: false, json: false, timeoutMs: 60_000, confdirs: [], specs: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--dry-run') out.dryRun = true;
    else if (a === '--json') out.json = true;
    else if (a === '--timeout') {
      const seconds = Number(args[++i]);
      if (!(seconds > 0)) return '--timeout needs a number of seconds above 0';
      out.timeoutMs = seconds * 1000;
    } else if (a === '--confdir') {
      const dir = args[++i];
      if (dir === undefined || dir === '') return '--confdir needs a directory';
      out.confdirs.push(dir);
    } else if (a.startsWith('--confdir=')) out.confdirs.push(a.slice('--confdir='.length));
    else if (a === '--') out.specs.push(...args.slice(i + 1)), (i = args.length);
    else if (a.startsWith('-') && a !== '-') return `unknown option '${a}'`;
    else out.specs.push(a);
  }
  if (out.confdirs.length === 0) return 'no --confdir given';
  if (out.specs.length === 0) return 'no MIGRATION given';
  return out;
}

function where(n: MigrationNote): string {
  const parts = [n.package ? `${n.package}${n.line ? `:${n.line}` : ''}` : '', n.section ?? '', n.option ?? ''].filter(Boolean);
  return parts.length ? `${parts.join(' ')}: ` : '';
}

function noteLines(r: ConfdirResult): string[] {
  return r.notes.map((n) => `# ${r.confdir}: [${n.migration}] ${where(n)}${n.message}`);
}

function summarize(results: ConfdirResult[]): Record<ConfdirResult['status'], number> {
  const summary = { changed: 0, unchanged: 0, failed: 0 };
  for (const r of results) summary[r.status]++;
  return summary;
}

function table(results: ConfdirResult[], dryRun: boolean): string {
  const rows = results.map((r) => [
    r.confdir,
    r.status,
    String(r.files.length),
    r.applied.length ? r.applied.join(',') : r.status === 'failed' ? '-' : '(none new)',
    r.reason ?? (r.recovery !== 'clean' ? `interrupted commit ${r.recovery}` : ''),
  ]);
  const head = ['CONFDIR', 'STATUS', 'FILES', dryRun ? 'WOULD APPLY' : 'APPLIED', 'REASON'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const n = summarize(results);
  return [line(head), ...rows.map(line),
    `${results.length} confdir${results.length === 1 ? '' : 's'}: ${n.changed} changed, ${n.unchanged} unchanged, ${n.failed} failed${dryRun ? ' (dry run, nothing written)' : ''}`,
  ].join('\n') + '\n';
}

function progress(done: number, total: number, confdir: string): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const label = confdir.length > 40 ? `…${confdir.slice(-39)}` : confdir;
  process.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`);
  if (done === total) process.stderr.write('\r\x1b[K');
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`uci-fw4 migrate: ${parsed}\n\n${USAGE}`);
    return 2;
  }
  const tty = process.stderr.isTTY === true;
  let results: ConfdirResult[];
  try {
    // the modules are loaded (and checked) before any confdir is touched: an error there is
    // the run's, exit 2
    results = await runMigrations(parsed.confdirs, { modules: parsed.specs }, {
      dryRun: parsed.dryRun,
      diffs: parsed.dryRun || parsed.json,
      timeoutMs: parsed.timeoutMs,
      onMigrated: tty ? progress : undefined,
    });
  } catch (e) {
    process.stderr.write(`uci-fw4 migrate: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const failed = results.some((r) => r.status === 'failed');
  if (parsed.json) {
    process.stdout.write(JSON.stringify({ dryRun: parsed.dryRun, summary: summarize(results), results }, null, 2) + '\n');
    return failed ? 1 : 0;
  }
  const out: string[] = [];
  for (const r of results) {
    if (parsed.dryRun && r.files.length > 0) out.push(`# ${r.confdir}\n`, ...r.files.map((f) => f.diff!)); // a dry run computes every diff
    const notes = noteLines(r);
    if (notes.length) out.push(notes.join('\n') + '\n');
  }
  process.stdout.write(out.join(''));
  (parsed.dryRun ? process.stderr : process.stdout).write(table(results, parsed.dryRun));
  return failed ? 1 : 0;
}
