// When a cached parse of a config file answers a request (rpc/uci/freshness.ts): a change made
// on disk before a request is always seen by it, and an unchanged, settled file is parsed once.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Cursor } from '../../lib/uci/index.js';
import { uciObject } from '../../rpc/objects/uci.js';
import { FileChecks, parseStillValid, SETTLE_MS, type StatFn } from '../../rpc/uci/freshness.js';
import { call, callMsg, login, post, rpc, startHarness, type Harness } from './harness.js';

interface FakeFile {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

function fakeFs(file: FakeFile | undefined, now: number) {
  const state = { file, now, stats: 0 };
  const stat: StatFn = () => {
    state.stats++;
    return state.file && { ...state.file };
  };
  return { state, checks: new FileChecks('/c', stat, () => state.now) };
}

describe('file checks', () => {
  const old: FakeFile = { ino: 7, size: 100, mtimeMs: 1000, ctimeMs: 1000 };

  it('stat the file for every check (one per request)', () => {
    const { state, checks } = fakeFs(old, 1000 + 10 * SETTLE_MS);
    const c = checks.check('firewall');
    expect(c).toEqual({ ...old, settled: true });
    expect(checks.check('firewall')).toEqual(c);
    expect(state.stats).toBe(2);
  });

  it('let a parse be reused only when no field changed and the file was older than a clock tick at the check', () => {
    const { state, checks } = fakeFs(old, 1000 + SETTLE_MS);
    const recent = checks.check('x');
    expect(recent.settled).toBe(false);
    // a rewrite within the same tick would keep every field: not to be trusted yet
    expect(parseStillValid(recent, checks.check('x'))).toBe(false);
    state.now = 1000 + SETTLE_MS + 1;
    const settled = checks.check('x');
    expect(parseStillValid(settled, checks.check('x'))).toBe(true);
    for (const change of [{ ino: 8 }, { size: 101 }, { mtimeMs: 999 }, { ctimeMs: 5000 }]) {
      state.file = { ...old, ...change };
      expect(parseStillValid(settled, checks.check('x')), JSON.stringify(change)).toBe(false);
    }
    state.file = undefined;
    const gone = checks.check('x');
    expect(gone.ino).toBeNull();
    expect(parseStillValid(settled, gone)).toBe(false);
  });
});

function testConfig(value: string): string {
  return `config t 'x'\n\toption v '${value}'\n`;
}

/** Same size, same inode: only the bytes change. */
const rewriteInPlace = (path: string, value: string) => writeFileSync(path, testConfig(value));

/** A new file renamed over the old one, as uci commit does: a new inode, whatever the clock. */
function replace(path: string, value: string): void {
  writeFileSync(`${path}.new`, testConfig(value));
  renameSync(`${path}.new`, path);
}

describe.each([
  // the rewrite may keep every stat field: only the settle rule tells
  { files: 'changed within the last clock tick', now: undefined, change: rewriteInPlace },
  // parses are kept: only a check fresh enough for the request tells
  { files: 'settled', now: () => Date.now() + 10 * SETTLE_MS, change: replace },
])('a config changed on disk by another process, $files,', ({ now, change }) => {
  let h: Harness;
  let sid: string;
  const path = () => join(h.confdir, 'test');
  const value = async () => (await call(h.url, sid, 'uci', 'get', { config: 'test', section: 'x', option: 'v' }))[1]?.value;
  const values = async () => ((await call(h.url, sid, 'uci', 'get', { config: 'test' }))[1]?.values as { x: { v: string } }).x.v;

  beforeAll(async () => {
    h = await startHarness({ objects: [uciObject], now });
    sid = await login(h.url);
  });
  afterAll(() => h.close());

  it('is seen by the next request, even at the same size right after a read', async () => {
    change(path(), 'aaaa');
    expect(await values()).toBe('aaaa');
    for (let i = 0; i < 20; i++) {
      const v = i % 2 ? 'aaaa' : 'bbbb';
      change(path(), v);
      expect(await values()).toBe(v);
      expect(await value()).toBe(v);
    }
  });

  it('is seen by a request sent after the change while many others are in flight', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: [sid, 'uci', 'get', { config: 'test' }] });
    for (const v of ['cccc', 'dddd', 'eeee']) {
      change(path(), 'zzzz');
      const inFlight = Array.from({ length: 40 }, () => post(h.url, body));
      await new Promise((r) => setTimeout(r, 1));
      change(path(), v);
      expect(await values()).toBe(v);
      for (const r of await Promise.all(inFlight)) expect(r.status).toBe(200);
    }
  });

  it("shows this server's own commit to another session later in the same batch", async () => {
    change(path(), 'ffff');
    const other = await login(h.url);
    const get = callMsg(other, 'uci', 'get', { config: 'test', section: 'x', option: 'v' });
    const replies = await rpc(h.url, [get, callMsg(sid, 'uci', 'set', { config: 'test', section: 'x', values: { v: 'gggg' } }), callMsg(sid, 'uci', 'commit', { config: 'test' }), get]);
    expect(replies.map((r) => r.result)).toEqual([[0, { value: 'ffff' }], [0], [0], [0, { value: 'gggg' }]]);
  });
});

describe('an unchanged config', () => {
  let h: Harness;
  let sid: string;
  const loads = vi.spyOn(Cursor.prototype, 'load');

  beforeAll(async () => {
    // files look older than the coarsest clock tick: their parses may be kept
    h = await startHarness({ objects: [uciObject], now: () => Date.now() + 10 * SETTLE_MS });
    sid = await login(h.url);
  });
  afterAll(() => {
    loads.mockRestore();
    return h.close();
  });

  it('is parsed once for many requests, and again once replaced', async () => {
    const get = () => call(h.url, sid, 'uci', 'get', { config: 'network' });
    loads.mockClear();
    const first = await get();
    for (let i = 0; i < 5; i++) expect(await get()).toEqual(first);
    expect(loads).toHaveBeenCalledTimes(1);
    replace(join(h.confdir, 'network'), 'new');
    expect(await get()).not.toEqual(first);
    expect(loads).toHaveBeenCalledTimes(2);
  });
});
