// Lost updates through one savedir (issue 14): P processes, each R times
//   uci-fw4 uci -c D -t S set firewall.d.o<i>_<j>=v && uci-fw4 uci -c D -t S commit firewall
// all sharing the savedir, as /tmp/.uci is shared on a router. Every option must reach the file.
// With `holdMs`, a `flock(1)` process (util-linux) takes the config's lock while the others run,
// as a real `uci commit` would: ours wait for it, then complete.
//
//   npm run soak:locks            20 runs of each variant (plain, --keep-comments, flock holder)
//   node bench/lost-update.mjs --runs N [--processes P] [--rounds R]
// test/uci/lock.test.ts runs one of each.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repo, 'bin/uci-fw4.js');

const count = (text) => (text.match(/option o\d+_\d+ 'v'/g) ?? []).length;

/**
 * One run. Returns how many of the processes × rounds options reached the file, the exit codes
 * that were not 0, the files left in the confdir besides the config, the wall time, and how many
 * options were in when flock(1) took the lock.
 */
export async function lostUpdateRun({ processes = 20, rounds = 5, keepComments = false, holdMs = 0 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lost-update-'));
  try {
    const conf = join(dir, 'c');
    mkdirSync(conf);
    const config = join(conf, 'firewall');
    writeFileSync(config, "# kept with --keep-comments\nconfig d 'd'\n");
    const uci = [process.execPath, bin, 'uci', ...(keepComments ? ['--keep-comments'] : []), '-c', conf, '-t', join(dir, 's')];
    const q = (a) => `'${a}'`;
    const started = Date.now();
    const children = [];
    for (let i = 0; i < processes; i++) {
      const steps = [];
      for (let j = 0; j < rounds; j++) {
        steps.push(`${uci.map(q).join(' ')} set firewall.d.o${i}_${j}=v && ${uci.map(q).join(' ')} commit firewall || exit 1`);
      }
      children.push(spawn('sh', ['-c', steps.join('\n')], { stdio: ['ignore', 'ignore', 'pipe'] }));
    }
    let holderExit;
    let heldWith = 0;
    if (holdMs > 0) {
      // in the middle of the run: once a quarter of the options are in
      while ((heldWith = count(readFileSync(config, 'utf8'))) < (processes * rounds) / 4) await new Promise((r) => setTimeout(r, 20));
      holderExit = once(spawn('flock', [config, 'sleep', String(holdMs / 1000)], { stdio: 'ignore' }), 'exit');
    }
    const failures = [];
    await Promise.all(children.map(async (c) => {
      let err = '';
      c.stderr.on('data', (d) => (err += d));
      const [code] = await once(c, 'exit');
      if (code !== 0) failures.push(`exit ${code}: ${err.trim()}`);
    }));
    await holderExit;
    const text = readFileSync(config, 'utf8');
    const found = count(text);
    const stray = readdirSync(conf).filter((n) => n !== 'firewall');
    return { expected: processes * rounds, found, failures, stray, ms: Date.now() - started, keptComment: text.startsWith('# kept'), heldWith };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, processes: { type: 'string', default: '20' }, rounds: { type: 'string', default: '5' } } });
  const runs = Number(values.runs);
  const base = { processes: Number(values.processes), rounds: Number(values.rounds) };
  let bad = 0;
  console.log(`${base.processes} processes x ${base.rounds} set+commit through one savedir, ${runs} runs a variant; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const [label, opts] of [['plain', {}], ['--keep-comments', { keepComments: true }], ['flock(1) holds 2 s', { holdMs: 2000 }]]) {
    const results = [];
    for (let n = 0; n < runs; n++) results.push(await lostUpdateRun({ ...base, ...opts }));
    const complete = results.filter((r) => r.found === r.expected && r.failures.length === 0 && r.stray.length === 0).length;
    const worst = Math.min(...results.map((r) => r.found));
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    console.log(`${label}: ${complete}/${runs} runs with ${results[0].expected}/${results[0].expected} options (worst ${worst}), median ${ms[ms.length >> 1]} ms a run`);
    console.log(`  kept per run: ${results.map((r) => r.found).join(' ')}`);
    console.log(`  seconds per run: ${results.map((r) => (r.ms / 1000).toFixed(1)).join(' ')}`);
    if (opts.holdMs) console.log(`  options in when flock(1) took the lock: ${results.map((r) => r.heldWith).join(' ')}`);
    if (opts.keepComments) console.log(`  comment kept: ${results.filter((r) => r.keptComment).length}/${runs} runs`);
    for (const r of results) for (const f of r.failures) console.log(`  ${f}`);
    if (complete !== runs) bad++;
  }
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  process.exitCode = bad ? 1 : 0;
}
