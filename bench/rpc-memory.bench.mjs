// The server's memory under issue 14's load: 1000 connections over loopback, all at once, each
// POSTing a 64 KiB body (a JSON-RPC `list` call padded with spaces) and closing. Bodies in
// flight are bounded (rpc/limits.ts, 8 MiB: past it 503), so RSS must come back within 20% of
// its start. RSS is read from the server's /proc/<pid>/status (VmRSS; VmHWM for the peak).
//   node bench/rpc-memory.bench.mjs      (npm run bench -- rpc-memory; builds first)
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memory } from './timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CONNECTIONS = 1000;
const BODY = 65_536;
const DEADLINE_MS = 60_000;

/** The server as `uci-fw4 serve` runs it: the rpc bench's child mode. */
function startServer(confdir) {
  const proc = spawn(process.execPath, [join(here, 'rpc.bench.mjs'), 'ours', confdir], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ port: JSON.parse(out.slice(0, nl)).port, pid: proc.pid, stop: () => proc.kill() });
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** One request on its own connection: the status code, or 'error' / 'timeout'. */
function request(port, payload) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let head = '';
    const timer = setTimeout(() => finish('timeout'), DEADLINE_MS);
    function finish(outcome) {
      clearTimeout(timer);
      s.destroy();
      resolve(outcome);
    }
    s.on('connect', () => s.write(payload));
    s.on('data', (d) => {
      head += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d+)/.exec(head);
      if (m) finish(m[1]);
    });
    s.on('error', () => finish('error'));
    s.on('close', () => finish(head ? 'closed' : 'error'));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mib = (x) => `${x.toFixed(1)} MiB`;

const scratch = mkdtempSync(join(tmpdir(), 'uci-fw4-rpc-memory-'));
const confdir = join(scratch, 'config');
cpSync(join(here, '../examples/config'), confdir, { recursive: true });
const server = await startServer(confdir);
try {
  const call = '{"jsonrpc":"2.0","id":1,"method":"list","params":[]}';
  const body = call + ' '.repeat(BODY - call.length);
  const payload = `POST /ubus HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${BODY}\r\nConnection: close\r\n\r\n${body}`;
  // a few requests first, so that the start is a server that has answered (code loaded, JIT warm)
  for (let i = 0; i < 20; i++) await request(server.port, payload);
  await sleep(1000);
  const start = memory(server.pid);
  const started = Date.now();
  const outcomes = await Promise.all(Array.from({ length: CONNECTIONS }, () => request(server.port, payload)));
  const loadMs = Date.now() - started;
  const peak = memory(server.pid).peak;
  await sleep(2000);
  const after2 = memory(server.pid).rss;
  await sleep(8000);
  const after10 = memory(server.pid).rss;
  const counts = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  console.log(`input: ${CONNECTIONS} connections at once over loopback, each POST /ubus with a ${BODY}-byte body (a list call padded with spaces), Connection: close; machine load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`outcomes: ${Object.entries(counts).map(([k, v]) => `${v} x ${k}`).join(', ')} in ${loadMs} ms`);
  console.log(`server RSS: start ${mib(start.rss)}, peak ${mib(peak)}, 2 s after ${mib(after2)}, 10 s after ${mib(after10)} (${((after10 / start.rss - 1) * 100).toFixed(1)}% over the start)`);
  const met = after10 <= start.rss * 1.2 && !counts.timeout;
  console.log(`target (RSS 10 s after within 20% of the start, no client time-out): ${met ? 'met' : 'NOT met'}`);
} finally {
  server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
