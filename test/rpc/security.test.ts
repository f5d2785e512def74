// What the server must never allow: calls without a session, config names that reach outside
// the confdir, writes anywhere but the confdir and the session savedirs, and change records
// smuggled through values.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpcObjects } from '../../rpc/objects/index.js';
import { ANON, call, callMsg, login, rpc, startHarness, type Harness } from './harness.js';

let h: Harness;
let sid: string;

/** Every file under dir with its size and mtime, to see what a series of calls wrote. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.set(relative(dir, p), `${st.size}:${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

/** How far the server's clock runs ahead of the wall clock (an expiry without waiting for it). */
let skew = 0;

beforeAll(async () => {
  h = await startHarness({ objects: rpcObjects, now: () => Date.now() + skew });
  // a UCI-shaped file beside the confdir: a traversal that reached it would read it
  writeFileSync(join(h.dir, 'secret'), "config secret 'x'\n\toption token 'hunter2'\n");
  sid = await login(h.url);
});
afterAll(() => h.close());

const evilConfigs = ['../secret', '../../etc/passwd', '/etc/passwd', '..', '.', './network', 'a/b', 'network/../network', '.hidden', 'x\\y', '../config/network'];

describe('without a session', () => {
  it('every method of every object but the unauthenticated group\'s is denied (-32002)', async () => {
    const objects = (await rpc(h.url, { jsonrpc: '2.0', id: 1, method: 'list', params: ['*'] })).result as Record<string, Record<string, unknown>>;
    expect(Object.keys(objects)).toEqual(expect.arrayContaining(['session', 'uci']));
    const allowed: string[] = [];
    for (const [object, methods] of Object.entries(objects)) {
      for (const method of Object.keys(methods)) {
        const r = await rpc(h.url, callMsg(ANON, object, method, { config: 'network' }));
        if (r.error?.code !== -32002) allowed.push(`${object}.${method}`);
      }
    }
    // rpcd's unauthenticated.json and luci-base's unauthenticated group (examples/acl.d)
    expect(allowed.sort()).toEqual(['luci.getFeatures', 'session.access', 'session.login']);
  });
});

describe('config names', () => {
  it('never reach outside the confdir: every method answers 4 (not found)', async () => {
    for (const config of evilConfigs) {
      const calls: [string, object][] = [
        ['get', { config }],
        ['state', { config }],
        ['changes', { config }],
        ['add', { config, type: 'x' }],
        ['set', { config, section: 'x', values: { a: 'b' } }],
        ['delete', { config, section: 'x' }],
        ['rename', { config, section: 'x', name: 'y' }],
        ['order', { config, sections: ['x'] }],
        ['revert', { config }],
        ['commit', { config }],
      ];
      for (const [method, args] of calls) expect(await call(h.url, sid, 'uci', method, args), `${method} ${config}`).toEqual([4]);
    }
  });

  it('only confdir packages are listed', async () => {
    expect(await call(h.url, sid, 'uci', 'configs')).toEqual([0, { configs: ['firewall', 'network'] }]);
  });
});

describe('writes', () => {
  it('land only in the confdir and the session savedir, whatever the names and values', async () => {
    const before = tree(h.dir);
    const attempts: [string, object][] = [
      ...evilConfigs.map((config): [string, object] => ['add', { config, type: 'rule', values: { a: 'b' } }]),
      ['add', { config: 'network', type: '../../x' }],
      ['add', { config: 'network', type: 'rule', name: '../x' }],
      ['set', { config: 'network', section: '../x', values: { a: 'b' } }],
      ['set', { config: 'network', section: 'lan', values: { '../x': 'b' } }],
      ['rename', { config: 'network', section: 'lan', name: '../../x' }],
      ['delete', { config: 'network', section: '/etc/passwd' }],
      // a value that looks like a change record must stay a value
      ['set', { config: 'network', section: 'lan', values: { note: "a'\n+network.evil='interface" } }],
    ];
    for (const [method, args] of attempts) await call(h.url, sid, 'uci', method, args);
    const after = tree(h.dir);
    const changed = [...after.keys()].filter((p) => after.get(p) !== before.get(p));
    // the staged change file of this session, nothing else (its savedir lives under save/)
    expect(changed).toEqual([`save/uci-${sid}/network`]);
    const [, lan] = await call(h.url, sid, 'uci', 'get', { config: 'network', section: 'lan', option: 'note' });
    expect(lan).toEqual({ value: "a'\n+network.evil='interface" });
    expect(await call(h.url, sid, 'uci', 'get', { config: 'network', section: 'evil' })).toEqual([0]);
    expect(readFileSync(join(h.dir, 'secret'), 'utf8')).toContain('hunter2');
    expect(await call(h.url, sid, 'uci', 'revert', { config: 'network' })).toEqual([0]);
  });

  it('a destroyed session leaves no savedir behind', async () => {
    const s = await login(h.url);
    expect(await call(h.url, s, 'uci', 'set', { config: 'network', section: 'lan', values: { a: 'b' } })).toEqual([0]);
    expect(readdirSync(h.savedir)).toContain(`uci-${s}`);
    expect(await call(h.url, s, 'session', 'destroy')).toEqual([0]);
    expect(readdirSync(h.savedir)).not.toContain(`uci-${s}`);
  });

  it('an expired session loses its staged changes with its savedir', async () => {
    const s = await login(h.url, 'root', 'secret', 1);
    expect(await call(h.url, s, 'uci', 'set', { config: 'network', section: 'lan', values: { a: 'b' } })).toEqual([0]);
    expect(readdirSync(h.savedir)).toContain(`uci-${s}`);
    skew = 1100;
    try {
      h.app.sessions.sweep();
    } finally {
      skew = 0;
    }
    expect(readdirSync(h.savedir)).not.toContain(`uci-${s}`);
  });
});
