// Fleet migrations over rpcd's JSON-RPC (issue 17), against our server on loopback: the
// transaction read with `uci get`, staged with uci calls, checked, applied with rollback and
// confirmed; and every way that can go wrong.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runMigrations, type Migration, type RemoteTarget, type TargetResult } from '../../lib/migrate/index.js';
import { parseDocument } from '../../lib/uci/index.js';
import { call, root } from '../rpc/harness.js';
import { tempDir } from './fixtures/confdir.js';
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

/** Planned as the wan zone's set, then the rule's add: a refused add comes after something was staged. */
const addRuleAndDropWan: Migration = {
  id: 'add-and-set', description: 'a new rule and the wan input', packages: ['firewall'],
  up(tx) {
    const rule = tx.add('firewall', 'rule');
    tx.set('firewall', rule, 'name', 'Allow-SSH');
    dropWanInput.up(tx);
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

  it("stages changes longer than uhttpd's bound on a request body (64 KiB) in batches within it", async () => {
    const router = await startRouter();
    const many: Migration = {
      id: 'many-rules', description: '200 rules with long names', packages: ['firewall'],
      up(tx) {
        for (let i = 0; i < 200; i++) tx.set('firewall', tx.add('firewall', 'rule'), 'name', `rule-${i}-${'x'.repeat(300)}`);
      },
    };
    const r = await one(router.url, [many]);
    expect(r.reason).toBeUndefined();
    expect(r.status).toBe('changed');
    const rules = parseDocument(router.firewall(), { name: 'firewall' }).toPackage().sections.filter((s) => s.type === 'rule');
    expect(rules.filter((s) => String(s.options.get('name')).startsWith('rule-'))).toHaveLength(200);
  });
});

/** `uci changes` of the runner's own session (kept alive by refusing its destroy). */
async function sessionChanges(router: Awaited<ReturnType<typeof startRouter>>, sid: string): Promise<unknown> {
  const [status, data] = await call(router.harness.url, sid, 'uci', 'changes');
  expect(status).toBe(0);
  return data!.changes;
}

const STAGING = new Set(['uci.add', 'uci.set', 'uci.delete', 'uci.rename', 'uci.order', 'uci.apply']);

