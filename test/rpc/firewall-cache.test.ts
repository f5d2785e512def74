// The firewall object reads the snapshot and parses the firewall config again only when their
// files changed. The server runs in this process: spies count the reads and parses.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rpcObjects } from '../../rpc/objects/index.js';
import { call, login, startHarness, type Harness } from './harness.js';

const spies = vi.hoisted(() => ({ reads: [] as string[], parses: [] as string[] }));
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    spies.reads.push(String(path));
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});
vi.mock('../../lib/uci/index.js', async (original) => {
  const uci = await original<typeof import('../../lib/uci/index.js')>();
  const parseDocument: typeof uci.parseDocument = (text, opts) => {
    spies.parses.push(opts?.name ?? '');
    return uci.parseDocument(text, opts);
  };
  return { ...uci, parseDocument };
});

let h: Harness;
let sid: string;
const print = async () => (await call(h.url, sid, 'firewall', 'print', {}))[1]!.ruleset as string;
const snapshotReads = () => spies.reads.filter((p) => p.endsWith('snapshot.json')).length;
const firewallParses = () => spies.parses.filter((n) => n === 'firewall').length;

beforeAll(async () => {
  // the server's clock runs a minute ahead, so that files just written count as settled (freshness.ts)
  h = await startHarness({ objects: rpcObjects, extraIni: 'snapshot = snapshot.json', now: () => Date.now() + 60_000 });
  writeFileSync(join(h.dir, 'snapshot.json'), '{}');
  sid = await login(h.url);
});
afterAll(() => h.close());

describe('firewall object cache', () => {
  it('an unchanged config and snapshot are not read or parsed again', async () => {
    await print();
    const [reads, parses] = [snapshotReads(), firewallParses()];
    expect(reads).toBeGreaterThan(0);
    expect(parses).toBeGreaterThan(0);
    await print();
    await call(h.url, sid, 'firewall', 'check', {});
    expect([snapshotReads(), firewallParses()]).toEqual([reads, parses]);
  });

  it('a call after the config or the snapshot changed on disk sees the change', async () => {
    const before = await print();
    const file = join(h.confdir, 'firewall');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/option syn_flood\s+'?1'?|option synflood_protect\s+'?1'?/, "option synflood_protect '0'"));
    const parses = firewallParses();
    const afterConfig = await print();
    expect(firewallParses()).toBeGreaterThan(parses);
    expect(afterConfig).not.toBe(before);
    expect(before).toContain('syn_flood');
    expect(afterConfig).not.toContain('syn_flood');

    const reads = snapshotReads();
    writeFileSync(join(h.dir, 'snapshot.json'), JSON.stringify({ files: { '/proc/version': 'Linux version 4.4.0 (x)' } }));
    await print();
    expect(snapshotReads()).toBe(reads + 1);
  });
});
