// What `uci-fw4 migrate` prints about a run: the progress bar, the dry run's changes and diffs,
// the notes, the summary table and the --json document, for confdirs and routers alike.
import type { MigrationNote, RunResult, TargetResult } from '../lib/migrate/index.js';

export type Status = RunResult['status'];

export const isRouter = (r: RunResult): r is TargetResult => 'url' in r;

/** What the table and the notes call a result: a confdir's path, a router's name or URL. */
export const label = (r: RunResult): string => (isRouter(r) ? r.target : r.confdir);

function where(n: MigrationNote): string {
  const parts = [n.package ? `${n.package}${n.line ? `:${n.line}` : ''}` : '', n.section ?? '', n.option ?? ''].filter(Boolean);
  return parts.length ? `${parts.join(' ')}: ` : '';
}

export function noteLines(r: RunResult): string[] {
  return r.notes.map((n) => `# ${label(r)}: [${n.migration}] ${where(n)}${n.message}`);
}

/**
 * A dry run's output for one result: a confdir's diffs (a patch: `patch -p1 -d CONFDIR`), a
 * router's `uci changes` (what would be sent and checked) and then the diff of its `uci export`.
 */
export function dryRunText(r: RunResult): string {
  if (r.files.length === 0) return '';
  if (!isRouter(r)) return [`# ${r.confdir}\n`, ...r.files.map((f) => f.diff ?? '')].join('');
  const head = r.target === r.url ? r.url : `${r.target} (${r.url})`;
  const changes = r.files.flatMap((f) => f.changes);
  return [`# ${head}: uci changes\n`, ...changes.map((c) => `${c}\n`), `# ${head}: uci export, before and after\n`, ...r.files.map((f) => f.diff ?? '')].join('');
}

export type Summary = Record<Status, number>;

export function summarize(results: readonly RunResult[]): Summary {
  const summary: Summary = { changed: 0, unchanged: 0, failed: 0, 'rolled back': 0 };
  for (const r of results) summary[r.status]++;
  return summary;
}

function reason(r: RunResult): string {
  if (r.reason) return r.reason;
  return !isRouter(r) && r.recovery !== 'clean' ? `interrupted commit ${r.recovery}` : '';
}

/** The summary table: one row per confdir and router, then the counts. */
export function table(results: readonly RunResult[], dryRun: boolean): string {
  const routers = results.some(isRouter);
  const rows = results.map((r) => [
    label(r),
    r.status,
    String(r.files.length),
    r.applied.length ? r.applied.join(',') : r.status === 'failed' ? '-' : '(none new)',
    reason(r),
  ]);
  const head = [routers ? 'TARGET' : 'CONFDIR', 'STATUS', 'FILES', dryRun ? 'WOULD APPLY' : 'APPLIED', 'REASON'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const n = summarize(results);
  const what = routers ? 'target' : 'confdir';
  const rolledBack = routers ? `, ${n['rolled back']} rolled back` : '';
  return [line(head), ...rows.map(line),
    `${results.length} ${what}${results.length === 1 ? '' : 's'}: ${n.changed} changed, ${n.unchanged} unchanged, ${n.failed} failed${rolledBack}${dryRun ? ' (dry run, nothing written)' : ''}`,
  ].join('\n') + '\n';
}

/** The progress bar on a terminal's stderr: `[####......] 12/40 gw7`. */
export function progress(done: number, total: number, what: string): void {
  const width = 30;
  const filled = Math.round((Math.min(done, total) / total) * width);
  const text = what.length > 40 ? `…${what.slice(-39)}` : what;
  process.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${text}`);
  if (done >= total) process.stderr.write('\r\x1b[K');
}
