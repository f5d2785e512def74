// The print cases of ../shared (fw4's corpus and the benchmark configs) and the devices each
// one's system snapshot names.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SnapshotView, readMocksDir } from '../../../lib/fw4/snapshot/index.js';
import { defaultHelpers, translateFirewall, type Translation } from '../../../lib/fw4/index.js';
import { parseDocument } from '../../../lib/uci/index.js';

export const SHARED = fileURLToPath(new URL('../../../../shared', import.meta.url));
const ROOTS = [join(SHARED, 'fw4-corpus/cases'), join(SHARED, 'fw4-bench')];

export interface PrintCase {
  name: string;
  dir: string;
  expected: string;
  devices: string[];
}

export function sharedAvailable(): boolean {
  return ROOTS.every((root) => existsSync(root));
}

export function printCases(): PrintCase[] {
  const cases: PrintCase[] = [];
  for (const root of ROOTS) {
    for (const name of readdirSync(root).sort()) {
      const dir = join(root, name);
      const action = join(dir, 'action');
      if (!existsSync(action) || readFileSync(action, 'utf8').trim() !== 'print') continue;
      const expected = readFileSync(join(dir, 'expected.nft'), 'utf8');
      cases.push({ name, dir, expected, devices: snapshotDevices(join(dir, 'mocks'), expected) });
    }
  }
  return cases;
}

interface InterfaceDump {
  interface?: { device?: string; l3_device?: string }[];
}

/** Devices the snapshot says exist (interfaces, /sys/class/net listings) or a flowtable names. */
function snapshotDevices(mocks: string, ruleset: string): string[] {
  const snapshot = readMocksDir(mocks);
  const view = new SnapshotView(snapshot);
  const names = new Set<string>();
  const dump = view.ubus('network.interface', 'dump') as InterfaceDump | null;
  for (const iface of dump?.interface ?? []) {
    if (iface.device) names.add(iface.device);
    if (iface.l3_device) names.add(iface.l3_device);
  }
  for (const key of Object.keys(snapshot.dirs ?? {})) {
    const m = /^_sys_class_net_([^_]+)$/.exec(key);
    if (m?.[1]) names.add(m[1]);
  }
  for (const m of ruleset.matchAll(/^\t\tdevices = \{ (.*) \};$/gm)) {
    for (const dev of m[1]?.split(', ') ?? []) names.add(dev.replace(/^"|"$/g, ''));
  }
  return [...names];
}

/** Our translator's output for a case, from the same inputs fw4 had. */
export function translateCase(c: PrintCase): Translation {
  const parse = (name: string) => parseDocument(readFileSync(join(c.dir, 'config', name), 'utf8'), { name }).toPackage();
  return translateFirewall({
    firewall: parse('firewall'),
    // fw4 always has its helpers file; the bench cases use the shipped one
    helpers: existsSync(join(c.dir, 'config/helpers')) ? parse('helpers') : defaultHelpers(),
    system: new SnapshotView(readMocksDir(join(c.dir, 'mocks'))),
  });
}
