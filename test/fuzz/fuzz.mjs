// `npm run fuzz` (not part of `npm test`): generated input through the parts that take input
// from users and the network, on the build in dist/. A crash is any exception that is not one
// of the typed errors the part documents, a hang is an input that takes longer than HANG_MS.
// Each failing input is written to test/fuzz/failures/ and the run exits 1.
//
//   npm run fuzz                         # 1,000,000 UCI, 200,000 JSON-RPC, 100,000 firewall
//   npm run fuzz -- --uci 1000 --rpc 1000 --fw4 1000 --seed 42
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { uciTarget } from './uci.mjs';
import { rpcTarget } from './rpc.mjs';
import { fw4Target } from './fw4.mjs';

const HANG_MS = 2000;
const here = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: {
    uci: { type: 'string', default: '1000000' },
    rpc: { type: 'string', default: '200000' },
    fw4: { type: 'string', default: '100000' },
    seed: { type: 'string' },
  },
});
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
console.log(`fuzz: seed ${seed} (rerun with --seed ${seed})`);

let failures = 0;
function fail(target, kind, input, error) {
  failures++;
  const dir = join(here, 'failures');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${target}-${kind}-${failures}.txt`);
  writeFileSync(file, `${error?.stack ?? error}\n---- input ----\n${typeof input === 'string' ? input : JSON.stringify(input, null, 1)}`);
  console.log(`  ${kind}: ${error?.message ?? error} (input in ${file})`);
}

/** Runs `count` inputs of `target` (sample: an arbitrary; check: async (input) => void, throws a crash). */
async function run(target, count) {
  if (count === 0) return;
  const started = performance.now();
  let done = 0;
  let crashes = 0;
  let hangs = 0;
  let lastReport = started;
  const outcomes = new Map();
  await target.start?.();
  try {
    const batch = target.concurrency ?? 1;
    // inputs are drawn a chunk at a time (a million texts at once would not fit in memory),
    // each chunk with its own seed derived from the run's
    const chunk = 5000;
    for (let c = 0; c * chunk < count; c++) {
     const gen = fc.sample(target.arbitrary, { numRuns: Math.min(chunk, count - c * chunk), seed: seed + c });
     for (let i = 0; i < gen.length; i += batch) {
      await Promise.all(gen.slice(i, i + batch).map(async (input) => {
        const t = performance.now();
        try {
          const outcome = await target.check(input);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        } catch (e) {
          crashes++;
          fail(target.name, 'crash', input, e);
        }
        if (performance.now() - t > HANG_MS) {
          hangs++;
          fail(target.name, 'hang', input, new Error(`took ${(performance.now() - t).toFixed(0)} ms`));
        }
        done++;
      }));
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        console.log(`  ${target.name}: ${done}/${count}`);
      }
     }
    }
  } finally {
    await target.stop?.();
  }
  const s = ((performance.now() - started) / 1000).toFixed(1);
  const seen = [...outcomes].map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`${target.name}: ${done} inputs in ${s} s: ${crashes} crashes, ${hangs} hangs (${seen})`);
}

await run(uciTarget, Number(values.uci));
await run(rpcTarget, Number(values.rpc));
await run(fw4Target, Number(values.fw4));
console.log(failures === 0 ? 'fuzz: no crashes, no hangs' : `fuzz: ${failures} failing inputs`);
process.exitCode = failures === 0 ? 0 : 1;
