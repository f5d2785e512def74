// A rollback puts a config back only under the package lock every commit takes (ours, or a
// `uci` command's: `.<pkg>.uci-lock` beside the file, holding the pid), so it never lands in
// the middle of another process's commit.

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
  const lock = join(conf, '.firewall.uci-lock');
  // another process takes the lock and gives it up after 400 ms
  const holder = spawn(process.execPath, ['-e', `
    const fs = require('node:fs');
    fs.writeFileSync(${JSON.stringify(lock)}, String(process.pid));
    process.stdout.write('locked\\n');
    setTimeout(() => fs.unlinkSync(${JSON.stringify(lock)}), 400);
  `]);
  await once(holder.stdout!, 'data');
  const store = new UciStore(conf, join(dir, 'sessions'));
  const started = Date.now();
  store.restoreConfig('firewall', Buffer.from("config defaults\n\toption input 'ACCEPT'\n"), 0o644);
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  expect(readFileSync(file, 'utf8')).toBe("config defaults\n\toption input 'ACCEPT'\n");
  await once(holder, 'exit');
});
