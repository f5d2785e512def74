// `uci-fw4 migrate [--dry-run] [--json] --confdir DIR [--confdir DIR ...] MIGRATION...`
//
// stdout: the diffs and notes of a dry run (a patch: `patch -p1 -d CONFDIR` applies one
// confdir's part), the notes and the summary table of an apply, or one JSON document with --json.
// stderr: the progress bar (terminal only) and, in a dry run, the summary table.
// Exit status: 0 all confdirs migrated or unchanged, 1 some failed, 2 bad arguments (a confdir
// that is not a directory included) or migrations.
import { runMigrations, type ConfdirResult, type MigrationNote } from '../lib/migrate/index.js';
import { checkConfdir, InputError, parseCommandArgs } from './args.js';
import { writeText } from './output.js';

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

const OPTIONS = {
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  confdir: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The arguments, `'help'`, or what is wrong with them. */
function options(args: string[]): Args | 'help' | string {
  const parsed = parseCommandArgs(args, OPTIONS, true);
  if (typeof parsed === 'string') return parsed;
  const { values: v, positionals: specs } = parsed;
  if (v.help) return 'help';
  const seconds = v.timeout === undefined ? 60 : Number(v.timeout);
  if (!(seconds > 0)) return '--timeout needs a number of seconds above 0';
  const confdirs = v.confdir ?? [];
  if (confdirs.length === 0) return 'no --confdir given';
  if (specs.length === 0) return 'no MIGRATION given';
  return { dryRun: v['dry-run'] === true, json: v.json === true, timeoutMs: seconds * 1000, confdirs, specs };
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
  const parsed = options(args);
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (typeof parsed === 'string') {
    process.stderr.write(`uci-fw4 migrate: ${parsed}\n\n${USAGE}`);
    return 2;
  }
  try {
    // a mistyped confdir is the run's error (exit 2), found before any confdir is touched
    for (const dir of parsed.confdirs) checkConfdir(dir);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    process.stderr.write(`uci-fw4 migrate: ${e.message}\n`);
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
    writeText(1, JSON.stringify({ dryRun: parsed.dryRun, summary: summarize(results), results }, null, 2) + '\n');
    return failed ? 1 : 0;
  }
  const out: string[] = [];
  for (const r of results) {
    if (parsed.dryRun && r.files.length > 0) out.push(`# ${r.confdir}\n`, ...r.files.map((f) => f.diff!)); // a dry run computes every diff
    const notes = noteLines(r);
    if (notes.length) out.push(notes.join('\n') + '\n');
  }
  writeText(1, out.join(''));
  writeText(parsed.dryRun ? 2 : 1, table(results, parsed.dryRun));
  return failed ? 1 : 0;
}
