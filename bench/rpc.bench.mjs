// `uci get firewall` through the JSON-RPC server with a logged-in session, against a bare
// node:http server answering the same bytes (the ceiling), at 1 and 32 connections, with
// autocannon. Each server runs in its own child process; this process only drives the load.
// Latency percentiles are computed from every response's own time (autocannon's histogram keeps
// whole milliseconds only, too coarse for a 5 ms target).
//   node bench/rpc.bench.mjs        (npm run bench -- rpc; builds first)
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { median } from './timing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DURATION_S = 3;
const WARMUP_S = 2;
const RUNS = 5;
const CONCURRENCY = [1, 32];

/** Child mode: `ours <confdir>` serves the app, `bare <file>` answers the file's bytes. */
async function child(kind, arg) {
  let server;
  if (kind === 'ours') {
    const { RpcApp } = await import(join(root, 'dist/rpc/app.js'));
    const { rpcObjects } = await import(join(root, 'dist/rpc/objects/index.js'));
    const { parseSettings } = await import(join(root, 'dist/rpc/settings.js'));
    const { batchedLog } = await import(join(root, 'dist/rpc/log.js'));
    const ini = readFileSync(join(root, 'examples/server.ini'), 'utf8').replace(/^confdir = .*$/m, `confdir = ${arg}`).replace(/^log = .*$/m, `log = ${process.env.RPC_BENCH_LOG ?? 'true'}`);
    // the request log as `uci-fw4 serve` writes it
    const app = new RpcApp(parseSettings(ini, join(root, 'examples/server.ini')), rpcObjects, { log: batchedLog((t) => process.stderr.write(t)).sink });
    server = (await app.listen('127.0.0.1', 0)).server;
  } else {
    const body = readFileSync(arg);
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
        res.end(body);
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
  }
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(0));
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
}

function startChild(kind, arg) {
  // request logs go to /dev/null: they are written as in production, not read
  const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), kind, arg], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ url: `http://127.0.0.1:${JSON.parse(out.slice(0, nl)).port}`, stop: () => proc.kill() });
    });
    proc.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

async function post(url, body) {
  const res = await fetch(`${url}/ubus`, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  return res.text();
}


/** The q-quantile of sorted values (nearest rank). */
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

/** One autocannon run; also the exact p50/p99 in ms from every response's time. */
async function load(url, body, connections, duration) {
  const times = [];
  const tracker = autocannon({ url: `${url}/ubus`, method: 'POST', body, headers: { 'content-type': 'application/json' }, connections, duration });
  tracker.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  const r = await tracker;
  const sorted = Float64Array.from(times).sort();
  return { ...r, exact: { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) } };
}

/** Warm both servers up (JIT), then alternate their runs so a change in machine load hits both alike. */
async function compare(servers, body, connections) {
  for (const url of Object.values(servers)) await load(url, body, connections, WARMUP_S);
  const runs = Object.fromEntries(Object.keys(servers).map((k) => [k, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, url] of Object.entries(servers)) {
      const r = await load(url, body, connections, DURATION_S);
      if (r.errors || r.non2xx || r.timeouts) throw new Error(`${name}: ${r.errors} errors, ${r.non2xx} non-2xx, ${r.timeouts} timeouts`);
      runs[name].push(r);
    }
  }
  const out = {};
  for (const [name, rs] of Object.entries(runs)) {
    out[name] = {
      rps: median(rs.map((r) => r.requests.average)),
      p50: median(rs.map((r) => r.exact.p50)),
      p99: median(rs.map((r) => r.exact.p99)),
    };
  }
  return out;
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'uci-fw4-rpc-bench-'));
  const confdir = join(scratch, 'config');
  cpSync(join(root, 'examples/config'), confdir, { recursive: true });
  const ours = await startChild('ours', confdir);
  let bare;
  try {
    const login = JSON.parse(await post(ours.url, { jsonrpc: '2.0', id: 1, method: 'call', params: ['0'.repeat(32), 'session', 'login', { username: 'root', password: 'uci-fw4-demo' }] }));
    const sid = login.result[1].ubus_rpc_session;
    const request = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: [sid, 'uci', 'get', { config: 'firewall' }] });
    const reply = await post(ours.url, JSON.parse(request));
    const parsed = JSON.parse(reply);
    if (parsed.result?.[0] !== 0 || Object.keys(parsed.result[1].values).length < 10) throw new Error(`unexpected reply: ${reply.slice(0, 200)}`);
    const fixed = join(scratch, 'reply.json');
    (await import('node:fs')).writeFileSync(fixed, reply);
    bare = await startChild('bare', fixed);

    console.log(`input: examples/config/firewall (${statSync(join(confdir, 'firewall')).size} bytes, ${Object.keys(parsed.result[1].values).length} sections); reply ${Buffer.byteLength(reply)} bytes`);
    console.log(`command: POST /ubus ${request.replace(sid, '<sid>')}`);
    console.log(`autocannon: ${WARMUP_S}s warm-up, then ${RUNS} runs of ${DURATION_S}s alternating the two servers, medians; baseline: bare node:http answering the same reply bytes; machine load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
    console.log('connections  server           req/s  p50 ms  p99 ms');
    const rows = [];
    for (const c of CONCURRENCY) {
      const r = await compare({ 'bare node:http': bare.url, 'uci-fw4 serve': ours.url }, request, c);
      for (const [name, m] of Object.entries(r)) {
        console.log(`${String(c).padStart(11)}  ${name.padEnd(14)} ${m.rps.toFixed(0).padStart(7)}  ${m.p50.toFixed(2).padStart(6)}  ${m.p99.toFixed(2).padStart(6)}`);
      }
      rows.push({ c, ratio: r['uci-fw4 serve'].rps / r['bare node:http'].rps, p99: r['uci-fw4 serve'].p99, bareP99: r['bare node:http'].p99 });
    }
    console.log(`\nmachine load average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    for (const { c, ratio, p99, bareP99 } of rows) {
      console.log(`concurrency ${c}: uci-fw4 serve at ${(ratio * 100).toFixed(1)}% of the bare server's req/s, p99 ${p99.toFixed(2)} ms (bare: ${bareP99.toFixed(2)} ms)`);
    }
    const at32 = rows.find((r) => r.c === 32);
    console.log(`target (concurrency 32: >= 50% of bare req/s, p99 < 5 ms): ${at32.ratio >= 0.5 && at32.p99 < 5 ? 'met' : 'NOT met'}`);
  } finally {
    ours.stop();
    bare?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'ours' || process.argv[2] === 'bare') await child(process.argv[2], process.argv[3]);
else await main();
