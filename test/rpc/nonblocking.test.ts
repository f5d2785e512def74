// The server never blocks its event loop (issue 11 item 6): a commit waiting for the config's
// lock, held by another process (flock(1), as a `uci commit` holds it), waits on timers, and
// another session is answered meanwhile. The latency bound is measured against the 2 s hold:
// the get must come back while the commit is still waiting.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uciObject } from '../../rpc/objects/uci.js';
import { call, login, startHarness, type Harness } from './harness.js';

const hasFlock1 = spawnSync('flock', ['--version']).status === 0;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ objects: [uciObject] });
});
afterAll(() => h.close());

it.skipIf(!hasFlock1)("answers another session's get while a commit waits 2 s for a held lock (needs flock(1))", async () => {
  const a = await login(h.url);
  const b = await login(h.url);
  const input = { config: 'firewall', section: '@defaults[0]', option: 'input' };
  const before = (await call(h.url, b, 'uci', 'get', input))[1]?.value;
  expect(before).not.toBe('DROP');
  expect(await call(h.url, a, 'uci', 'set', { config: 'firewall', section: '@defaults[0]', values: { input: 'DROP' } })).toEqual([0]);
  const file = join(h.confdir, 'firewall');
  const holder = spawn('flock', [file, 'sh', '-c', 'echo held; sleep 2'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const released = once(holder, 'exit').then(() => Date.now());
  await once(holder.stdout!, 'data');
  const heldAt = Date.now();
  const commit = call(h.url, a, 'uci', 'commit', { config: 'firewall' }).then((r) => ({ r, at: Date.now() }));
  await new Promise((r) => setTimeout(r, 100));
  const started = performance.now();
  const [status, data] = await call(h.url, b, 'uci', 'get', input);
  const getMs = performance.now() - started;
  const gotAt = Date.now();
  expect(status).toBe(0);
  expect(data?.value).toBe(before); // the commit has not happened yet
  const done = await commit;
  expect(done.r).toEqual([0]);
  // the commit waited for the holder; the get did not wait for the commit
  expect(done.at).toBeGreaterThanOrEqual(await released);
  expect(gotAt).toBeLessThan(heldAt + 1000);
  expect(gotAt).toBeLessThan(done.at);
  console.log(`uci get answered in ${getMs.toFixed(1)} ms while a commit waited ${done.at - heldAt} ms for the lock`);
  expect(readFileSync(file, 'utf8')).toMatch(/option input 'DROP'/);
}, 20_000);
