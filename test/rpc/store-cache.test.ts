// The uci object's parse cache (rpc/uci/store.ts) is bounded store-wide, whatever the number of
// sessions and the size of the configs, and a parse that cannot be reused is not kept.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CACHE_LIMITS, UciStore } from '../../rpc/uci/store.js';

let dir = '';
let conf = '';
const sid = (i: number) => i.toString(16).padStart(32, '0');
// files written now count as settled for a clock a minute ahead (freshness.ts)
const later = () => Date.now() + 60_000;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rpc-store-cache-'));
  conf = join(dir, 'conf');
  mkdirSync(conf);
  writeFileSync(join(conf, 'small'), "config thing 'one'\n\toption x '1'\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it(`holds at most ${CACHE_LIMITS.entries} packages, least recently used evicted`, () => {
  const store = new UciStore(conf, join(dir, 'save'), undefined, later);
  for (let i = 0; i < CACHE_LIMITS.entries + 50; i++) store.load(sid(i), 'small');
  expect(store.cacheStats().entries).toBe(CACHE_LIMITS.entries);
  // the first sessions' parses were evicted, and their cursors let them go
  expect(store.cursor(sid(0)).unchangedFile('small')).not.toBeNull();
  const last = sid(CACHE_LIMITS.entries + 49);
  const parses = store.cursor(last).parseCount;
  store.load(last, 'small');
  expect(store.cursor(last).parseCount).toBe(parses);
});

it(`holds at most ${CACHE_LIMITS.textBytes} bytes of parsed config text`, () => {
  const section = (i: number) => `config thing 's${i}'\n\toption value '${'x'.repeat(60)}'\n\n`;
  const text = Array.from({ length: 4000 }, (_, i) => section(i)).join('');
  expect(text.length).toBeGreaterThan(CACHE_LIMITS.textBytes / 3);
  writeFileSync(join(conf, 'big'), text);
  const store = new UciStore(conf, join(dir, 'save'), undefined, later);
  for (let i = 0; i < 5; i++) store.load(sid(i), 'big');
  expect(store.cacheStats().textBytes).toBeLessThanOrEqual(CACHE_LIMITS.textBytes);
  expect(store.cacheStats().entries).toBe(Math.floor(CACHE_LIMITS.textBytes / text.length));
  // the commit text parsed for the firewall object counts as well
  store.committed(sid(4), 'big');
  expect(store.cacheStats().textBytes).toBeLessThanOrEqual(CACHE_LIMITS.textBytes);
});

it('keeps no parse of a file changed within the settle time: the next request could not use it', () => {
  const store = new UciStore(conf, join(dir, 'save'));
  expect(store.load(sid(1), 'small').sections[0]!.options.get('x')).toBe('1');
  store.valuesReply(sid(1), 'small', () => ({}));
  store.committed(sid(1), 'small');
  store.changes(sid(1), 'small');
  expect(store.cacheStats()).toEqual({ entries: 0, textBytes: 0 });
  // unchangedFile answers null while the cursor holds the package
  expect(store.cursor(sid(1)).unchangedFile('small')).not.toBeNull();
});
