// UCI speed on the files of ../shared/tools/gen-big-uci.mjs (5k, 20k and 80k sections, and
// 160k: ~51 MB). Export: in-process and through `uci-fw4 uci export` end to end, against
// libuci's CLI (2.09 s for `uci export` of the 20000-section file, ../shared/docs/baselines.md).
// In-process is measured two ways: the Document model (parse + export, what the library does
// for any file) and exportUnchanged (the lexer's export-form mode, what the command does for a
// package with nothing staged). Then `show`, `get` and `commit` end to end, with their peak RSS
// (/usr/bin/time), against the file's size: time and memory should grow linearly with it.

import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const gen = join(root, '../shared/tools/gen-big-uci.mjs');
const LIBUCI_EXPORT_20K = 2.09;
const RUNS = 7;

if (!existsSync(gen)) {
  console.log(`skipped: ${gen} not found (needs ../shared)`);
  process.exit(0);
}
const { Cursor, parseDocument, exportText, exportUnchanged } = await import(join(root, 'dist/lib/uci/index.js'));
const { envWithoutExtraCerts, loadAverage, median, nodeStartup, time } = await import('./timing.mjs');
const NO_CERTS = envWithoutExtraCerts();

const work = mkdtempSync(join(tmpdir(), 'uci-bench-'));
mkdirSync(join(work, 'conf'));
const rows = [];
try {
  for (const sections of [5000, 20000, 80000]) {
    const name = `big${sections}`;
    const file = join(work, 'conf', name);
    writeFileSync(file, execFileSync(process.execPath, [gen, String(sections)], { maxBuffer: 1 << 30 }));
    const text = readFileSync(file, 'latin1');
    const expected = execFileSync(process.execPath, [join(root, 'bin/uci-fw4.js'), 'uci', '-c', join(work, 'conf'), '-t', join(work, 'save'), 'export', name], { maxBuffer: 1 << 30 });
    const inproc = [];
    const inprocTrivia = [];
    const inprocBytes = [];
    for (let i = 0; i < RUNS; i++) {
      let out = '';
      inproc.push(time(() => (out = exportText(parseDocument(text, { name, latin1: true, trivia: false })))));
      if (i === 0 && Buffer.from(out, 'latin1').compare(expected) !== 0) throw new Error('in-process export differs from the CLI');
      inprocTrivia.push(time(() => exportText(parseDocument(text, { name, latin1: true }))));
      let pieces = null;
      const cursor = new Cursor({ confdir: join(work, 'conf'), savedir: join(work, 'save'), latin1: true });
      inprocBytes.push(time(() => (pieces = exportUnchanged(cursor, name))));
      if (i === 0 && (pieces === null || Buffer.concat(pieces).compare(expected) !== 0)) throw new Error('export from bytes differs from the CLI');
    }
    const e2e = [];
    const e2eNoCerts = [];
    const cli = [join(root, 'bin/uci-fw4.js'), 'uci', '-c', join(work, 'conf'), '-t', join(work, 'save'), 'export', name];
    // stdout goes to a file, as `uci export > file` (a pipe would time this process's reading
    // too); the file is compared with the expected output after every run
    const outFile = join(work, 'out');
    const timed = (env) => {
      const fd = openSync(outFile, 'w');
      let r;
      const t = time(() => (r = spawnSync(process.execPath, cli, { stdio: ['ignore', fd, 'pipe'], env })));
      closeSync(fd);
      if (r.status !== 0 || readFileSync(outFile).compare(expected) !== 0) throw new Error(`uci export failed or differs: ${r.stderr}`);
      return t;
    };
    for (let i = 0; i < RUNS; i++) {
      e2e.push(timed(process.env));
      if (NO_CERTS) e2eNoCerts.push(timed(NO_CERTS));
    }
    rows.push({ sections, mb: statSync(file).size / 1e6, inproc: median(inproc), inprocTrivia: median(inprocTrivia), inprocBytes: median(inprocBytes), e2e: median(e2e), e2eNoCerts: NO_CERTS ? median(e2eNoCerts) : NaN });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const startup = nodeStartup(RUNS);
const startupNoCerts = NO_CERTS ? nodeStartup(RUNS, NO_CERTS) : NaN;
console.log(`input: node ../shared/tools/gen-big-uci.mjs N (N sections); median of ${RUNS} runs each`);
console.log('command (end to end): node bin/uci-fw4.js uci -c DIR -t SAVE export bigN > FILE (checked after every run)');
console.log('in-process model: exportText(parseDocument(text, { latin1: true, trivia: false })); with trivia: the default (keeps the layout)');
console.log('in-process export form: exportUnchanged(cursor, name) (the command\'s path for a package with nothing staged)');
console.log('');
console.log(`sections   MB   model   with trivia   export form   end to end   µs/section   vs libuci 2.09 s${NO_CERTS ? '   (end to end without NODE_EXTRA_CA_CERTS)' : ''}`);
for (const r of rows) {
  const ratio = r.sections === 20000 ? `${(LIBUCI_EXPORT_20K / r.e2e).toFixed(1)}× faster (target 10×: ${LIBUCI_EXPORT_20K / r.e2e >= 10 ? 'met' : 'NOT met'})` : '';
  const ms = (s) => `${(s * 1000).toFixed(1)} ms`;
  console.log(
    `${String(r.sections).padStart(8)} ${r.mb.toFixed(1).padStart(5)} ${ms(r.inproc).padStart(9)} ${ms(r.inprocTrivia).padStart(11)} ${ms(r.inprocBytes).padStart(11)}` +
      ` ${ms(r.e2e).padStart(11)} ${(r.e2e / r.sections * 1e6).toFixed(2).padStart(10)}   ${ratio}` +
      (NO_CERTS ? `   (${ms(r.e2eNoCerts)}${r.sections === 20000 ? `: ${(LIBUCI_EXPORT_20K / r.e2eNoCerts).toFixed(1)}×` : ''})` : ''),
  );
}
console.log(`\nnode start-up alone (node -e 0): ${(startup * 1000).toFixed(1)} ms median${NO_CERTS ? ` (${(startupNoCerts * 1000).toFixed(1)} ms without NODE_EXTRA_CA_CERTS)` : ''}; load average ${loadAverage()}`);

/**
 * The file of issue 14: 411000 firewall-like sections, ~52 MB (rules of five options, a zone
 * every 50 sections), smaller sections than gen-big-uci's.
 */
function firewallLike(sections) {
  const targets = ['ACCEPT', 'REJECT', 'DROP'];
  const zones = ['wan', 'lan', 'guest'];
  const out = [];
  for (let i = 0; i < sections; i++) {
    out.push(i % 50 === 0
      ? `config zone\n\toption name 'z${i}'\n\toption input 'ACCEPT'\n\tlist network 'n${i}'\n`
      : `config rule\n\toption name 'Allow-${i}'\n\toption src '${zones[i % 3]}'\n\toption proto 'tcp'\n\toption dest_port '${i % 65535}'\n\toption target '${targets[i % 3]}'\n`);
  }
  return Buffer.from(out.join('\n'));
}

// show, get and commit end to end, with the command's CPU time and peak RSS (/usr/bin/time):
// wall time moves with the machine's load, CPU time much less
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const CMD_RUNS = 3;
const big = mkdtempSync(join(tmpdir(), 'uci-bench-cmd-'));
mkdirSync(join(big, 'conf'));
const cmdRows = [];
const inputs = [
  ...[5000, 20000, 80000, 160000].map((sections) => ({ sections, name: `big${sections}`, bytes: () => execFileSync(process.execPath, [gen, String(sections)], { maxBuffer: 1 << 30 }), get: 'opt0' })),
  { sections: 411000, name: 'fw411k', bytes: () => firewallLike(411000), get: 'name' },
];
try {
  for (const { sections, name, bytes, get } of inputs) {
    const size = bytes();
    writeFileSync(join(big, 'conf', name), size);
    /** One command: wall and CPU seconds and peak RSS in MB (NaN without /usr/bin/time); stdout to a file. */
    const run = (args) => {
      const cli = [join(root, 'bin/uci-fw4.js'), 'uci', '-c', join(big, 'conf'), '-t', join(big, 'save'), ...args];
      const fd = openSync(join(big, 'out'), 'w');
      let r;
      const opts = { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' };
      const s = time(() => (r = TIME ? spawnSync(TIME, ['-f', '%U %S %M', process.execPath, ...cli], opts) : spawnSync(process.execPath, cli, opts)));
      closeSync(fd);
      if (r.status !== 0) throw new Error(`uci ${args.join(' ')} failed: ${r.stderr}`);
      const [user, sys, kb] = TIME ? r.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
      return { s, cpu: user + sys, mb: kb / 1024 };
    };
    const measure = (args, before) => {
      const xs = [];
      for (let i = 0; i < CMD_RUNS; i++) {
        before?.();
        xs.push(run(args));
      }
      return { s: median(xs.map((x) => x.s)), cpu: median(xs.map((x) => x.cpu)), mb: median(xs.map((x) => x.mb)) };
    };
    let k = 0;
    cmdRows.push({
      sections,
      name,
      // MiB, as the RSS figures (kB / 1024): the ratio is of like units
      mb: size.length / 2 ** 20,
      show: measure(['show', name]),
      get: measure(['get', `${name}.@rule[-1].${get}`]),
      // one option changed before each run, so that every commit rewrites the whole file
      commit: measure(['commit', name], () => run(['set', `${name}.@zone[0].${get}=v${k++}`])),
    });
  }
} finally {
  rmSync(big, { recursive: true, force: true });
}
console.log('');
console.log(`commands end to end: node bin/uci-fw4.js uci -c DIR -t SAVE show FILE | get FILE.@rule[-1].OPT | commit FILE (after a set); median of ${CMD_RUNS}: wall, CPU (user+sys) and peak RSS by /usr/bin/time`);
console.log('input (sections)     MiB   show: wall   cpu     RSS    get: wall   cpu     RSS    commit: wall   cpu     RSS   commit RSS / size');
const cell = (c) => `${c.s.toFixed(2).padStart(7)} s ${c.cpu.toFixed(2).padStart(5)} s ${c.mb.toFixed(0).padStart(4)} MiB`;
for (const r of cmdRows) {
  console.log(`${`${r.name} (${r.sections})`.padEnd(18)} ${r.mb.toFixed(1).padStart(6)}  ${cell(r.show)}  ${cell(r.get)}  ${cell(r.commit)}   ${(r.commit.mb / r.mb).toFixed(1)}×`);
}
console.log(`load average ${loadAverage()}`);
