// `npm run soak` (not part of `npm test`): mixed load on one confdir for a while (default 10
// minutes) — JSON-RPC clients (default 32) reading, staging, committing and applying through
// `uci-fw4 serve`, `uci-fw4 uci` processes committing through one shared savedir, and
// `uci-fw4 migrate` runs, all at once — then checks:
// - every acknowledged change is in the files: an option set has its value, one deleted is
//   gone (each writer sets o<n> and deletes o<n-16>, so files keep a steady size).
//   Acknowledged means the API said it is durable under rpcd's rules
//   (docs/rpc.md#apply-confirm-and-rollback; writers.mjs says which answer acknowledges what).
//   rpcd's rollback puts whole files back, undoing whatever the `uci` command or a migration
//   committed to them meanwhile; so the RPC clients confirm every rollback apply that carries a
//   config those commit to, and roll back (explicitly or by the timer) only applies of a config
//   that RPC clients alone write. A confirm that still comes after the timeout leaves a window
//   in which a `uci` or migrate commit may be undone as on rpcd: such changes are counted apart
//   ("exposed"), not as lost.
// - every file of the confdir parses (with our parser);
// - the server's RSS is flat: sampled every 10 s (series printed), it ends, after the load
//   stops and a full GC, within 20% of its value after warm-up (the first minute or tenth of
//   the run, whichever is longer), and its trend (least squares) after warm-up
//   stays under 20% of that value over the run.
//
//   npm run soak                          # 10 minutes, 32 clients, 4 uci workers, 1 migrator
//   npm run soak -- --minutes 2 --clients 8 --cli 2
//   npm run soak -- --heap-snapshot /tmp/end.heapsnapshot   # the server's heap at the end
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDocument } from '../../dist/lib/index.js';
import { hashPassword } from '../../dist/rpc/password.js';
import { cliWorker, migrator, newRecord, rpcClient } from './writers.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repo, 'bin/uci-fw4.js');
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    clients: { type: 'string', default: '32' },
    cli: { type: 'string', default: '4' },
    'apply-timeout': { type: 'string', default: '30' },
    'heap-snapshot': { type: 'string' },
  },
});
const DURATION_MS = Number(values.minutes) * 60_000;
const CLIENTS = Number(values.clients);
const CLI_WORKERS = Number(values.cli);
const SAMPLE_MS = 10_000;
// V8 sizes its heap and the files reach their steady size (KEEP options per writer) meanwhile
const WARM_MS = Math.max(60_000, DURATION_MS / 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'uci-fw4-soak-'));
const confdir = join(dir, 'config');
const savedir = join(dir, 'cli-save');
cpSync(join(repo, 'examples/config'), confdir, { recursive: true });
cpSync(join(repo, 'examples/acl.d'), join(dir, 'acl.d'), { recursive: true });
mkdirSync(savedir);
// one section per writer, so that every acknowledged option has one place to be
const rpcWriters = Array.from({ length: CLIENTS }, (_, i) => `rpc${i}`);
const soakWriters = [...rpcWriters, ...Array.from({ length: CLI_WORKERS }, (_, i) => `cli${i}`), 'mig'];
writeFileSync(join(confdir, 'soak'), soakWriters.map((w) => `config writer '${w}'\n`).join('\n'));
writeFileSync(join(confdir, 'rb'), rpcWriters.map((w) => `config writer '${w}'\n`).join('\n'));
const hash = await hashPassword('soak', { ln: 4, r: 8, p: 1 });
writeFileSync(
  join(dir, 'server.ini'),
  `listen = 127.0.0.1:0\nconfdir = config\nsavedir = rpc-save\nacl_dir = acl.d\nsnapshot = ${join(repo, 'examples/snapshot.json')}\nlog = false\n[user.root]\npassword = ${hash}\nread = *\nwrite = *\n`,
);