describe('what goes wrong on a router', () => {
  it('a migration that throws: nothing is sent, nothing stays staged', async () => {
    const router = await startRouter();
    const before = router.firewall();
    let sid = '';
    const proxy = await startProxy(router.url, { onLogin: (s) => (sid = s), refuse: (c) => (c.method === 'destroy' ? 6 : null) });
    const throws: Migration = {
      id: 'throws', description: 'changes, then throws', packages: ['firewall'],
      up(tx) {
        tx.set('firewall', '@defaults[0]', 'input', 'DROP');
        throw new Error('no wan zone here');
      },
    };
    const r = await one(proxy.url, [throws]);
    expect(r).toMatchObject({ status: 'failed', failedMigration: 'throws', reason: "migration 'throws': no wan zone here", files: [], applied: [] });
    expect(proxy.methods().filter((m) => STAGING.has(m))).toEqual([]);
    expect(await sessionChanges(router, sid)).toEqual({});
    expect(router.firewall()).toBe(before);
  });

  it('a call refused while staging: what was staged is reverted, nothing applied', async () => {
    const router = await startRouter();
    const before = router.firewall();
    let sid = '';
    const proxy = await startProxy(router.url, {
      onLogin: (s) => (sid = s),
      refuse: (c) => (c.method === 'destroy' ? 6 : c.method === 'add' ? 2 : null),
    });
    const r = await one(proxy.url, [addRuleAndDropWan]);
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('ubus call uci add: invalid argument');
    expect(proxy.methods().filter((m) => STAGING.has(m) || m === 'uci.revert')).toEqual(['uci.set', 'uci.add', 'uci.revert']);
    expect(proxy.calls.find((c) => c.method === 'revert')!.args).toEqual({ config: 'firewall' });
    expect(await sessionChanges(router, sid)).toEqual({});
    expect(router.firewall()).toBe(before);
  });

  it('a router whose ACLs grant neither uci revert nor session destroy (LuCI\'s): the reason says what stays staged, and where', async () => {
    const router = await startRouter();
    const before = router.firewall();
    let sid = '';
    const proxy = await startProxy(router.url, {
      onLogin: (s) => (sid = s),
      refuse: (c) => (c.method === 'add' ? 2 : null),
      deny: (c) => c.method === 'revert' || c.method === 'destroy',
    });
    const r = await one(proxy.url, [addRuleAndDropWan], { timeoutMs: 20_000, rollbackTimeout: 2 });
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('ubus call uci add: invalid argument; uci revert firewall: Access denied: what the run staged stays in its own session on the router until the session expires (22 s after the login)');
    // so it is: in that session only, as rpcd keeps sessions' staging apart
    expect(await sessionChanges(router, sid)).not.toEqual({});
    expect(await router.changes()).toEqual({});
    expect(router.firewall()).toBe(before);
  });

  it('a migration without packages on a router whose ACLs do not grant uci configs: the reason says what to do', async () => {
    const router = await startRouter();
    const proxy = await startProxy(router.url, { deny: (c) => c.method === 'configs' });
    const { packages: _, ...anywhere } = dropWanInput;
    const r = await one(proxy.url, [anywhere]);
    expect(r).toMatchObject({ status: 'failed', reason: 'ubus call uci configs: Access denied: give the migrations their `packages`, so that the run reads only those' });
    expect(proxy.methods()).toEqual(['session.login', 'uci.configs', 'session.destroy']);
  });

  it('a router that stops answering after the apply rolls itself back: its file byte for byte, reported rolled back', async () => {
    const router = await startRouter();
    const before = router.firewall();
    const proxy = await startProxy(router.url, { dropAfterApply: true });
    const r = await one(proxy.url, [dropWanInput], { rollbackTimeout: 1 });
    expect(r.status).toBe('rolled back');
    expect(r.reason).toMatch(/^no confirm possible within 1 s of the apply \(.+\); the router restores its previous configuration itself$/);
    expect(r.files.map((f) => f.package)).toEqual(['firewall']);
    // the apply went through: the file changed, until the router's own rollback
    expect(proxy.methods()).toContain('uci.apply');
    for (let i = 0; i < 50 && router.firewall() !== before; i++) await new Promise((res) => setTimeout(res, 100));
    expect(router.firewall()).toBe(before);
    expect(await router.applyPending()).toBe(false);
  });

  it('a router that answers the confirm with "no apply pending" (rolled back already): reported rolled back, the session ended with the confirm', async () => {
    const router = await startRouter();
    const before = router.firewall();
    const proxy = await startProxy(router.url, { refuse: (c) => (c.method === 'confirm' ? 5 : null) });
    const r = await one(proxy.url, [dropWanInput], { rollbackTimeout: 1 });
    expect(r).toMatchObject({
      status: 'rolled back',
      reason: 'uci confirm: no apply is pending on the router any more; the router restores its previous configuration itself',
    });
    // what rpcd's rollback stages again in the session goes with the session, destroyed in the
    // confirm's batch
    expect(proxy.methods().slice(-3)).toEqual(['uci.apply', 'uci.confirm', 'session.destroy']);
    for (let i = 0; i < 50 && router.firewall() !== before; i++) await new Promise((res) => setTimeout(res, 100));
    expect(router.firewall()).toBe(before);
  });

  it('a router that rolled back before the confirm and refuses the session destroy (as LuCI\'s ACLs do): what its rollback staged again is reverted', async () => {
    const router = await startRouter();
    const before = router.firewall();
    let sid = '';
    const proxy = await startProxy(router.url, {
      onLogin: (s) => (sid = s),
      // the router's rollback (as its timer runs it) comes first: it stages the changes again in
      // the applying session, and the confirm then finds no apply pending
      before: async (c, caller) => {
        if (c.method === 'confirm') expect((await call(router.harness.url, caller, 'uci', 'rollback'))[0]).toBe(0);
      },
      refuse: (c) => (c.method === 'destroy' ? 6 : null),
    });
    const r = await one(proxy.url, [dropWanInput]);
    expect(r).toMatchObject({
      status: 'rolled back',
      reason: 'uci confirm: no apply is pending on the router any more; the router restores its previous configuration itself',
    });
    expect(proxy.methods().slice(-4)).toEqual(['uci.apply', 'uci.confirm', 'session.destroy', 'uci.revert']);
    expect(router.firewall()).toBe(before);
    // the session lives on (its destroy was refused) with nothing staged in it
    const [status, data] = await call(router.harness.url, sid, 'uci', 'changes', { config: 'firewall' });
    expect(status).toBe(0);
    expect(data).toEqual({ changes: [] });
  });

  it('changes another session staged are not touched: the target fails', async () => {
    const router = await startRouter();
    const before = router.firewall();
    // rpcd shows every savedir its cursor has used (libuci uci_set_savedir keeps them on the
    // delta path): another session's staging appears in this session's `uci changes`. Our
    // server keeps sessions apart, so the proxy puts it where this session sees it.
    const proxy = await startProxy(router.url, {
      onLogin: (sid) => {
        const dir = join(router.harness.savedir, `uci-${sid}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'firewall'), 'firewall.foreign=zone\n');
      },
    });
    const r = await one(proxy.url, [dropWanInput]);
    expect(r).toMatchObject({ status: 'failed', reason: 'changes of another session are staged on the router (firewall (1)); not touching it' });
    expect(proxy.methods().filter((m) => STAGING.has(m) || m === 'uci.revert')).toEqual([]);
    expect(router.firewall()).toBe(before);
  });

  it('a wrong password fails the target with the reason', async () => {
    const router = await startRouter();
    const [r] = await runMigrations([{ url: router.url, user: USER, password: 'wrong', name: 'gw-1' }], [dropWanInput]);
    expect(r).toMatchObject({ target: 'gw-1', status: 'failed', reason: `login as 'root' at ${router.url} failed: permission denied` });
  });

  it('a router that does not answer fails with the reason', async () => {
    const [r] = await runMigrations([target('http://127.0.0.1:9/ubus')], [dropWanInput]);
    expect(r!.status).toBe('failed');
    expect(r!.reason).toMatch(/^http:\/\/127\.0\.0\.1:9\/ubus: ubus call session login: .*ECONNREFUSED/);
  });
});

/** A package's sections as plain data in order, options sorted (rpcd rewrites a replaced list at its section's end). */
function shape(text: string): unknown {
  return parseDocument(text, { name: 'firewall' }).toPackage().sections.map((s) => ({
    type: s.type, name: s.anonymous ? null : s.name, options: [...s.options].sort(([a], [b]) => (a < b ? -1 : 1)),
  }));
}

describe('fleet runs', () => {
  const manyEdits = fileURLToPath(new URL('./fixtures/many-edits.mjs', import.meta.url));

  it('a mixed run of confdirs and routers, the migrations from a module (worker thread): each router ends up as the confdir does', async () => {
    const routers = [await startRouter(), await startRouter()];
    const confdir = tempDir('uci-fw4-fleet-');
    cpSync(join(root, 'examples/config'), confdir, { recursive: true });
    const progress: string[] = [];
    const results = await runMigrations([target(routers[0]!.url, 'gw-a'), confdir, target(routers[1]!.url, 'gw-b')], { modules: [manyEdits] }, {
      rollbackTimeout: 5, jobs: 2, onProgress: (done, total, r) => progress.push(`${done}/${total} ${'confdir' in r ? 'confdir' : r.target}`),
    });
    expect(results.map((r) => [r.status, r.reason])).toEqual([['changed', undefined], ['changed', undefined], ['changed', undefined]]);
    expect(results.map((r) => ('confdir' in r ? r.confdir : r.target))).toEqual(['gw-a', confdir, 'gw-b']);
    // routers report as they finish: the counts run 1..3, each target once
    expect(progress.map((p) => p.split(' ')[0])).toEqual(['1/3', '2/3', '3/3']);
    expect(progress.map((p) => p.split(' ')[1]).sort()).toEqual(['confdir', 'gw-a', 'gw-b']);
    const want = shape(readFileSync(join(confdir, 'firewall'), 'utf8'));
    for (const router of routers) {
      expect(shape(router.firewall())).toEqual(want);
      expect(await router.applyPending()).toBe(false);
    }
    const remote = results[0] as TargetResult;
    expect(remote.notes).toEqual([{ migration: 'many-edits', package: 'firewall', message: 'edited' }]);
    expect(remote.applied).toEqual(['many-edits']);
  });

  it('a dry run shows per router the changes it would send and the diff of its export, and stages nothing', async () => {
    const router = await startRouter();
    const before = router.firewall();
    const proxy = await startProxy(router.url);
    const [r] = await runMigrations([target(proxy.url)], [dropWanInput], { dryRun: true });
    expect(r!.status).toBe('changed');
    const f = (r as TargetResult).files[0]!;
    const wan = f.changes[0]!.split('.')[1]!;
    expect(f.changes).toEqual([`firewall.${wan}.input='DROP'`]);
    expect(f.diff).toContain("--- a/firewall\n+++ b/firewall\n");
    expect(f.diff).toContain("-\toption input 'REJECT'\n+\toption input 'DROP'\n");
    expect(proxy.methods().filter((m) => STAGING.has(m) || m === 'uci.revert')).toEqual([]);
    expect(proxy.methods().at(-1)).toBe('session.destroy');
    expect(router.firewall()).toBe(before);
  });

  it('a migration that changes nothing leaves the router unchanged and stages nothing', async () => {
    const router = await startRouter();
    const proxy = await startProxy(router.url);
    const noop: Migration = { id: 'noop', description: 'sets what is there', packages: ['firewall'], up: (tx) => tx.set('firewall', '@defaults[0]', 'input', 'REJECT') };
    const [r] = await runMigrations([target(proxy.url)], [noop]);
    expect(r).toMatchObject({ status: 'unchanged', applied: ['noop'], files: [] });
    expect(proxy.methods().filter((m) => STAGING.has(m))).toEqual([]);
  });

  it('reads every package when a migration does not name its own', async () => {
    const router = await startRouter();
    const proxy = await startProxy(router.url);
    const { packages: _, ...anywhere } = dropWanInput;
    const [r] = await runMigrations([target(proxy.url)], [anywhere]);
    expect(r!.status).toBe('changed');
    expect(proxy.calls.filter((c) => c.method === 'get').map((c) => c.args.config)).toEqual(['firewall', 'network']);
    // no rollbackTimeout: apply gets none, the router's own applies
    expect(proxy.calls.find((c) => c.method === 'apply')!.args).toEqual({ rollback: true });
    // login, read (a batch: configs first), stage and check, apply, confirm, destroy
    expect(proxy.methods()).toEqual([
      'session.login', 'uci.configs', 'uci.get', 'uci.changes', 'uci.get', 'uci.changes', 'uci.set', 'uci.changes', 'uci.apply', 'uci.confirm', 'session.destroy',
    ]);
  });
});

describe('fleet scale', () => {
  it('takes targets from an iterable only as jobs free up, and answers each in order', async () => {
    const router = await startRouter();
    let pulled = 0;
    let done = 0;
    let most = 0;
    async function* targets() {
      for (let i = 0; i < 60; i++) {
        pulled++;
        most = Math.max(most, pulled - done);
        yield { url: router.url, user: USER, password: 'wrong', name: `gw-${i}` };
      }
    }
    const results = await runMigrations(targets(), [dropWanInput], { jobs: 4, onProgress: () => void done++ });
    expect(results.map((r) => (r as TargetResult).target)).toEqual(Array.from({ length: 60 }, (_, i) => `gw-${i}`));
    expect(results.every((r) => r.status === 'failed')).toBe(true);
    // 4 running and the one just taken, waiting for a free job
    expect(most).toBeLessThanOrEqual(5);
  });

  it("a router slower than the target's deadline fails with the reason", async () => {
    const router = await startRouter();
    const proxy = await startProxy(router.url, { delay: (c) => (c.method === 'get' ? 3000 : 0) });
    const [r] = await runMigrations([target(proxy.url)], [dropWanInput], { timeoutMs: 800 });
    expect(r!.status).toBe('failed');
    expect(r!.reason).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ubus: ubus call uci get \(batch of 2 calls\): no answer within \d+ ms$/);
    expect(router.firewall()).not.toContain("'DROP'");
  });
});
