// One load of luci-app-firewall's zones page (view/firewall/zones.js), as LuCI's rpc.js sends it
// to `uci-fw4 serve`: five batches, each sent when the one before has answered, 15 calls in all.
// Recorded in chromium from LuCI's own files (openwrt/luci daf2e0b) against the server:
//   1. uci.get luci, uci.changes                     (luci.js start-up, ui.changes)
//   2. luci.getConntrackHelpers, uci.get firewall    (zones.js load(): callConntrackHelpers, firewall.getDefaults)
//   3. uci.changes, session.access, uci.changes      (form.Map render: write access, change counter)
//   4. network.interface dump, luci-rpc getBoardJSON, getNetworkDevices, getWirelessDevices,
//      getHostHints, network get_proto_handlers, uci.get network   (network.js initNetworkState)
//   5. uci.changes
// Ceiling: the same five batches with every call a `uci get firewall` (the cached read the rpc
// bench measures). p50/p99 of whole page loads at 1 and 16 concurrent page loads, each load on
// its own session; the server runs in a child process, as `uci-fw4 serve` would.
//   node bench/luci.bench.mjs        (npm run bench -- luci; builds first)
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage, median } from './timing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DURATION_MS = 3000;
const WARMUP_MS = 2000;
const RUNS = 5;
const CONCURRENCY = [1, 16];

/** Child mode: serve the example confdir (plus `luci` and `dhcp` packages) and the example snapshot. */
async function child(confdir) {
  const { RpcApp } = await import(join(root, 'dist/rpc/app.js'));
  const { rpcObjects } = await import(join(root, 'dist/rpc/objects/index.js'));
  const { parseSettings } = await import(join(root, 'dist/rpc/settings.js'));
  const { batchedLog } = await import(join(root, 'dist/rpc/log.js'));
  const ini = readFileSync(join(root, 'examples/server.ini'), 'utf8').replace(/^confdir = .*$/m, `confdir = ${confdir}`);
  const app = new RpcApp(parseSettings(ini, join(root, 'examples/server.ini')), rpcObjects, { log: batchedLog((t) => process.stderr.write(t)).sink });
  const server = (await app.listen('127.0.0.1', 0)).server;
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(0));
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
}

function startChild(confdir) {
  // the request log goes to /dev/null: written as in production, not read
  const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), 'child', confdir], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ url: `http://127.0.0.1:${JSON.parse(out.slice(0, nl)).port}/ubus`, stop: () => proc.kill() });
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

const call = (sid, object, method, args = {}) => [sid, object, method, args];
const zonesPage = (sid) => [
  [call(sid, 'uci', 'get', { config: 'luci' }), call(sid, 'uci', 'changes')],
  [call(sid, 'luci', 'getConntrackHelpers'), call(sid, 'uci', 'get', { config: 'firewall' })],
  [call(sid, 'uci', 'changes'), call(sid, 'session', 'access', { scope: 'uci', object: 'firewall', function: 'write' }), call(sid, 'uci', 'changes')],
  [
    call(sid, 'network.interface', 'dump'), call(sid, 'luci-rpc', 'getBoardJSON'), call(sid, 'luci-rpc', 'getNetworkDevices'),
    call(sid, 'luci-rpc', 'getWirelessDevices'), call(sid, 'luci-rpc', 'getHostHints'), call(sid, 'network', 'get_proto_handlers'),
    call(sid, 'uci', 'get', { config: 'network' }),
  ],
  [call(sid, 'uci', 'changes')],
];
/** The ceiling: the same batch sizes, every call the cached `uci get firewall`. */
const ugetPage = (sid) => zonesPage(sid).map((batch) => batch.map(() => call(sid, 'uci', 'get', { config: 'firewall' })));

/** The batches as JSON-RPC bodies, serialized once. */
const bodies = (page) => page.map((batch) => JSON.stringify(batch.map((params, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'call', params }))));

async function post(url, body) {
  const res = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
  return res.text();
}

