// Ends a run with one plain line, `Tests: N passed, N failed, N skipped`, which CI reads
// as the run's count (vitest's own summary is coloured and laid out for people).
import type { Reporter } from 'vitest/reporters';

type Task = { type: string; mode?: string; result?: { state?: string }; tasks?: Task[] };

function count(tasks: Task[], totals: { passed: number; failed: number; skipped: number }): void {
  for (const t of tasks) {
    if (t.tasks) count(t.tasks, totals);
    if (t.type !== 'test') continue;
    const state = t.result?.state;
    if (state === 'pass') totals.passed++;
    else if (state === 'fail') totals.failed++;
    else totals.skipped++;
  }
}

export default class SummaryReporter implements Reporter {
  onFinished(files: unknown[] = [], errors: unknown[] = []): void {
    const totals = { passed: 0, failed: 0, skipped: 0 };
    for (const file of files as Task[]) {
      const before = totals.failed;
      count([file], totals);
      // a file that failed to load has no failed test to count: it counts as one
      if (file.result?.state === 'fail' && totals.failed === before) totals.failed++;
    }
    const failed = totals.failed + (errors.length > 0 && totals.failed === 0 ? errors.length : 0);
    process.stdout.write(`\nTests: ${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped\n`);
  }
}
