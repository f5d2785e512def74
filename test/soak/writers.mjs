// The soak's writers. Each records what it was told is durable (`ack`) under rpcd's rules
// (docs/rpc.md#apply-confirm-and-rollback), and each rollback that may have put files back
// (`window`), so that the check can tell a lost change from one a rollback undid as rpcd's does.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ANON = '00000000000000000000000000000000';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Live options per writer and config: each set of o<n> deletes o<n-KEEP>, so files stay small. */
const KEEP = 16;

/**
 * The shared record of one run.
 * acked: "config.section.option" → { op: 'set' | 'delete', value?, start, end } (ms: when the
 *   writer asked, when it was told): the last acknowledged operation on that option (each
 *   option is set once, then maybe deleted).
 * maybeDeleted: options whose delete was sent in a commit or apply with no clear answer (it may
 *   have landed): the option may be gone even if only its set was acknowledged.
 * windows: { configs, start, end } for every rollback apply whose files were put back (by
 *   `rollback` or the timer; seen as its changes staged again): files of those configs were at
 *   their snapshot for a moment in [start, end].
 */
export function newRecord() {
  return { acked: new Map(), ops: { set: 0, delete: 0 }, maybeDeleted: new Set(), windows: [], counts: {}, failures: {} };
}

const count = (rec, name) => (rec.counts[name] = (rec.counts[name] ?? 0) + 1);

/** Records an acknowledged set or delete (`ops` counts them; `acked` keeps each option's last). */
function acknowledge(rec, key, a) {
  rec.ops[a.op]++;
  rec.acked.set(key, a);
}

/**
 * One JSON-RPC client, one session: reads (get of firewall, soak, rb; changes), set and delete
 * on `soak` and `rb` (its own section of each), commit, apply without rollback, and apply with
 * rollback then confirm, `rollback`, or nothing (the timer). What is acknowledged:
 * - commit answering 0: what the session had staged on that config;
 * - apply without rollback answering 0 and `changes` then empty: everything staged (rpcd's apply
 *   answers 0 but commits nothing while another apply is pending);
 * - apply with rollback, then confirm answering 0: everything staged; ended otherwise (rollback,
 *   timer) with nothing staged again: everything staged (rollbackApply says why).
 * Every fourth client stages on `rb` alone, a config written by RPC clients only (whose commits
 * rpcd never lets a rollback undo: refused while an apply is pending), and ends its rollback
 * applies by confirm (50%), `rollback` (35%) or the timer (15%, a 2 s timeout). The others also
 * stage on `soak`, where the `uci` command and migrations commit too, and always confirm:
 * rpcd's rollback puts whole files back, undoing their commits. If a confirm still comes after
 * the timeout, the files may have been put back, as on rpcd, and the window is recorded.
 */
export async function rpcClient(rec, rpc, i, until, applyTimeout) {
  const section = `rpc${i}`;
  const rbOnly = i % 4 === 3;
  const [, login] = await rpc(ANON, 'session', 'login', { username: 'root', password: 'soak', timeout: 3600 });
  const sid = login.ubus_rpc_session;
  const call = (method, args = {}) => rpc(sid, 'uci', method, args).then((r) => r[0]);
  const staged = new Map(); // key → { op, value?, start }
  const stagedOn = (config) => [...staged.keys()].filter((k) => k.startsWith(`${config}.`));
  const ack = (keys) => {
    const end = Date.now();
    for (const k of keys) acknowledge(rec, k, { ...staged.get(k), end });
    for (const k of keys) staged.delete(k);
  };
  // sent, answer unknown: a staged delete may have landed
  const unknown = (keys) => keys.forEach((k) => staged.get(k)?.op === 'delete' && rec.maybeDeleted.add(k));
  const next = { soak: 0, rb: 0 };
  while (Date.now() < until) {
    const roll = Math.random();
    let sent = [];
    try {
      if (roll < 0.45) {
        const config = ['firewall', 'soak', 'rb'][Math.floor(Math.random() * 3)];
        await rpc(sid, 'uci', 'get', { config });
        count(rec, 'reads');
      } else if (roll < 0.5) {
        await rpc(sid, 'uci', 'changes');
        count(rec, 'reads');
      } else if (roll < 0.78) {
        const config = roll < 0.68 && !rbOnly ? 'soak' : 'rb';
        const n = next[config]++;
        const start = Date.now();
        if ((await call('set', { config, section, values: { [`o${n}`]: `v${n}` } })) === 0) {
          staged.set(`${config}.${section}.o${n}`, { op: 'set', value: `v${n}`, start });
          count(rec, 'sets');
        }
        if (n >= KEEP && (await call('delete', { config, section, option: `o${n - KEEP}` })) === 0) {
          staged.set(`${config}.${section}.o${n - KEEP}`, { op: 'delete', start });
          count(rec, 'deletes');
        }
      } else if (roll < 0.95) {
        const config = roll < 0.9 && !rbOnly ? 'soak' : 'rb';
        sent = stagedOn(config);
        const status = await call('commit', { config });
        if (status === 0) (ack(sent), count(rec, 'commits'));
        else count(rec, `commit answered ${status}`);
      } else if (roll < 0.955) {
        sent = [...staged.keys()];
        const status = await call('apply', { rollback: false });
        count(rec, `apply answered ${status}`);
        if (status !== 0) continue;
        const [, changes] = await rpc(sid, 'uci', 'changes');
        if (Object.keys(changes.changes).length === 0) (ack(sent), count(rec, 'applies that committed'));
      } else {
        sent = [...staged.keys()];
        await rollbackApply(rec, (method) => rpc(sid, 'uci', method), call, staged, ack, rbOnly ? Math.random() : 0, applyTimeout);
      }
    } catch (err) {
      unknown(sent);
      count(rec, 'transport errors');
      rec.lastError = err.message;
      await sleep(50);
    }
  }
}

