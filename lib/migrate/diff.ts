// Unified diff in the format of `diff -u` (GNU diffutils): 3 lines of context, hunks closer
// than twice the context merged, `\ No newline at end of file` markers, and file headers
// `--- a/<name>` / `+++ b/<name>` so that `patch -p1` applies the output inside a confdir.
// Kept rather than jsdiff (`diff` 9.0.0), which gives the same bytes on the GNU cases of
// test/migrate/diff.test.ts but took 0.68-0.89 ms against 0.29-0.30 ms here for a router's
// firewall with one change, and 58-70 ms against 41-42 ms for fw4-bench rules-1000's 9260
// lines with every 97th changed (2026-12-07, same run, loaded machine): a dry run over 1000
// routers diffs two files each.

const CONTEXT = 3;

type Op = 'equal' | 'delete' | 'insert';
interface Edit { op: Op; a: number; b: number } // a, b: line indexes in old / new

/** Lines with their terminating newline, so that a last line without one differs from a line with one. */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Myers' greedy O(ND) shortest edit script over interned lines. */
function editScript(a: number[], b: number[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[offset + k] = x;
      if (x >= n && y >= m) { found = true; break; }
    }
  }
  // Walk back through the saved frontiers to recover the path.
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) { x--; y--; edits.push({ op: 'equal', a: x, b: y }); }
    if (d > 0) {
      if (down) { y--; edits.push({ op: 'insert', a: x, b: y }); }
      else { x--; edits.push({ op: 'delete', a: x, b: y }); }
    }
  }
  edits.reverse();
  return deletionsFirst(edits);
}

/** Within each run of changes, list every deleted line before the inserted ones, as diff does. */
function deletionsFirst(edits: Edit[]): Edit[] {
  const out: Edit[] = [];
  let i = 0;
  while (i < edits.length) {
    if (edits[i]!.op === 'equal') { out.push(edits[i++]!); continue; }
    const run: Edit[] = [];
    while (i < edits.length && edits[i]!.op !== 'equal') run.push(edits[i++]!);
    out.push(...run.filter((e) => e.op === 'delete'), ...run.filter((e) => e.op === 'insert'));
  }
  return out;
}

function range(start: number, count: number): string {
  // diff prints an empty range as the line before it, and omits a count of 1.
  if (count === 0) return `${start},0`;
  return count === 1 ? `${start + 1}` : `${start + 1},${count}`;
}

function emit(out: string[], mark: string, line: string): void {
  if (line.endsWith('\n')) out.push(mark + line);
  else out.push(mark + line + '\n\\ No newline at end of file\n');
}

/**
 * The unified diff from `oldText` to `newText` for the file `name`, or '' when they are equal.
 * `oldText` null means the file does not exist yet (header `--- /dev/null`).
 */
export function unifiedDiff(name: string, oldText: string | null, newText: string): string {
  if (oldText === newText) return '';
  const oldLines = splitLines(oldText ?? '');
  const newLines = splitLines(newText);
  const ids = new Map<string, number>();
  const intern = (l: string): number => {
    let id = ids.get(l);
    if (id === undefined) { id = ids.size; ids.set(l, id); }
    return id;
  };
  const edits = editScript(oldLines.map(intern), newLines.map(intern));
  const changed = edits.map((e, i) => (e.op === 'equal' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return '';

  const out = [`--- ${oldText === null ? '/dev/null' : `a/${name}`}\n`, `+++ b/${name}\n`];
  let h = 0;
  while (h < changed.length) {
    // Extend the hunk while the next change is within 2 * CONTEXT equal lines of the last one.
    let last = h;
    while (last + 1 < changed.length && changed[last + 1]! - changed[last]! - 1 <= 2 * CONTEXT) last++;
    const from = Math.max(0, changed[h]! - CONTEXT);
    const to = Math.min(edits.length - 1, changed[last]! + CONTEXT);
    const hunk = edits.slice(from, to + 1);
    const olds = hunk.filter((e) => e.op !== 'insert');
    const news = hunk.filter((e) => e.op !== 'delete');
    // An empty side is located by the position of the other side's first edit.
    const oldStart = olds.length ? olds[0]!.a : hunk[0]!.a;
    const newStart = news.length ? news[0]!.b : hunk[0]!.b;
    out.push(`@@ -${range(oldStart, olds.length)} +${range(newStart, news.length)} @@\n`);
    for (const e of hunk) {
      if (e.op === 'equal') emit(out, ' ', oldLines[e.a]!);
      else if (e.op === 'delete') emit(out, '-', oldLines[e.a]!);
      else emit(out, '+', newLines[e.b]!);
    }
    h = last + 1;
  }
  return out.join('');
}