/** One page load: its batches one after the other; every call must answer status 0. */
async function loadPage(url, batches) {
  for (const body of batches) {
    const replies = JSON.parse(await post(url, body));
    for (const r of replies) if (r.error || r.result[0] !== 0) throw new Error(`call failed: ${JSON.stringify(r).slice(0, 200)}`);
  }
}

/** `c` clients, each loading pages back to back for `ms`; the time of every page load. */
async function run(url, pages, c, ms) {
  const times = [];
  const end = performance.now() + ms;
  await Promise.all(pages.slice(0, c).map(async (batches) => {
    while (performance.now() < end) {
      const t = performance.now();
      await loadPage(url, batches);
      times.push(performance.now() - t);
    }
  }));
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)];
  return { pagesPerS: times.length / (ms / 1000), p50: q(0.5), p99: q(0.99) };
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'uci-fw4-luci-bench-'));
  const confdir = join(scratch, 'config');
  cpSync(join(root, 'examples/config'), confdir, { recursive: true });
  writeFileSync(join(confdir, 'luci'), "config core 'main'\n\toption lang 'auto'\n\toption mediaurlbase '/luci-static/bootstrap'\n\toption resourcebase '/luci-static/resources'\n");
  writeFileSync(join(confdir, 'dhcp'), "config dnsmasq\n\toption domainneeded '1'\n\nconfig host\n\toption name 'printer'\n\toption mac '00:11:22:33:44:55'\n");
  const server = await startChild(confdir);
  try {
    const sids = [];
    for (let i = 0; i < Math.max(...CONCURRENCY); i++) {
      const login = JSON.parse(await post(server.url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: ['0'.repeat(32), 'session', 'login', { username: 'root', password: 'uci-fw4-demo' }] })));
      sids.push(login.result[1].ubus_rpc_session);
    }
    const kinds = { 'zones page': sids.map((s) => bodies(zonesPage(s))), 'uci get only': sids.map((s) => bodies(ugetPage(s))) };
    const bytes = (await Promise.all(kinds['zones page'][0].map((b) => post(server.url, b)))).reduce((n, t) => n + Buffer.byteLength(t), 0);
    console.log(`input: examples/config (+ luci, dhcp), examples/snapshot.json; one page load = 5 batches, 15 calls, ${bytes} reply bytes`);
    console.log(`${WARMUP_MS / 1000}s warm-up per kind, then ${RUNS} runs of ${DURATION_MS / 1000}s alternating the kinds, medians; load average ${loadAverage()}\n`);
    console.log('concurrent loads  kind            pages/s  p50 ms  p99 ms');
    for (const c of CONCURRENCY) {
      for (const pages of Object.values(kinds)) await run(server.url, pages, c, WARMUP_MS);
      const runs = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
      for (let i = 0; i < RUNS; i++) for (const [kind, pages] of Object.entries(kinds)) runs[kind].push(await run(server.url, pages, c, DURATION_MS));
      const rows = {};
      for (const [kind, rs] of Object.entries(runs)) {
        rows[kind] = { pagesPerS: median(rs.map((r) => r.pagesPerS)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)) };
        const m = rows[kind];
        console.log(`${String(c).padStart(16)}  ${kind.padEnd(14)} ${m.pagesPerS.toFixed(0).padStart(8)}  ${m.p50.toFixed(2).padStart(6)}  ${m.p99.toFixed(2).padStart(6)}`);
      }
      const z = rows['zones page'];
      const u = rows['uci get only'];
      console.log(`${' '.repeat(18)}zones page at ${((z.pagesPerS / u.pagesPerS) * 100).toFixed(0)}% of the ceiling's pages/s, p50 ${(z.p50 / u.p50).toFixed(2)}x, p99 ${(z.p99 / u.p99).toFixed(2)}x`);
    }
    console.log(`\nload average after: ${loadAverage()}`);
  } finally {
    server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') await child(process.argv[3]);
else await main();