// the server in its own process, so that its memory is its own; probe.mjs reports it over IPC
const probe = pathToFileURL(join(repo, 'test/soak/probe.mjs')).href;
const server = spawn(process.execPath, ['--expose-gc', `--import=${probe}`, bin, 'serve', '--settings', join(dir, 'server.ini')], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
let serverErr = '';
const url = await new Promise((resolve, reject) => {
  server.stderr.on('data', (d) => {
    serverErr += d;
    const m = /http:\/\/127\.0\.0\.1:\d+/.exec(serverErr);
    if (m) resolve(m[0]);
  });
  server.on('exit', (code) => reject(new Error(`server exited ${code}: ${serverErr}`)));
});
server.stdout.resume();
const memory = (ask = {}) =>
  new Promise((resolve) => {
    server.once('message', resolve);
    server.send(ask);
  });

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
let rpcCalls = 0;
function rpc(sid, object, method, args = {}) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: [sid, object, method, args] });
  return new Promise((resolve, reject) => {
    const req = request(`${url}/ubus`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        rpcCalls++;
        try {
          const reply = JSON.parse(text);
          if (reply.error) reject(new Error(`${object}.${method}: ${reply.error.message}`));
          else resolve(reply.result);
        } catch {
          reject(new Error(`${object}.${method}: HTTP ${res.statusCode} ${text.slice(0, 80)}`));
        }
      });
    });
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`${object}.${method}: no answer in 60 s`)));
    req.end(body);
  });
}

const rec = newRecord();
const samples = []; // { t (s), rss, heapUsed, external, arrayBuffers } in bytes
const sample = async (ask) => samples.push({ t: Math.round((Date.now() - started) / 1000), ...(await memory(ask)) });
let warmLive; // heap used after a full GC once warmed up: what the server holds, garbage aside
const loads = [];
const started = Date.now();
const until = started + DURATION_MS;
await sample({ gc: true });
const sampler = setInterval(() => void sample().then(() => loads.push(loadavg()[0])), SAMPLE_MS);
const warmGc = setTimeout(() => void memory({ gc: true }).then((m) => (warmLive = m.heapUsed)), WARM_MS + SAMPLE_MS / 2);
await Promise.all([
  ...rpcWriters.map((_, i) => rpcClient(rec, rpc, i, until, Number(values['apply-timeout']))),
  ...Array.from({ length: CLI_WORKERS }, (_, k) => cliWorker(rec, bin, confdir, savedir, k, until)),
  migrator(rec, bin, dir, confdir, until),
]);
clearInterval(sampler);
clearTimeout(warmGc);
const ran = Date.now() - started;
// an unconfirmed apply's timer has run by now; idle sockets close; V8 shrinks its heap after
// a GC once allocation has stopped for a while (its memory reducer), so: GC, idle, GC
agent.destroy();
await memory({ gc: true });
await sleep(10_000);
const end = await memory({ gc: true, snapshot: values['heap-snapshot'] });
server.kill('SIGTERM');

const problems = check();
report();
rmSync(dir, { recursive: true, force: true });
console.log(problems.length ? `soak: FAILED\n  ${problems.join('\n  ')}` : 'soak: every acknowledged change present, every file parses, RSS flat');
process.exitCode = problems.length ? 1 : 0;

function check() {
  const out = [];
  const docs = new Map();
  for (const name of readdirSync(confdir)) {
    if (name.startsWith('.')) continue;
    try {
      docs.set(name, parseDocument(readFileSync(join(confdir, name), 'utf8'), { name }));
    } catch (e) {
      out.push(`${name} does not parse: ${e.message}`);
    }
  }
  const lost = [];
  rec.exposed = { count: 0, kept: 0 };
  for (const [key, a] of rec.acked) {
    const [config, section, option] = key.split('.');
    const value = docs.get(config)?.get(section, option);
    const kept = a.op === 'delete' ? value === undefined : value === a.value || (value === undefined && rec.maybeDeleted.has(key));
    // uci and migrate commits of a config a rollback put back meanwhile may be undone, as on rpcd
    const exposed = !section.startsWith('rpc') && rec.windows.some((w) => w.configs.includes(config) && a.start < w.end && a.end > w.start);
    if (exposed) (rec.exposed.count++, (rec.exposed.kept += kept ? 1 : 0));
    else if (!kept) lost.push(`${key} (${a.op}${a.op === 'set' ? ` ${a.value}` : ''}: found ${value ?? 'nothing'})`);
  }
  rec.lost = lost;
  if (lost.length) out.push(`${lost.length} of ${rec.acked.size} acknowledged changes missing: ${lost.slice(0, 20).join(' ')}`);
  const warm = samples.find((s) => s.t * 1000 >= WARM_MS) ?? samples[samples.length - 1];
  if (end.rss > warm.rss * 1.2) out.push(`server RSS after GC ${mb(end.rss)} MB, more than 20% over ${mb(warm.rss)} MB after warm-up`);
  const trend = slope(samples.filter((s) => s.t >= warm.t));
  if (trend * (ran / 1000) > warm.rss * 0.2) out.push(`server RSS trend ${mb(trend * 60)} MB/min over the run: more than 20% of ${mb(warm.rss)} MB`);
  rec.warm = warm;
  rec.trend = trend;
  return out;
}

