// Offload report cost on ../shared/fw4-bench (rules-10/100/1000/5000) with flow offloading
// switched on: the report on an already compiled firewall, against the baseline of compiling it
// (load + compile, what `fw4 offload` must do anyway). Target: the report under the compile time.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, time } from './timing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, '../shared/fw4-bench');
const RUNS = 7;

if (!existsSync(benchDir)) {
  console.log(`skipped: ${benchDir} not found (needs ../shared)`);
  process.exit(0);
}
const { compileFirewall, offloadReport, defaultHelpers, SnapshotView, readMocksDir } = await import(join(root, 'dist/lib/fw4/index.js'));
const { parseDocument } = await import(join(root, 'dist/lib/uci/index.js'));


const rows = [];
for (const n of [10, 100, 1000, 5000]) {
  const dir = join(benchDir, `rules-${n}`);
  const text = readFileSync(join(dir, 'config/firewall'), 'utf8').replace('config defaults\n', "config defaults\n\toption flow_offloading '1'\n");
  const firewall = parseDocument(text, { name: 'firewall' }).toPackage();
  const system = new SnapshotView(readMocksDir(join(dir, 'mocks')));
  const input = { firewall, helpers: defaultHelpers(), system };
  const compile = [];
  const report = [];
  let findings = 0;
  for (let i = 0; i < RUNS; i++) {
    let compiled;
    compile.push(time(() => (compiled = compileFirewall(input))));
    report.push(time(() => (findings = offloadReport(compiled, system).findings.length)));
  }
  rows.push({ n, compile: median(compile), report: median(report), findings });
}

console.log(`input: ../shared/fw4-bench/rules-N/config/firewall with option flow_offloading '1' added, rules-N/mocks; median of ${RUNS} runs`);
console.log('baseline: compileFirewall (load + compile); measured: offloadReport on its result');
console.log('');
console.log('rules    compile      report    report/compile   findings');
for (const r of rows) {
  console.log(`${String(r.n).padStart(5)} ${(r.compile * 1000).toFixed(1).padStart(9)} ms ${(r.report * 1000).toFixed(1).padStart(8)} ms ${(r.report / r.compile).toFixed(2).padStart(12)}× ${String(r.findings).padStart(10)}`);
}
const worst = Math.max(...rows.map((r) => r.report / r.compile));
console.log(`\nworst report/compile ratio: ${worst.toFixed(2)}× (target < 1×: ${worst < 1 ? 'met' : 'NOT met'})`);
