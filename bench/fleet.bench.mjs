// Fleet migrations over JSON-RPC (issue 17): N routers' servers in this process on loopback
// ports (bench/fleet-servers.mjs), one change made on every one of them, as a shell loop of curl
// calls per router (login, uci set, uci apply {rollback: true}, uci confirm) and as one
// `uci-fw4 migrate --targets FILE` run at --jobs 1, 32 and 128: routers per second, the client's
// peak RSS, and the ratio against the loop. Then a 10,000-line target list for bounded memory.
// The servers and the clients share this machine's cores: every figure includes the servers'
// work, which on a real fleet each router does on its own CPU.
//
//   node bench/fleet.bench.mjs      (npm run bench -- fleet; FLEET_BENCH_ROUTERS, FLEET_BENCH_LOOP)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLEET_PASSWORD, FLEET_USER, memory, openFds, startFleet } from './fleet-servers.mjs';

const N = Number(process.env.FLEET_BENCH_ROUTERS ?? 1000);
const LOOP = Math.min(N, Number(process.env.FLEET_BENCH_LOOP ?? 100)); // the curl loop runs on a subset, scaled to N

const work = mkdtempSync(join(tmpdir(), 'fleet-bench-run-'));
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** Runs a command (not blocking this process: the servers live here); resolves with wall ms and the child's peak RSS (MiB, GNU time). */
function run(argv, options = {}) {
  const rssFile = join(work, 'rss.txt');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', rssFile, ...argv], { stdio: ['ignore', options.stdout ?? 'ignore', 'inherit'], env: options.env ?? process.env });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      const wall = performance.now() - t0;
      if (code !== 0 && !options.allowFailure) return reject(new Error(`${argv.join(' ')} exited ${code}`));
      const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
      resolve({ wall, peakMiB: kb / 1024, code, out });
    });
  });
}

// ---- the servers
const before = { ...memory(), fds: openFds() };
let t = performance.now();
const fleet = await startFleet(N);
const startMs = performance.now() - t;
const after = { ...memory(), fds: openFds() };
console.log(`servers: ${N} in this process on 127.0.0.1, each its own confdir (examples/config firewall + network) and an rpcd login with a $1$ password`);
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

fleet.reset();
const loop = await run(['sh', join(work, 'loop.sh'), join(work, 'loop-urls.txt')]);
const changed = fleet.confdirs.slice(0, LOOP).filter((d) => /option flow_offloading '1'/.test(readFileSync(join(d, 'firewall'), 'utf8'))).length;
if (changed !== LOOP) throw new Error(`the curl loop changed ${changed} of ${LOOP} routers`);
const loopPerRouter = loop.wall / LOOP;
console.log(`\nchange: firewall.@defaults[0].flow_offloading=1, applied with rollback and confirmed`);
console.log(`  sh loop of curl (login, uci set, uci apply {rollback: true}, uci confirm), ${LOOP} routers: ${(loop.wall / 1000).toFixed(2)} s, ${(1000 / loopPerRouter).toFixed(1)} routers/s`);
console.log(`  scaled to ${N} routers: ${((loopPerRouter * N) / 1000).toFixed(1)} s`);

console.log(`\n  servers' RSS now ${memory().rss.toFixed(0)} MiB (peak ${memory().peak.toFixed(0)}), open fds ${openFds()}; load average ${load()}`);
await fleet.close();
rmSync(work, { recursive: true, force: true });
