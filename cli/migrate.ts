// `uci-fw4 migrate [options] (--confdir DIR | --target URL | --targets FILE)... MIGRATION...`
//
// stdout: the diffs and notes of a dry run (a confdir's part is a patch: `patch -p1 -d CONFDIR`;
// a router's part is its `uci changes`, then the diff of its `uci export`), the notes and the
// summary table of an apply, or one JSON document with --json.
// stderr: the progress bar (terminal only) and, in a dry run, the summary table.
// Exit status: 0 all targets migrated or unchanged, 1 some failed or rolled back, 2 bad
// arguments (a confdir that is not a directory, a bad line of a targets file, no password
// included) or migrations.
import { runMigrations, type MigrationTarget, type RunResult } from '../lib/migrate/index.js';
import { checkConfdir, InputError, parseCommandArgs } from './args.js';
import { checkTargets, targetSpecs } from './migrate-targets.js';
import { PASSWORD_ENV, routerPassword } from './prompt.js';
import { dryRunText, isRouter, label, noteLines, progress, summarize, table } from './migrate-report.js';
import { writeText } from './output.js';

const USAGE = `Usage: uci-fw4 migrate [--dry-run] [--json] [--timeout SECONDS] [--jobs N]
                       [--rollback-timeout SECONDS] [--user NAME] [--password-file FILE]
                       (--confdir DIR | --target URL | --targets FILE)... MIGRATION...

Applies the migrations, in order, to each target independently.
A confdir: all changed files are replaced together or not at all, and applied ids are recorded
in DIR/.uci-fw4/applied so that a rerun skips them.
A router (its JSON-RPC endpoint, rpcd's uci object as LuCI uses it): its packages are read, the
migrations run on them here, the changes are staged, checked, applied with rollback and
confirmed; a router that cannot be reached again after the apply rolls itself back.

  MIGRATION        a built-in migration (fw4-compat) or the path of an ES module exporting
                   a migration or an array of them (default export, or 'migrations')
  --confdir DIR    a config directory (repeat for many)
  --target URL     a router's /ubus URL, http or https (repeat for many; a bare host means
                   its /ubus); logs in as --user
  --targets FILE   routers, one a line: URL USER [NAME] ('#' comments, blank lines allowed)
  --user NAME      the user for --target URLs (default root)
  --password-file FILE
                   the routers' password: the file's first line ('-': standard input);
                   else the environment variable ${PASSWORD_ENV} (unless empty); else
                   asked on the terminal. Never on the command line.
  --jobs N         routers migrated at once (default 32)
  --rollback-timeout S
                   seconds a router waits for the confirm before it rolls back (uci apply's
                   timeout; default: the router's own, 60 on rpcd)
  --dry-run        print what would change (diffs; a router's uci changes); write nothing
  --json           print the results as JSON
  --timeout S      how long one target may take (default 60 seconds): a confdir's migrations
                   are stopped and it fails untouched; a router fails (or, after its apply,
                   is left to roll back); the others go on
`;

interface Args {
  dryRun: boolean;
  json: boolean;
  timeoutMs: number;
  jobs: number;
  rollbackTimeout?: number;
  user: string;
  passwordFile?: string;
  confdirs: string[];
  urls: string[];
  files: string[];
  specs: string[];
}

