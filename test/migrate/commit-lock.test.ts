// A migrate commit replaces configs under libuci's lock on each (flock on the config file, as
// `uci commit` and the real uci take it): a holder makes it wait, and a writer that changed a
// config meanwhile makes that confdir fail with nothing of it written (lib/migrate/journal.ts).
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitStaged, stageFiles } from '../../lib/migrate/journal.js';
import { runMigrations } from '../../lib/migrate/runner.js';
import { STATE_DIR } from '../../lib/migrate/state.js';
import type { Migration } from '../../lib/migrate/types.js';
import { FILES, makeConfdir, tempDir } from './fixtures/confdir.js';

const hasFlock1 = spawnSync('flock', ['--version']).status === 0;

const flowOffloading: Migration = {
  id: 'flow-offloading',
  description: 'turn on flow offloading',
  up: (tx) => tx.set('firewall', 'defaults', 'flow_offloading', '1'),
};
const migrated = FILES.firewall!.replace("'REJECT'\n", "'REJECT'\n\toption flow_offloading '1'\n");

/**
 * flock(1) holding `file`'s lock until a line arrives on its stdin; it then runs `then` (a shell
 * command, still holding the lock) and exits. Resolves once the lock is held.
 */
async function holder(file: string, then = 'true'): Promise<ChildProcess> {
  const h = spawn('flock', [file, 'sh', '-c', `echo held; read x; ${then}`], { stdio: ['pipe', 'pipe', 'inherit'] });
  await once(h.stdout!, 'data');
  return h;
}

async function release(h: ChildProcess): Promise<void> {
  h.stdin!.end('go\n');
  await once(h, 'exit');
}

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasFlock1)('migrate commit and libuci locks (needs flock(1))', () => {
  it('waits while another process holds the config lock, then completes', async () => {
    const [a, b] = [makeConfdir(), makeConfdir()];
    const h = await holder(join(a, 'firewall'));
    let settled = false;
    const run = runMigrations([a, b], [flowOffloading], { durable: false }).finally(() => (settled = true));
    await tick(400);
    expect(settled).toBe(false);
    expect(readFileSync(join(a, 'firewall'), 'utf8')).toBe(FILES.firewall);
    expect(readFileSync(join(b, 'firewall'), 'utf8')).toBe(FILES.firewall); // the group commits together
    await release(h);
    const results = await run;
    expect(results.map((r) => r.status)).toEqual(['changed', 'changed']);
    for (const dir of [a, b]) expect(readFileSync(join(dir, 'firewall'), 'utf8')).toBe(migrated);
  });

  it('fails a confdir whose config another writer changed under its lock, leaving it untouched', async () => {
    const [a, b] = [makeConfdir(), makeConfdir()];
    const file = join(a, 'firewall');
    const h = await holder(file, `printf "config zone 'guest'\\n" >> ${file}`);
    const run = runMigrations([a, b], [flowOffloading], { durable: false });
    await tick(200);
    await release(h);
    const [ra, rb] = await run;
    expect(ra).toMatchObject({ status: 'failed', reason: 'firewall was changed by someone else during the run; nothing written', applied: [] });
    expect(readFileSync(file, 'utf8')).toBe(`${FILES.firewall}config zone 'guest'\n`);
    expect(existsSync(join(a, STATE_DIR))).toBe(false); // no applied record, nothing staged left
    expect(rb!.status).toBe('changed');
    expect(readFileSync(join(b, 'firewall'), 'utf8')).toBe(migrated);
  });
});

describe('commitStaged', () => {
  it('commits a group needing more than 256 config locks in parts, each holding its locks across one sync', async () => {
    const parent = tempDir('journal-parts-');
    const dirs = Array.from({ length: 300 }, () => makeConfdir(parent));
    for (const dir of dirs) mkdirSync(join(dir, STATE_DIR)); // the runner's confdir lock makes it
    const staged = dirs.map((dir) => stageFiles(dir, [{ name: 'firewall', text: 'new\n', before: FILES.firewall }]));
    const fds = (): number => readdirSync('/proc/self/fd').length;
    const base = fds();
    const open: number[] = [];
    await commitStaged(staged, () => open.push(fds() - base));
    // staged files durable; part 1 (256 locks) after its commit points; part 2 (44); renames durable
    expect(open).toHaveLength(4);
    expect(open[1]).toBeGreaterThanOrEqual(256);
    expect(open[1]).toBeLessThan(256 + 8);
    expect(staged.filter((s) => s.error)).toEqual([]);
    for (const dir of dirs) expect(readFileSync(join(dir, 'firewall'), 'utf8')).toBe('new\n');
  });
});
