// The offload report on every case of fw4's corpus: it runs, its JSON round-trips, and on the
// one case with hardware offloading it says what fw4's ruleset does there.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readMocksDir, SnapshotView } from '../../lib/fw4/index.js';
import { offloadReportFor, renderOffloadReport } from '../../lib/fw4/offload/report.js';
import { parseDocument } from '../../lib/uci/index.js';

const casesDir = fileURLToPath(new URL('../../../shared/fw4-corpus/cases', import.meta.url));
const cases = existsSync(casesDir) ? readdirSync(casesDir).sort() : [];

function reportFor(name: string) {
  const dir = join(casesDir, name);
  const pkg = (file: string) => parseDocument(readFileSync(join(dir, 'config', file), 'utf8'), { name: file, file }).toPackage();
  return offloadReportFor({
    firewall: pkg('firewall'),
    ...(existsSync(join(dir, 'config/helpers')) ? { helpers: pkg('helpers') } : {}),
    system: new SnapshotView(readMocksDir(join(dir, 'mocks'))),
  });
}

describe.skipIf(!cases.length)('offload report on the fw4 corpus (needs ../shared)', () => {
  it('covers all 31 cases', () => {
    expect(cases).toHaveLength(31);
  });

  it.each(cases)('%s: runs, renders, and its JSON round-trips', (name) => {
    const r = reportFor(name);
    expect(renderOffloadReport(r)).toMatch(/^Flow offloading: (none|software|hardware) \(requested: /);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    const zones = new Set(r.paths.map((p) => p.src));
    expect(r.paths).toHaveLength(zones.size ** 2);
    if (r.mode === 'none') expect(r.paths.every((p) => p.offload === 'none')).toBe(true);
  });

  it('01_configuration__01_ruleset: hardware offloading over eth0/eth1 and what stays on the slow path', () => {
    const r = reportFor('01_configuration__01_ruleset');
    expect(r.mode).toBe('hardware');
    expect(r.requested).toEqual({ software: true, hardware: true, selective: [] });
    expect(r.devices).toEqual([
      { name: 'eth0', zones: ['lan'], hardwareCapable: true },
      { name: 'eth1', zones: ['wan'], hardwareCapable: true },
    ]);
    expect(r.paths.map((p) => `${p.src}>${p.dest} ${p.offload}`)).toEqual([
      'lan>lan hardware', 'lan>wan hardware', 'wan>lan hardware', 'wan>wan none',
    ]);
    expect(r.findings.map((f) => `${f.section} (${f.name}) ${f.kind}`)).toEqual([
      '@rule[6] (Allow-ICMPv6-Forward) not-tcp-udp',
      '@rule[7] (Allow-IPSec-ESP) not-tcp-udp',
      '@zone[0] (lan) conntrack-helper',
    ]);
  });

  it('only the two cases with flow_offloading (the same config) report an offloading mode', () => {
    const modes = Object.fromEntries(cases.map((c) => [c, reportFor(c).mode]).filter(([, m]) => m !== 'none'));
    expect(modes).toEqual({ '01_configuration__01_ruleset': 'hardware', '06_includes__03_script_includes': 'hardware' });
  });
});
