// A rollback puts a config back only under the package lock every commit takes (ours, or a
// `uci` command's: flock on the config file, lib/uci/lock.ts), so it never lands in the middle
// of another process's commit; the wait is on timers, so the server goes on answering.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { UciStore } from '../../rpc/uci/store.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('restoreConfig waits while another process holds the package lock', async () => {
  dir = mkdtempSync(join(tmpdir(), 'rpc-rollback-lock-'));
  const conf = join(dir, 'conf');
  mkdirSync(conf);
  const file = join(conf, 'firewall');
  writeFileSync(file, "config defaults\n\toption input 'DROP'\n");
  // another process (flock(1), as a `uci commit` would) takes the lock and gives it up after 400 ms
  const holder = spawn('flock', [file, 'sh', '-c', 'echo locked; sleep 0.4'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(holder, 'exit');
  await once(holder.stdout!, 'data');
  const store = new UciStore(conf, join(dir, 'sessions'));
  const started = Date.now();
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 10);
  await store.restoreConfig('firewall', Buffer.from("config defaults\n\toption input 'ACCEPT'\n"), 0o644);
  clearInterval(ticker);
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  // the event loop ran meanwhile
  expect(ticks).toBeGreaterThan(5);
  expect(readFileSync(file, 'utf8')).toBe("config defaults\n\toption input 'ACCEPT'\n");
  await exited;
});
