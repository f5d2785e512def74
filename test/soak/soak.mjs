// `npm run soak` (not part of `npm test`): mixed load on one confdir for a while (default 10
// minutes) — 32 JSON-RPC clients reading, staging, committing and applying (with and without
// rollback + confirm) through `uci-fw4 serve`, `uci-fw4 uci` processes committing through a
// shared savedir, and `uci-fw4 migrate` runs — then checks that every change that was
// acknowledged is in the files, that every file parses, and that the server's RSS is flat.
//
//   npm run soak                 # 10 minutes
//   npm run soak -- --minutes 1 --clients 8
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDocument } from '../../dist/lib/index.js';
import { hashPassword } from '../../dist/rpc/password.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repo, 'bin/uci-fw4.js');
const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, clients: { type: 'string', default: '32' }, cli: { type: 'string', default: '4' } } });
const DURATION_MS = Number(values.minutes) * 60_000;
const CLIENTS = Number(values.clients);
const CLI_WORKERS = Number(values.cli);
const ANON = '00000000000000000000000000000000';

const dir = mkdtempSync(join(tmpdir(), 'uci-fw4-soak-'));
const confdir = join(dir, 'config');
const savedir = join(dir, 'cli-save'); // shared by every CLI process, as /tmp/.uci on a router
cpSync(join(repo, 'examples/config'), confdir, { recursive: true });
cpSync(join(repo, 'examples/acl.d'), join(dir, 'acl.d'), { recursive: true });
mkdirSync(savedir);
// one section per writer, so that every acknowledged option has one place to be
const writers = [...Array.from({ length: CLIENTS }, (_, i) => `rpc${i}`), ...Array.from({ length: CLI_WORKERS }, (_, i) => `cli${i}`), 'mig'];
writeFileSync(join(confdir, 'soak'), writers.map((w) => `config writer '${w}'\n`).join('\n'));
const hash = await hashPassword('soak', { ln: 4, r: 8, p: 1 });
writeFileSync(join(dir, 'server.ini'), `listen = 127.0.0.1:0\nconfdir = config\nsavedir = rpc-save\nacl_dir = acl.d\nsnapshot = ${join(repo, 'examples/snapshot.json')}\napply_timeout = 5\nlog = false\n[user.root]\npassword = ${hash}\nread = *\nwrite = *\n`);

const acked = new Map(); // "section.option" -> value, once the commit that carried it succeeded
const counts = { rpcCalls: 0, rpcErrors: 0, commits: 0, applies: 0, confirms: 0, cliCommits: 0, cliFailures: 0, migrations: 0, migrationFailures: 0 };