/**
 * An apply with rollback, ended by confirm, `rollback` or the timer. Under rpcd's rules, once it
 * ended without a confirm, its files were put back and its changes staged again in this
 * session, unless an apply without rollback had dropped its snapshot: then nothing was put back
 * and its commit stands. `changes` tells which.
 */
async function rollbackApply(rec, rpc, call, staged, ack, mode, applyTimeout) {
  const keys = [...staged.keys()];
  const ending = mode < 0.5 ? 'confirm' : mode < 0.85 ? 'rollback' : 'timer';
  const timeout = ending === 'timer' ? 2 : applyTimeout;
  const start = Date.now();
  const status = await call('apply', { rollback: true, timeout });
  count(rec, `rollback apply answered ${status}`);
  if (status !== 0) return;
  if (ending === 'rollback') count(rec, `rollback answered ${await call('rollback')}`);
  else {
    if (ending === 'timer') await sleep(timeout * 1000 + 500);
    // 0: confirmed (the timer had not run yet); 5 or 6: the apply had ended
    const c = await call('confirm');
    count(rec, `confirm answered ${c}${ending === 'timer' ? ' after the timeout' : ''}`);
    if (c === 0) return ack(keys);
  }
  const [, changes] = await rpc('changes');
  if (Object.keys(changes.changes).length === 0) return (ack(keys), count(rec, 'rollbacks with the snapshot dropped'));
  // put back: the files of these configs were at their snapshot for a moment in [start, now]
  count(rec, 'rollbacks that put files back');
  rec.windows.push({ configs: [...new Set(keys.map((k) => k.split('.')[0]))], start, end: Date.now() });
}

/** Failure messages by command, counted: the report lists them. */
function failure(rec, command, message) {
  const key = `${command}: ${message}`;
  rec.failures[key] = (rec.failures[key] ?? 0) + 1;
}

function runCommand(bin, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // 'close', not 'exit': the pipes may still hold output when the process has exited
    child.on('close', (code, signal) => resolve({ code, out, err: err.trim().slice(0, 200) || `exit ${code ?? signal}` }));
  });
}

/**
 * `uci set`, `uci delete` of the option set KEEP rounds ago, then `uci commit`, through the
 * savedir every worker shares, as /tmp/.uci on a router.
 */
export async function cliWorker(rec, bin, confdir, savedir, k, until) {
  const uci = (...args) => runCommand(bin, ['uci', '-c', confdir, '-t', savedir, ...args]);
  let n = 0;
  for (; Date.now() < until; n++) {
    const start = Date.now();
    if ((await uci('set', `soak.cli${k}.o${n}=v${n}`)).code !== 0) {
      count(rec, 'cli failures');
      continue;
    }
    // fails when that option's own commit failed and nobody committed it since: nothing staged
    const deleted = n >= KEEP && (await uci('delete', `soak.cli${k}.o${n - KEEP}`)).code === 0;
    // what is staged in the shared savedir is written by any later successful commit of soak
    const commit = await uci('commit', 'soak');
    if (commit.code === 0) {
      count(rec, 'cli commits');
      acknowledge(rec, `soak.cli${k}.o${n}`, { op: 'set', value: `v${n}`, start, end: Date.now() });
      if (deleted) acknowledge(rec, `soak.cli${k}.o${n - KEEP}`, { op: 'delete', start, end: Date.now() });
    } else {
      count(rec, 'cli failures');
      failure(rec, 'uci commit', commit.err);
      if (deleted) rec.maybeDeleted.add(`soak.cli${k}.o${n - KEEP}`);
    }
  }
}

/** `uci-fw4 migrate`, one new migration per run, each setting one option of soak. */
export async function migrator(rec, bin, dir, confdir, until) {
  let n = 0;
  while (Date.now() < until) {
    const id = `soak-${n++}`;
    const file = join(dir, `${id}.mjs`);
    writeFileSync(file, `export default { id: '${id}', description: 'soak', up(tx) { tx.set('soak', 'mig', 'o${n}', 'v${n}'); } };\n`);
    const start = Date.now();
    const run = await runCommand(bin, ['migrate', '--json', '--confdir', confdir, file]);
    if (run.code === 0) (count(rec, 'migration runs'), acknowledge(rec, `soak.mig.o${n}`, { op: 'set', value: `v${n}`, start, end: Date.now() }));
    else {
      count(rec, 'migration failures');
      let reason = run.err;
      try {
        reason = JSON.parse(run.out).results[0].reason;
      } catch {
        // not the JSON report: its stderr says why, or the start of what it printed
        reason = `${run.err}; stdout: ${run.out.slice(0, 160).replace(/\s+/g, ' ') || '(nothing)'}`;
      }
      failure(rec, 'migrate', reason);
    }
    await sleep(500);
  }
}
