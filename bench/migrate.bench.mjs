// Config migrations: one migration over many generated confdirs (firewall + network each),
// against the same change written as a shell loop of `uci-fw4 uci batch` calls, and the cost
// of applying against the cost of only reading the same files. Imports the compiled code.
//
//   node bench/migrate.bench.mjs        (MIGRATE_BENCH_CONFDIRS, MIGRATE_BENCH_LOOP, MIGRATE_BENCH_RUNS)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Cursor, runMigrations } from '../dist/lib/index.js';
import { median } from './timing.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const N = Number(process.env.MIGRATE_BENCH_CONFDIRS ?? 1000);
const LOOP = Number(process.env.MIGRATE_BENCH_LOOP ?? 50); // the shell loop runs on a subset, scaled to N
const RUNS = Number(process.env.MIGRATE_BENCH_RUNS ?? 3);

const FILES = {
  firewall: readFileSync(join(root, 'examples/config/firewall'), 'utf8'),
  network: readFileSync(join(root, 'examples/config/network'), 'utf8'),
};

const work = mkdtempSync(join(tmpdir(), 'migrate-bench-'));
// One module serves the CLI run (its argument) and the in-process runs (imported).
const moduleFile = join(work, 'migration.mjs');
writeFileSync(moduleFile, `export default [{
  id: 'bench-guest-offload',
  description: 'flow offloading on, a guest interface',
  up(tx) {
    tx.set('firewall', '@defaults[0]', 'flow_offloading', '1');
    tx.set('network', 'guest', undefined, 'interface');
    tx.set('network', 'guest', 'proto', 'static');
    tx.set('network', 'guest', 'ipaddr', '192.168.2.1');
  },
}];
`);
const [migration] = (await import(pathToFileURL(moduleFile).href)).default;
const BATCH = "set firewall.@defaults[0].flow_offloading='1'\nset network.guest=interface\n"
  + "set network.guest.proto='static'\nset network.guest.ipaddr='192.168.2.1'\ncommit\n";

writeFileSync(join(work, 'batch.txt'), BATCH);

let trees = 0;
/**
 * n fresh confdirs, synced to disk. Each run gets a new directory and the trees are removed only
 * at the end: on ext4 without a journal (our CI machines) a file created within a minute of many
 * deletions in its block group scans past every freed inode (ialloc.c, recently_deleted), so
 * removing the previous run's thousands of files right before a timed run would charge the
 * bench's own clean-up to whatever creates files (apply), and not to the read-only pass.
 */
function tree(name, n, base = work) {
  const dir = join(base, `${name}${trees++}`);
  const dirs = [];
  for (let i = 0; i < n; i++) {
    const d = join(dir, `router${i}`);
    mkdirSync(d, { recursive: true });
    for (const [pkg, text] of Object.entries(FILES)) writeFileSync(join(d, pkg), text);
    dirs.push(d);
  }
  spawnSync('sync'); // the generated files are on disk before timing, like a router's configs
  return dirs;
}