const OPTIONS = {
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  jobs: { type: 'string' },
  'rollback-timeout': { type: 'string' },
  user: { type: 'string' },
  'password-file': { type: 'string' },
  confdir: { type: 'string', multiple: true },
  target: { type: 'string', multiple: true },
  targets: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

const MAX_JOBS = 1024;

/** A whole number from `min` to `max`, or undefined. */
function integer(text: string, min: number, max: number): number | undefined {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  return n >= min && n <= max ? n : undefined;
}

/** The arguments, `'help'`, or what is wrong with them. */
function options(args: string[]): Args | 'help' | string {
  const parsed = parseCommandArgs(args, OPTIONS, true);
  if (typeof parsed === 'string') return parsed;
  const { values: v, positionals: specs } = parsed;
  if (v.help) return 'help';
  const seconds = v.timeout === undefined ? 60 : Number(v.timeout);
  if (!(seconds > 0)) return '--timeout needs a number of seconds above 0';
  const jobs = v.jobs === undefined ? 32 : integer(v.jobs, 1, MAX_JOBS);
  if (jobs === undefined) return `--jobs needs a whole number from 1 to ${MAX_JOBS}`;
  // rpcd reads the timeout as an unsigned 32-bit number of seconds
  const rollbackTimeout = v['rollback-timeout'] === undefined ? undefined : integer(v['rollback-timeout'], 1, 2 ** 32 - 1);
  if (v['rollback-timeout'] !== undefined && rollbackTimeout === undefined) return '--rollback-timeout needs a whole number of seconds above 0';
  const [confdirs, urls, files] = [v.confdir ?? [], v.target ?? [], v.targets ?? []];
  if (confdirs.length + urls.length + files.length === 0) return 'no target given (--confdir, --target or --targets)';
  if (specs.length === 0) return 'no MIGRATION given';
  return {
    dryRun: v['dry-run'] === true, json: v.json === true, timeoutMs: seconds * 1000, jobs,
    ...(rollbackTimeout === undefined ? {} : { rollbackTimeout }),
    user: v.user ?? 'root', ...(v['password-file'] === undefined ? {} : { passwordFile: v['password-file'] }),
    confdirs, urls, files, specs,
  };
}

/** The run's targets: the confdirs, then the routers, each read from its file only when a job is free. */
async function* targets(a: Args, password: string): AsyncGenerator<MigrationTarget> {
  yield* a.confdirs;
  for await (const spec of targetSpecs(a.urls, a.files, a.user)) yield { ...spec, password };
}

/**
 * Everything checked before any target is touched: the confdirs, every target and every line of
 * the targets files, the password when there are routers. Returns how many targets there are.
 */
async function check(a: Args): Promise<{ total: number; password: string }> {
  for (const dir of a.confdirs) checkConfdir(dir);
  const routers = await checkTargets(a.urls, a.files, a.user);
  const password = routers > 0 ? await routerPassword(a.passwordFile, 'the targets') : '';
  return { total: a.confdirs.length + routers, password };
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
  let checked: { total: number; password: string };
  try {
    checked = await check(parsed);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    process.stderr.write(`uci-fw4 migrate: ${e.message}\n`);
    return 2;
  }
  const bar = process.stderr.isTTY === true;
  let shown = 0;
  const tick = (what: string) => progress(++shown, checked.total, what);
  let results: RunResult[];
  try {
    // the modules are loaded (and checked) before any target is touched: an error there is
    // the run's, exit 2
    results = await runMigrations(targets(parsed, checked.password), { modules: parsed.specs }, {
      dryRun: parsed.dryRun,
      diffs: parsed.dryRun || parsed.json,
      timeoutMs: parsed.timeoutMs,
      jobs: parsed.jobs,
      ...(parsed.rollbackTimeout === undefined ? {} : { rollbackTimeout: parsed.rollbackTimeout }),
      // a confdir counts once its migrations ran (its group's commit follows), a router once it is done
      onMigrated: bar ? (_done, _total, dir) => tick(dir) : undefined,
      onProgress: bar ? (_done, _total, r) => (isRouter(r) ? tick(label(r)) : undefined) : undefined,
    });
  } catch (e) {
    process.stderr.write(`${bar ? '\r\x1b[K' : ''}uci-fw4 migrate: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  // the bar is cleared when it reaches the total; a confdir named twice runs once and never does
  if (bar && shown < checked.total) process.stderr.write('\r\x1b[K');
  const failed = results.some((r) => r.status === 'failed' || r.status === 'rolled back');
  if (parsed.json) {
    writeText(1, JSON.stringify({ dryRun: parsed.dryRun, summary: summarize(results), results }, null, 2) + '\n');
    return failed ? 1 : 0;
  }
  const out: string[] = [];
  for (const r of results) {
    if (parsed.dryRun) out.push(dryRunText(r));
    const notes = noteLines(r);
    if (notes.length) out.push(notes.join('\n') + '\n');
  }
  writeText(1, out.join(''));
  writeText(parsed.dryRun ? 2 : 1, table(results, parsed.dryRun));
  return failed ? 1 : 0;
}