// the server, in its own process so that its RSS is its own
const server = spawn(process.execPath, [bin, 'serve', '--settings', join(dir, 'server.ini'), '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
let serverErr = '';
// the server says where it listens on stderr
const url = await new Promise((resolve, reject) => {
  server.stderr.on('data', (d) => {
    serverErr += d;
    const m = /http:\/\/127\.0\.0\.1:\d+/.exec(serverErr);
    if (m) resolve(m[0]);
  });
  server.on('exit', (code) => reject(new Error(`server exited ${code}: ${serverErr}`)));
});
server.stdout.resume();
const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0);
const rss = [];

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
function rpc(sid, object, method, args = {}) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: [sid, object, method, args] });
  return new Promise((resolve, reject) => {
    const req = request(`${url}/ubus`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        counts.rpcCalls++;
        const reply = JSON.parse(text);
        if (reply.error) return reject(new Error(`${object}.${method}: ${reply.error.message}`));
        resolve(reply.result);
      });
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${object}.${method}: no answer in 30 s`)));
    req.end(body);
  });
}

const until = Date.now() + DURATION_MS;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function rpcClient(i) {
  const section = `rpc${i}`;
  const [, login] = await rpc(ANON, 'session', 'login', { username: 'root', password: 'soak', timeout: 3600 });
  const sid = login.ubus_rpc_session;
  let staged = new Map(); // staged in this session, not yet acknowledged
  let n = 0;
  while (Date.now() < until) {
    const roll = Math.random();
    try {
      if (roll < 0.5) await rpc(sid, 'uci', 'get', { config: roll < 0.25 ? 'firewall' : 'soak' });
      else if (roll < 0.8) {
        const option = `o${n++}`;
        const [status] = await rpc(sid, 'uci', 'set', { config: 'soak', section, values: { [option]: `v${n}` } });
        if (status === 0) staged.set(`${section}.${option}`, `v${n}`);
      } else if (roll < 0.92) {
        const [status] = await rpc(sid, 'uci', 'commit', { config: 'soak' });
        if (status === 0) (counts.commits++, staged.forEach((v, k) => acked.set(k, v)), (staged = new Map()));
      } else {
        // rpcd's apply commits every staged package of the session; with rollback it must be
        // confirmed from the same session or it is undone
        const rollback = Math.random() < 0.5;
        const [status] = await rpc(sid, 'uci', 'apply', { rollback, timeout: 5 });
        if (status === 0) {
          counts.applies++;
          if (rollback) {
            const [confirmed] = await rpc(sid, 'uci', 'confirm');
            if (confirmed === 0) counts.confirms++;
            else continue; // rolled back (or someone else's apply): not acknowledged
          }
          staged.forEach((v, k) => acked.set(k, v));
          staged = new Map();
        }
      }
    } catch {
      counts.rpcErrors++;
      await sleep(50);
    }
  }
  // what is still staged is not acknowledged: leave it
}

function cliRun(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, err }));
  });
}

async function cliWorker(k) {
  let n = 0;
  while (Date.now() < until) {
    const option = `o${n++}`;
    const set = await cliRun(['uci', '-c', confdir, '-t', savedir, 'set', `soak.cli${k}.${option}=v${n}`]);
    // the option is staged in the shared savedir: any later successful commit of soak
    // (this worker's or another's) writes it
    const commit = set.code === 0 ? await cliRun(['uci', '-c', confdir, '-t', savedir, 'commit', 'soak']) : set;
    if (commit.code === 0) (counts.cliCommits++, acked.set(`cli${k}.${option}`, `v${n}`));
    else counts.cliFailures++;
  }
}

async function migrator() {
  let n = 0;
  while (Date.now() < until) {
    const id = `soak-${n++}`;
    const file = join(dir, `${id}.mjs`);
    writeFileSync(file, `export default { id: '${id}', description: 'soak', up(tx) { tx.set('soak', 'mig', 'o${n}', 'v${n}'); } };\n`);
    const run = await cliRun(['migrate', '--json', '--confdir', confdir, file]);
    if (run.code === 0) (counts.migrations++, acked.set(`mig.o${n}`, `v${n}`));
    else counts.migrationFailures++; // e.g. a file changed by someone else during the run
    await sleep(500);
  }
}

const sampler = setInterval(() => rss.push(rssKb()), 5000);
rss.push(rssKb());
const started = Date.now();
await Promise.all([
  ...Array.from({ length: CLIENTS }, (_, i) => rpcClient(i)),
  ...Array.from({ length: CLI_WORKERS }, (_, k) => cliWorker(k)),
  migrator(),
]);
clearInterval(sampler);
await sleep(6000); // an unconfirmed apply's rollback (5 s) has run by now
rss.push(rssKb());
agent.destroy();
server.kill('SIGTERM');

// every file parses; every acknowledged option is in soak with its value
const problems = [];
for (const name of readdirSync(confdir)) {
  if (name.startsWith('.')) continue;
  try {
    parseDocument(readFileSync(join(confdir, name), 'utf8'), { name });
  } catch (e) {
    problems.push(`${name} does not parse: ${e.message}`);
  }
}
const soak = parseDocument(readFileSync(join(confdir, 'soak'), 'utf8'), { name: 'soak' });
const lost = [...acked].filter(([path, value]) => soak.get(...path.split('.')) !== value).map(([path]) => path);
const missing = lost.length;
if (missing) problems.push(`${missing} of ${acked.size} acknowledged changes missing: ${lost.slice(0, 20).join(' ')}`);
const mb = (kb) => (kb / 1024).toFixed(1);
const warm = rss[Math.min(2, rss.length - 1)];
const end = rss[rss.length - 1];
console.log(`soak: ${((Date.now() - started) / 60000).toFixed(1)} min, ${CLIENTS} RPC clients, ${CLI_WORKERS} CLI committers, 1 migrator`);
console.log(`  ${JSON.stringify(counts)}`);
console.log(`  acknowledged changes: ${acked.size}, present: ${acked.size - missing}`);
console.log(`  server RSS MB: start ${mb(rss[0])}, after 10 s ${mb(warm)}, max ${mb(Math.max(...rss))}, end ${mb(end)} (${rss.length} samples)`);
if (end > warm * 1.2) problems.push(`server RSS grew from ${mb(warm)} to ${mb(end)} MB`);
rmSync(dir, { recursive: true, force: true });
console.log(problems.length ? `soak: FAILED\n  ${problems.join('\n  ')}` : 'soak: every acknowledged change present, every file parses, RSS flat');
process.exitCode = problems.length ? 1 : 0;