/** Wall time and this process's CPU time (user + system, all its threads), in ms. */
async function time(prepare, fn) {
  const input = prepare();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn(input);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/** The median wall time; with `cpu`, the median CPU time beside it (what was not waiting). */
function report(label, times, cpu) {
  const m = median(times);
  const cpuText = cpu ? `  cpu ${(median(cpu) / 1000).toFixed(3)} s` : '';
  console.log(`  ${label.padEnd(58)} median ${(m / 1000).toFixed(3)} s  (runs: ${times.map((t) => (t / 1000).toFixed(2)).join(', ')})${cpuText}`);
  return m;
}

async function measure(label, prepare, fn) {
  const times = [];
  for (let r = 0; r < RUNS; r++) times.push((await time(prepare, fn)).wall);
  return report(label, times);
}

/** The in-process variants, taken in turn within each run, so that a change of load hits them alike. */
async function measureInTurn(variants) {
  const times = variants.map(() => []);
  const cpu = variants.map(() => []);
  for (let r = 0; r < RUNS; r++) {
    for (const [i, v] of variants.entries()) {
      const t = await time(v.prepare, v.fn);
      times[i].push(t.wall);
      cpu[i].push(t.cpu);
    }
  }
  return variants.map((v, i) => report(v.label, times[i], cpu[i]));
}

function check(results, status) {
  const bad = results.filter((r) => r.status !== status);
  if (bad.length) throw new Error(`${bad.length} confdirs ended ${bad[0].status}: ${bad[0].reason ?? ''}`);
}

const applyAll = async (dirs) => check(await runMigrations(dirs, [migration]), 'changed');

/** The baseline: what reading the same files costs (both packages parsed, as the runner does). */
function readOnly(dirs) {
  for (const confdir of dirs) {
    const c = new Cursor({ confdir, savedir: null });
    c.load('firewall');
    c.load('network');
  }
}

console.log(`input: ${N} confdirs, each examples/config/{firewall,network} (${FILES.firewall.length + FILES.network.length} bytes)`);
console.log(`change: firewall.@defaults[0].flow_offloading=1, network.guest interface (proto, ipaddr); ${RUNS} runs each\n`);

const [apply, applyNoSync, dry, read] = await measureInTurn([
  { label: `runMigrations, apply (${N} confdirs, in-process)`, prepare: () => tree('a', N), fn: applyAll },
  { label: `runMigrations, apply, durable: false`, prepare: () => tree('a', N), fn: async (dirs) => check(await runMigrations(dirs, [migration], { durable: false }), 'changed') },
  { label: `runMigrations, dry run (reads, migrates, diffs)`, prepare: () => tree('a', N), fn: async (dirs) => check(await runMigrations(dirs, [migration], { dryRun: true }), 'changed') },
  { label: `read only: Cursor.load(firewall, network) per confdir`, prepare: () => tree('a', N), fn: readOnly },
]);
console.log(`  (load average after the in-process runs: ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);

/**
 * Where the time goes: replacing a file by rename frees the old one's block, and on ext4
 * without a journal mounted with `discard` (this machine kind's /) that waits for the device.
 * Timed here on the bench's file system and on a tmpfs, with the same apply / read-only pair.
 */
function renameCost(base) {
  const dir = mkdtempSync(join(base, 'rename-'));
  const n = 300;
  for (let i = 0; i < n; i++) for (const f of ['old', 'new', 'fresh']) writeFileSync(join(dir, `${f}${i}`), FILES.network);
  spawnSync('sync');
  let t = performance.now();
  for (let i = 0; i < n; i++) renameSync(join(dir, `new${i}`), join(dir, `old${i}`));
  const over = ((performance.now() - t) * 1000) / n;
  t = performance.now();
  for (let i = 0; i < n; i++) renameSync(join(dir, `fresh${i}`), join(dir, `moved${i}`));
  const fresh = ((performance.now() - t) * 1000) / n;
  return `rename over an existing file ${over.toFixed(0)} µs, to a new name ${fresh.toFixed(0)} µs`;
}
console.log(`  ${tmpdir()}: ${renameCost(work)}`);
const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/migrate-bench-') : null;
let shmRatio = null;
if (shm) {
  try {
    console.log(`  /dev/shm (tmpfs): ${renameCost(shm)}`);
    const [shmApply, shmRead] = await measureInTurn([
      { label: `on tmpfs: runMigrations, apply`, prepare: () => tree('a', N, shm), fn: applyAll },
      { label: `on tmpfs: read only`, prepare: () => tree('a', N, shm), fn: readOnly },
    ]);
    shmRatio = shmApply / shmRead;
  } finally {
    rmSync(shm, { recursive: true, force: true });
  }
}
const cli = await measure(`node bin/uci-fw4.js migrate --confdir ×${N} migration.mjs`, () => tree('a', N), (dirs) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/uci-fw4.js'), 'migrate', ...dirs.flatMap((d) => ['--confdir', d]), moduleFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`migrate exited ${r.status}`);
});
const loopSubset = await measure(`sh loop: uci-fw4 uci -c DIR batch < batch.txt, ${LOOP} confdirs`, () => tree('l', LOOP), (dirs) => {
  writeFileSync(join(work, 'dirs.txt'), dirs.join('\n') + '\n');
  const script = `while read -r d; do node "${join(root, 'bin/uci-fw4.js')}" uci -c "$d" -t "${join(work, 'save')}" batch < "${join(work, 'batch.txt')}" || exit 1; done < "${join(work, 'dirs.txt')}"`;
  const r = spawnSync('sh', ['-c', script], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`loop exited ${r.status}`);
});
const loop = (loopSubset * N) / LOOP;

console.log('');
console.log(`  shell loop scaled to ${N} confdirs (×${N / LOOP}): ${(loop / 1000).toFixed(1)} s`);
console.log(`  ratio loop / runner (CLI, one process):   ${(loop / cli).toFixed(1)}×  (target ≥ 20×)`);
console.log(`  ratio loop / runner (in-process):         ${(loop / apply).toFixed(1)}×`);
console.log(`  ratio apply / read only:                  ${(apply / read).toFixed(2)}×  (target ≤ 3×)`);
console.log(`  ratio apply (durable: false) / read only: ${(applyNoSync / read).toFixed(2)}×`);
if (shmRatio !== null) console.log(`  ratio apply / read only on tmpfs:         ${shmRatio.toFixed(2)}×  (the same code without the disk's block discards)`);
console.log(`  ratio apply / dry run:                    ${(apply / dry).toFixed(2)}×`);
console.log(`  load average: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
rmSync(work, { recursive: true, force: true });
