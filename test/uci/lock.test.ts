// libuci's locks (lib/uci/lock.ts): flock on the config file for a commit and on the savedir's
// change file for appends and for a commit's read + truncate, so that processes sharing a
// savedir lose no update, and our tools and anything taking libuci's flock (the real `uci`,
// flock(1)) exclude each other. The 20-run soak of the lost-update case: `npm run soak:locks`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Cursor, flockAvailable, UciLockError } from '../../lib/uci/index.js';
// @ts-expect-error: a plain script, shared with the soak run
import { lostUpdateRun } from '../../bench/lost-update.mjs';
import { Output } from '../../cli/uci/context.js';
import { repo } from '../helpers/cli.js';

const hasFlock1 = spawnSync('flock', ['--version']).status === 0;
const holders: ChildProcess[] = [];
let dir = '';
let conf = '';
let save = '';
const config = () => join(conf, 'firewall');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uci-lock-'));
  conf = join(dir, 'c');
  save = join(dir, 's');
  mkdirSync(conf);
  mkdirSync(save);
  writeFileSync(config(), "config d 'd'\n\toption a '1'\n");
});
afterEach(async () => {
  for (const h of holders.splice(0)) if (h.exitCode === null) h.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A flock(1) process holding `file`'s lock for `seconds`; resolves once it holds it. */
async function holdWithFlock(file: string, seconds: number): Promise<ChildProcess> {
  const h = spawn('flock', [file, 'sh', '-c', `echo held; sleep ${seconds}`], { stdio: ['ignore', 'pipe', 'ignore'] });
  holders.push(h);
  await once(h.stdout!, 'data');
  return h;
}

it('flock is available here (fs-ext built by npm ci)', () => {
  expect(flockAvailable()).toBe(true);
});

describe.skipIf(!hasFlock1)('with flock(1) from util-linux', () => {
  it('a commit waits while another process holds the config file lock, then completes', async () => {
    const c = new Cursor({ confdir: conf, savedir: save });
    c.set('firewall', 'd', 'b', '2');
    const holder = await holdWithFlock(config(), 0.6);
    const started = Date.now();
    await c.commitAsync('firewall');
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(holder.exitCode).not.toBeNull();
    expect(readFileSync(config(), 'utf8')).toBe("config d 'd'\n\toption a '1'\n\toption b '2'\n");
    expect(readFileSync(join(save, 'firewall'), 'utf8')).toBe('');
  });

  it('a lock held past the time-out is an error naming the locked file, and nothing changes', async () => {
    const c = new Cursor({ confdir: conf, savedir: save, lockTimeoutMs: 150 });
    c.set('firewall', 'd', 'b', '2');
    await holdWithFlock(config(), 5);
    let err: unknown;
    try {
      await c.commitAsync('firewall');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UciLockError);
    expect((err as UciLockError).lockFile).toBe(config());
    expect((err as Error).message).toBe(`${config()} is locked by another process; waited 0.15 s`);
    expect(readFileSync(config(), 'utf8')).toBe("config d 'd'\n\toption a '1'\n");
    expect(readFileSync(join(save, 'firewall'), 'utf8')).toBe("firewall.d.b='2'\n");
    expect(readdirSync(conf)).toEqual(['firewall']);
  });

  it('a commit re-reads the file it holds the lock of, not whatever is at the path later (libuci re-parses from its locked stream)', async () => {
    const c = new Cursor({ confdir: conf, savedir: save });
    c.set('firewall', 'd', 'b', '2');
    const holder = await holdWithFlock(join(save, 'firewall'), 0.5);
    const commit = c.commitAsync('firewall');
    // the commit holds the config's lock and waits for the change file's
    while (spawnSync('flock', ['-n', config(), 'true']).status === 0) await new Promise((r) => setTimeout(r, 5));
    // a writer that ignores the lock puts another file at the path meanwhile
    writeFileSync(join(conf, '.other'), "config d 'd'\n\toption a 'other'\n");
    renameSync(join(conf, '.other'), config());
    await commit;
    expect(holder.exitCode).not.toBeNull();
    expect(readFileSync(config(), 'utf8')).toBe("config d 'd'\n\toption a '1'\n\toption b '2'\n");
  });

  it('a FIFO put at the config path once the package is loaded: the commit is an error naming it, not one that never returns', () => {
    // in a process of its own (the built library): an open that blocks cannot be interrupted in this one
    const script = `
      import { spawnSync } from 'node:child_process';
      import { rmSync } from 'node:fs';
      import { Cursor } from ${JSON.stringify(join(repo, 'dist/lib/uci/index.js'))};
      const cursor = new Cursor({ confdir: ${JSON.stringify(conf)}, savedir: ${JSON.stringify(save)} });
      cursor.set('firewall', 'd', 'a', '2');
      rmSync(${JSON.stringify(config())});
      spawnSync('mkfifo', [${JSON.stringify(config())}]);
      try { cursor.commit('firewall'); console.log('committed'); } catch (e) { console.log(e.message); }`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
    expect(r.signal).toBeNull();
    expect(r.stdout).toBe(`I/O error: cannot lock ${config()}: not a regular file\n`);
  });

  it('staging waits for the change file lock (uci_save), and a non-blocking cursor fails at once', async () => {
    writeFileSync(join(save, 'firewall'), '');
    await holdWithFlock(join(save, 'firewall'), 5);
    const blocking = new Cursor({ confdir: conf, savedir: save, lockTimeoutMs: 100 });
    expect(() => blocking.set('firewall', 'd', 'b', '2')).toThrow(/s\/firewall is locked by another process; waited 0.1 s/);
    const server = new Cursor({ confdir: conf, savedir: save, blockingLocks: false });
    const started = Date.now();
    expect(() => server.set('firewall', 'd', 'b', '2')).toThrow(UciLockError);
    expect(Date.now() - started).toBeLessThan(100);
    expect(readFileSync(join(save, 'firewall'), 'utf8')).toBe('');
  });
});

it('the uci command says which file was locked', () => {
  const out = new Output();
  out.perror(new UciLockError('/etc/config/firewall', 10_000), null);
  expect(out.err).toEqual(['uci: I/O error (/etc/config/firewall is locked by another process; waited 10 s)\n']);
});

it('a killed lock holder leaves no lock behind', async () => {
  const holder = spawn(process.execPath, ['--input-type=module', '-e', `
    import { lockFileSync } from ${JSON.stringify(join(repo, 'dist/lib/uci/index.js'))};
    lockFileSync(${JSON.stringify(config())}, true);
    console.log('held');
    setInterval(() => {}, 1000);
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  holders.push(holder);
  await once(holder.stdout!, 'data');
  const c = new Cursor({ confdir: conf, savedir: save, lockTimeoutMs: 100 });
  c.set('firewall', 'd', 'b', '2');
  await expect(c.commitAsync('firewall')).rejects.toThrow(UciLockError);
  holder.kill('SIGKILL');
  await once(holder, 'exit');
  await c.commitAsync('firewall');
  expect(readFileSync(config(), 'utf8')).toContain("option b '2'");
  expect(readdirSync(conf)).toEqual(['firewall']);
});

describe('a commit on a full disk', () => {
  const small = join(tmpdir(), `uci-lock-full-${process.pid}`);
  mkdirSync(small, { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [small]);
    rmSync(small, { recursive: true, force: true });
  });

  // the disk fills in the middle of the write: the short write must not be taken for the whole
  it.skipIf(!mounted)('fails and leaves the config and the confdir as they were (needs root to mount a 64 KiB tmpfs)', () => {
    const cdir = join(small, 'c');
    mkdirSync(cdir);
    writeFileSync(join(cdir, 'firewall'), "config d 'd'\n");
    const c = new Cursor({ confdir: cdir, savedir: save });
    c.set('firewall', 'd', 'big', 'x'.repeat(100_000));
    for (let i = 0; i < 3; i++) expect(() => c.commit('firewall')).toThrow(/I\/O error/);
    expect(readFileSync(join(cdir, 'firewall'), 'utf8')).toBe("config d 'd'\n");
    expect(readdirSync(cdir)).toEqual(['firewall']);
  });
});

describe('lost updates: 20 processes × 5 set + commit through one savedir', () => {
  it('every option reaches the file', async () => {
    const r = await lostUpdateRun();
    expect(r.failures).toEqual([]);
    expect(r.stray).toEqual([]);
    expect(r.found).toBe(100);
  }, 400_000);

  it('every option reaches the file with --keep-comments', async () => {
    const r = await lostUpdateRun({ keepComments: true });
    expect(r.failures).toEqual([]);
    expect(r.found).toBe(100);
    expect(r.keptComment).toBe(true);
  }, 400_000);

  it.skipIf(!hasFlock1)('with flock(1) holding the config lock 2 s in the middle: ours wait, then complete', async () => {
    const r = await lostUpdateRun({ holdMs: 2000 });
    expect(r.failures).toEqual([]);
    expect(r.found).toBe(100);
    // taken when a quarter was in, so the others had to wait for it
    expect(r.heldWith).toBeGreaterThanOrEqual(25);
    expect(r.heldWith).toBeLessThan(100);
  }, 400_000);
});