function report() {
  const keys = [...rec.acked.keys()];
  const by = (p) => keys.filter((k) => p.test(k)).length;
  console.log(`soak: ${(ran / 60000).toFixed(1)} min, ${CLIENTS} RPC clients, ${CLI_WORKERS} uci workers, 1 migrator; load average 1 min: start ${loads[0]?.toFixed(1)}, max ${Math.max(...loads).toFixed(1)}, end ${loadavg()[0].toFixed(1)}`);
  console.log(`  RPC calls ${rpcCalls}; ${JSON.stringify(Object.fromEntries(Object.entries(rec.counts).sort()))}`);
  const deleted = [...rec.acked.values()].filter((a) => a.op === 'delete').length;
  const kept = rec.acked.size - rec.lost.length - (rec.exposed.count - rec.exposed.kept);
  console.log(`  acknowledged changes: ${rec.ops.set + rec.ops.delete} (${rec.ops.set} sets, ${rec.ops.delete} deletes) on ${rec.acked.size} options (RPC ${by(/\.rpc\d+\./)}, uci ${by(/\.cli\d+\./)}, migrate ${by(/\.mig\./)})`);
  console.log(`  options as acknowledged at the end: ${kept} of ${rec.acked.size} (${rec.acked.size - deleted} set with their value, ${deleted} deleted); lost ${rec.lost.length}; deletes of unknown outcome ${rec.maybeDeleted.size}`);
  console.log(`  rollback windows ${rec.windows.length} (with soak ${rec.windows.filter((w) => w.configs.includes('soak')).length}); uci/migrate changes exposed to one: ${rec.exposed.count}, of which kept ${rec.exposed.kept}`);
  console.log(`  server RSS MB every ${SAMPLE_MS / 1000} s: ${samples.map((s) => mb(s.rss)).join(' ')}`);
  console.log(`  server heapUsed MB: ${samples.map((s) => mb(s.heapUsed)).join(' ')}`);
  console.log(`  server heapTotal MB: ${samples.map((s) => mb(s.heapTotal)).join(' ')}`);
  console.log(`  server external MB: ${samples.map((s) => mb(s.external)).join(' ')}`);
  console.log(`  end heap spaces MB: ${Object.entries(end.spaces).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}`);
  const max = Math.max(...samples.map((s) => s.rss));
  console.log(`  live heap after a full GC MB: start ${mb(samples[0].heapUsed)}, after warm-up ${warmLive === undefined ? '-' : mb(warmLive)}, end ${mb(end.heapUsed)}`);
  console.log(`  RSS MB: start ${mb(samples[0].rss)}, after warm-up (${rec.warm.t} s) ${mb(rec.warm.rss)}, max ${mb(max)}, end after GC ${mb(end.rss)} (heap used ${mb(end.heapUsed)} of ${mb(end.heapTotal)}, external ${mb(end.external)}); trend ${mb(rec.trend * 60)} MB/min`);
  if (rec.lastError) console.log(`  last transport error: ${rec.lastError}`);
  for (const [message, n] of Object.entries(rec.failures)) console.log(`  ${n}x ${message}`);
  if (end.snapshot) console.log(`  heap snapshot: ${end.snapshot}`);
}

function mb(bytes) {
  return (bytes / 1048576).toFixed(1);
}

/** Least-squares slope of rss over time, bytes per second. */
function slope(points) {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.t, 0) / n;
  const my = points.reduce((a, p) => a + p.rss, 0) / n;
  const num = points.reduce((a, p) => a + (p.t - mx) * (p.rss - my), 0);
  const den = points.reduce((a, p) => a + (p.t - mx) ** 2, 0);
  return den ? num / den : 0;
}
