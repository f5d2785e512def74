// Fleet migrations over rpcd's JSON-RPC (issue 17), against our server on loopback: the
// transaction read with `uci get`, staged with uci calls, checked, applied with rollback and
// confirmed; and every way that can go wrong.
import { describe, expect, it } from 'vitest';
import { runMigrations, type Migration, type RemoteTarget, type TargetResult } from '../../lib/migrate/index.js';
import { PASSWORD, startProxy, startRouter, USER } from './fixtures/router.js';

const target = (url: string, name?: string): RemoteTarget => ({ url, user: USER, password: PASSWORD, ...(name ? { name } : {}) });

const dropWanInput: Migration = {
  id: 'wan-input-drop',
  description: "the wan zone's input policy becomes DROP",
  packages: ['firewall'],
  up(tx) {
    const zones = tx.load('firewall').sections.filter((s) => s.type === 'zone');
    const wan = zones.find((s) => s.options.get('name') === 'wan')!;
    tx.set('firewall', wan.name, 'input', 'DROP');
  },
};

async function one(url: string, migrations: Migration[], opts: Parameters<typeof runMigrations>[2] = {}): Promise<TargetResult> {
  const [r] = await runMigrations([target(url)], migrations, { rollbackTimeout: 2, timeoutMs: 20_000, ...opts });
  return r as TargetResult;
}

describe('a router migrated over JSON-RPC', () => {
  it('applies, confirms, and the file changes with its comments kept', async () => {
    const router = await startRouter();
    const before = router.firewall();
    const r = await one(router.url, [dropWanInput]);
    expect(r.reason).toBeUndefined();
    expect(r).toMatchObject({ target: router.url, url: router.url, status: 'changed', applied: ['wan-input-drop'] });
    expect(r.files.map((f) => f.package)).toEqual(['firewall']);
    expect(r.files[0]!.changes).toHaveLength(1);
    expect(r.files[0]!.changes[0]).toMatch(/^firewall\.cfg[0-9a-f]{6}\.input='DROP'$/);
    const after = router.firewall();
    // the wan zone's input line changed, nothing else: the comments stay as our server keeps them
    const changed = after.split('\n').filter((l, i) => l !== before.split('\n')[i]);
    expect(changed).toEqual(["\toption input 'DROP'"]);
    expect(after).toContain('# Uncomment this line to disable ipv6 rules');
    expect(await router.changes()).toEqual({});
    expect(await router.applyPending()).toBe(false);
  });
});
