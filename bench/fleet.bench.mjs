// Fleet migrations over JSON-RPC (issue 17): N routers' servers in this process on loopback
// ports (bench/fleet-servers.mjs), one change made on every one of them, as a shell loop of curl
// calls per router (login, uci set, uci apply {rollback: true}, uci confirm) and as one
// `uci-fw4 migrate --targets FILE` run at --jobs 1, 32 and 128: routers per second, the client's
// peak RSS, and the ratio against the loop. Then a 10,000-line target list for bounded memory.
// The servers and the clients share this machine's cores: the wall times include the servers'
// work, which on a real fleet each router does on its own CPU, so the CPU time of each side is
// printed too.
//
//   node bench/fleet.bench.mjs      (npm run bench -- fleet; FLEET_BENCH_ROUTERS, FLEET_BENCH_LOOP,
//                                    FLEET_BENCH_LIST)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Each router writes its own files (apply, rollback snapshot) off its event loop on its own
// threads; here a thousand servers share one process, whose libuv pool has 4 threads unless told
// otherwise before it starts: with 4, the servers' file writes queue behind each other
// (200 routers at --jobs 32: 16.0 s with 4 threads, 9.7 s with 64).
if (process.env.UV_THREADPOOL_SIZE === undefined) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, UV_THREADPOOL_SIZE: '64' } });
  process.exit(r.status ?? 1);
}
const { FLEET_PASSWORD, FLEET_USER, openFds, startFleet } = await import('./fleet-servers.mjs');
const { memory } = await import('./timing.mjs');

const N = Number(process.env.FLEET_BENCH_ROUTERS ?? 1000);
const LOOP = Math.min(N, Number(process.env.FLEET_BENCH_LOOP ?? 100)); // the curl loop runs on a subset, scaled to N
const BIG = Number(process.env.FLEET_BENCH_LIST ?? 10_000);

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'fleet-bench-run-'));
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const cpuSeconds = (c) => (c.user + c.system) / 1e6;

/**
 * Runs a command without blocking this process (the servers live here). Resolves with the wall
 * time (ms), the command's peak RSS (MiB) and CPU seconds with its children's (GNU time), the
 * servers' CPU seconds meanwhile, and its stdout.
 */
function run(argv, options = {}) {
  const timeFile = join(work, 'time.txt');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, ...argv], { stdio: ['ignore', options.stdout ? 'pipe' : 'ignore', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const wall = performance.now() - t0;
      const servers = cpuSeconds(process.cpuUsage(c0));
      if (code !== 0 && !options.allowFailure) return reject(new Error(`${argv.join(' ')} exited ${code}`));
      const [kb, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      resolve({ wall, peakMiB: kb / 1024, cpu: user + sys, servers, code, out });
    });
  });
}

const ms = (seconds, n) => `${((seconds * 1000) / n).toFixed(1)} ms`;

// ---- the servers
const before = { ...memory(), fds: openFds() };
const t = performance.now();
const fleet = await startFleet(N);
const startMs = performance.now() - t;
const after = { ...memory(), fds: openFds() };
console.log(`servers: ${N} in this process on 127.0.0.1, each its own confdir (examples/config firewall + network), savedir and user`);
console.log(`  started in ${(startMs / 1000).toFixed(2)} s; RSS ${before.rss.toFixed(0)} → ${after.rss.toFixed(0)} MiB (${(((after.rss - before.rss) * 1024) / N).toFixed(0)} KiB per server); open fds ${before.fds} → ${after.fds}`);

// ---- the baseline: a shell loop of curl calls per router
const CHANGE = { config: 'firewall', section: '@defaults[0]', values: { flow_offloading: '1' } };
const ANON = '00000000000000000000000000000000';
const json = (v) => JSON.stringify(v);
// One ubus call per curl; each step checks the reply's status as a careful script would (grep and
// sed, not jq: no extra interpreter start-up per call).
const script = `
set -e
call() { curl -sS -d "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":1,\\"method\\":\\"call\\",\\"params\\":[\\"$2\\",\\"$3\\",\\"$4\\",$5]}" "$1"; }
ok() { grep -q '"result":\\[0' || { echo "$1 failed at $url" >&2; exit 1; }; }
while read -r url; do
  sid=$(call "$url" ${ANON} session login '${json({ username: FLEET_USER, password: FLEET_PASSWORD })}' | sed -n 's/.*"ubus_rpc_session":"\\([0-9a-f]*\\)".*/\\1/p')
  [ -n "$sid" ] || { echo "login failed at $url" >&2; exit 1; }
  call "$url" "$sid" uci set '${json(CHANGE)}' | ok set
  call "$url" "$sid" uci apply '${json({ rollback: true, timeout: 30 })}' | ok apply
  call "$url" "$sid" uci confirm '{}' | ok confirm
done < "$1"
`;
writeFileSync(join(work, 'loop.sh'), script);
writeFileSync(join(work, 'loop-urls.txt'), fleet.urls.slice(0, LOOP).join('\n') + '\n');

const changedRouters = (n) => fleet.confdirs.slice(0, n).filter((d) => /option flow_offloading '1'/.test(readFileSync(join(d, 'firewall'), 'utf8'))).length;

