// fw4 translation speed on ../shared/fw4-bench (rules-10/100/1000/5000), in-process and through
// `uci-fw4 fw4 print` end to end, against real fw4 (ucode) on this machine kind
// (../shared/fw4-bench/README.md: 0.04 / 0.13 / 2.34 / 47.3 s; fw4 is quadratic).
// Targets (issue 11): rules-1000 end to end at least 8× faster than fw4's 2.34 s; rules-5000
// at most 5× rules-1000.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envWithoutExtraCerts, loadAverage, median, nodeStartup, time } from './timing.mjs';

const NO_CERTS = envWithoutExtraCerts();

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, '../shared/fw4-bench');
const FW4 = { 10: 0.04, 100: 0.13, 1000: 2.34, 5000: 47.3 };
const RUNS = 7;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

if (!existsSync(benchDir)) {
  console.log(`skipped: ${benchDir} not found (needs ../shared)`);
  process.exit(0);
}
const { translateFirewall, defaultHelpers, SnapshotView, readMocksDir } = await import(join(root, 'dist/lib/fw4/index.js'));
const { parseDocument } = await import(join(root, 'dist/lib/uci/index.js'));


const loadBefore = loadAverage();
const rows = [];
for (const n of [10, 100, 1000, 5000]) {
  const dir = join(benchDir, `rules-${n}`);
  const expected = readFileSync(join(dir, 'expected.nft'), 'utf8');
  const inproc = [];
  for (let i = 0; i < RUNS; i++) {
    let text = '';
    inproc.push(time(() => {
      const firewall = parseDocument(readFileSync(join(dir, 'config/firewall'), 'utf8'), { name: 'firewall', trivia: false }).toPackage();
      const system = new SnapshotView(readMocksDir(join(dir, 'mocks')));
      text = translateFirewall({ firewall, helpers: defaultHelpers(), system }).text;
    }));
    if (text !== expected) throw new Error(`rules-${n}: in-process output differs from expected.nft`);
  }
  const args = [join(root, 'bin/uci-fw4.js'), 'fw4', 'print', '--confdir', join(dir, 'config'), '--snapshot', join(dir, 'mocks')];
  const e2e = [];
  const e2eCpu = [];
  const e2eNoCerts = [];
  for (let i = 0; i < RUNS; i++) {
    let out;
    e2e.push(time(() => (out = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 }))));
    if (out.status !== 0 || out.stdout !== expected) throw new Error(`rules-${n}: CLI output differs from expected.nft`);
    if (NO_CERTS) e2eNoCerts.push(time(() => spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28, env: NO_CERTS })));
    // CPU time of the child (user + system): steadier than wall time on a shared machine
    if (TIME) {
      const t = spawnSync(TIME, ['-f', '%U %S', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
      const [u, sys] = t.stderr.trim().split('\n').pop().split(' ').map(Number);
      e2eCpu.push(u + sys);
    }
  }
  rows.push({ n, inproc: median(inproc), e2e: median(e2e), e2eCpu: e2eCpu.length ? median(e2eCpu) : NaN, e2eNoCerts: NO_CERTS ? median(e2eNoCerts) : NaN });
}
const startup = nodeStartup(RUNS);
const startupNoCerts = NO_CERTS ? nodeStartup(RUNS, NO_CERTS) : NaN;

console.log(`input: ../shared/fw4-bench/rules-N (config/firewall, mocks/); median of ${RUNS} runs each, output checked against expected.nft`);
console.log('in-process: parseDocument without trivia (as fw4 print reads its config) + translateFirewall (load, compile, render), files read each run, warm');
console.log('end to end: node bin/uci-fw4.js fw4 print --confdir rules-N/config --snapshot rules-N/mocks (the esbuild bundle in dist/bundle)');
console.log('');
console.log('rules    in-process    end to end   (CPU user+sys)    fw4 (ucode)    vs fw4    end to end without NODE_EXTRA_CA_CERTS');
for (const r of rows) {
  console.log(`${String(r.n).padStart(5)} ${(r.inproc * 1000).toFixed(1).padStart(10)} ms ${(r.e2e * 1000).toFixed(1).padStart(10)} ms ${(r.e2eCpu * 1000).toFixed(0).padStart(10)} ms ${FW4[r.n].toFixed(2).padStart(14)} s ${(FW4[r.n] / r.e2e).toFixed(1).padStart(8)}× faster` +
    (NO_CERTS ? `   ${(r.e2eNoCerts * 1000).toFixed(1).padStart(8)} ms` : ''));
}
const r1000 = rows.find((r) => r.n === 1000);
const r5000 = rows.find((r) => r.n === 5000);
console.log(`\nrules-1000 end to end: ${(r1000.e2e * 1000).toFixed(1)} ms, ${(FW4[1000] / r1000.e2e).toFixed(1)}× faster than fw4 (target ≥ 8×: ${FW4[1000] / r1000.e2e >= 8 ? 'met' : 'NOT met'})`);
console.log(`rules-5000 / rules-1000 end to end: ${(r5000.e2e / r1000.e2e).toFixed(2)}× (target ≤ 5×: ${r5000.e2e <= 5 * r1000.e2e ? 'met' : 'NOT met'}); in-process ${(r5000.inproc / r1000.inproc).toFixed(2)}×`);
console.log(`node start-up alone (node -e 0): ${(startup * 1000).toFixed(1)} ms median (a loaded machine shows here first)` +
  (NO_CERTS ? `; ${(startupNoCerts * 1000).toFixed(1)} ms without NODE_EXTRA_CA_CERTS` : ''));
if (NO_CERTS) console.log(`rules-1000 end to end without NODE_EXTRA_CA_CERTS: ${(r1000.e2eNoCerts * 1000).toFixed(1)} ms`);
console.log(`load average before: ${loadBefore}; after: ${loadAverage()}`);