fleet.reset();
const loop = await run(['sh', join(work, 'loop.sh'), join(work, 'loop-urls.txt')]);
if (changedRouters(LOOP) !== LOOP) throw new Error(`the curl loop changed ${changedRouters(LOOP)} of ${LOOP} routers`);
const loopPerRouter = loop.wall / LOOP;
console.log(`\nchange: firewall.@defaults[0].flow_offloading=1, applied with rollback and confirmed; load average ${load()}`);
console.log(`  sh loop of curl (login, uci set, uci apply {rollback: true}, uci confirm), ${LOOP} routers: ${(loop.wall / 1000).toFixed(2)} s, ${(1000 / loopPerRouter).toFixed(1)} routers/s; CPU per router: client (sh, curl, sed, grep) ${ms(loop.cpu, LOOP)}, servers ${ms(loop.servers, LOOP)}`);
console.log(`  scaled to ${N} routers: ${((loopPerRouter * N) / 1000).toFixed(1)} s`);

// ---- the migration through the CLI, over every router
const cli = join(root, 'bin/uci-fw4.js');
writeFileSync(join(work, 'migration.mjs'), `export default {
  id: 'bench-flow-offloading',
  description: 'flow offloading on',
  packages: ['firewall'],
  up(tx) { tx.set('firewall', '@defaults[0]', 'flow_offloading', '1'); },
};
`);
writeFileSync(join(work, 'password'), `${FLEET_PASSWORD}\n`);
writeFileSync(join(work, 'targets.txt'), fleet.urls.map((u, i) => `${u} ${FLEET_USER} r${i}`).join('\n') + '\n');
const migrateArgs = (file, jobs) => [process.execPath, cli, 'migrate', '--targets', file, '--password-file', join(work, 'password'), '--jobs', String(jobs), join(work, 'migration.mjs')];
/** The table's last line: `1000 targets: 1000 changed, 0 unchanged, 0 failed, 0 rolled back`. */
function summaryOf(out) {
  const m = /(\d+) changed, (\d+) unchanged, (\d+) failed, (\d+) rolled back\n$/.exec(out);
  if (!m) throw new Error(`no summary in the output: ${out.slice(-300)}`);
  return { changed: Number(m[1]), unchanged: Number(m[2]), failed: Number(m[3]), 'rolled back': Number(m[4]) };
}

const figures = new Map();
for (const jobs of [1, 32, 128]) {
  fleet.reset();
  const r = await run(migrateArgs(join(work, 'targets.txt'), jobs), { stdout: true, allowFailure: true });
  const summary = summaryOf(r.out);
  if (summary.changed !== N || changedRouters(N) !== N) throw new Error(`--jobs ${jobs}: ${JSON.stringify(summary)}`);
  figures.set(jobs, r);
  console.log(`  uci-fw4 migrate --targets (${N} routers) --jobs ${String(jobs).padEnd(3)}: ${(r.wall / 1000).toFixed(2)} s, ${((N * 1000) / r.wall).toFixed(1)} routers/s, ${((loopPerRouter * N) / r.wall).toFixed(1)}× the curl loop${jobs === 32 ? ' (target ≥ 20×)' : ''}; client peak RSS ${r.peakMiB.toFixed(0)} MiB; CPU per router: client ${ms(r.cpu, N)}, servers ${ms(r.servers, N)}`);
}
const j32 = figures.get(32);
console.log(`  CPU per router, client side only: curl loop ${ms(loop.cpu, LOOP)}, migrate --jobs 32 ${ms(j32.cpu, N)}: ${(loop.cpu / LOOP / (j32.cpu / N)).toFixed(1)}× (what decides the rate when each router works on its own CPU)`);
// The client and the thousand servers share this machine's cores: no schedule takes less wall
// time per router than their CPU time together spread over every core.
const cores = availableParallelism();
const floor = (j32.cpu + j32.servers) / N / cores;
console.log(`  bound on this machine: at --jobs 32 the client and the servers took ${ms(j32.cpu + j32.servers, N)} of CPU per router together; over ${cores} cores no run takes less than ${(floor * 1000).toFixed(2)} ms per router, ${(loopPerRouter / (floor * 1000)).toFixed(1)}× the loop at most (measured: ${((loopPerRouter * N) / j32.wall).toFixed(1)}×)`);

// ---- a 10,000-line target list: the routers above, then addresses that refuse the connection at
// once (distinct loopback addresses, port 9, where nothing listens). The list is read as a stream
// and at most --jobs routers are in flight, so the client's peak RSS should stay near that of the
// run over the routers alone.
const refused = Array.from({ length: BIG - N }, (_, i) => `http://127.${1 + Math.floor(i / 62_500)}.${(Math.floor(i / 250) % 250) + 1}.${(i % 250) + 2}:9/ubus ${FLEET_USER} x${i}`);
writeFileSync(join(work, 'big.txt'), [...fleet.urls.map((u, i) => `${u} ${FLEET_USER} r${i}`), ...refused].join('\n') + '\n');
fleet.reset();
const big = await run(migrateArgs(join(work, 'big.txt'), 32), { stdout: true, allowFailure: true });
console.log(`\n  a ${BIG}-line target list (the ${N} routers, then ${BIG - N} addresses refusing the connection), --jobs 32: ${(big.wall / 1000).toFixed(2)} s, client peak RSS ${big.peakMiB.toFixed(0)} MiB (the ${N} routers alone: ${j32.peakMiB.toFixed(0)} MiB); ${JSON.stringify(summaryOf(big.out))}`);

console.log(`\n  servers' RSS now ${memory().rss.toFixed(0)} MiB (peak ${memory().peak.toFixed(0)}), open fds ${openFds()}; load average ${load()}`);
await fleet.close();
rmSync(work, { recursive: true, force: true });
