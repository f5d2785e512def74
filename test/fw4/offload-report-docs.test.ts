// docs/offload.md cannot drift: its worked example's report is what the code prints for its
// config (its ```ts run block is run by test/readme.test.ts).
import { describe, expect, it } from 'vitest';
import { hardwareCapabilityEntries, offloadReportFor, renderOffloadReport, SnapshotView } from '../../lib/fw4/index.js';
import { parseDocument } from '../../lib/uci/index.js';
import { readFileSync } from 'node:fs';

const doc = readFileSync(new URL('../../docs/offload.md', import.meta.url), 'utf8');

/** The fenced blocks of the document, with their info string. */
function blocks(markdown: string): { info: string; body: string }[] {
  const out: { info: string; body: string }[] = [];
  const re = /^```(.*)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) out.push({ info: m[1]!.trim(), body: m[2]! });
  return out;
}

describe('docs/offload.md', () => {
  const all = blocks(doc);

  it("the worked example's report is what uci-fw4 prints for its config", () => {
    const config = all.find((b) => b.info === '' && b.body.startsWith('config defaults'));
    const shown = all.find((b) => b.info === 'text');
    expect(config && shown).toBeTruthy();
    const report = offloadReportFor({
      firewall: parseDocument(config!.body, { name: 'firewall', file: 'firewall' }).toPackage(),
      system: new SnapshotView({
        ubus: { 'network.interface~dump': { interface: [
          { interface: 'lan', device: 'eth0', l3_device: 'eth0', 'ipv4-address': [{ address: '192.168.1.1', mask: 24 }] },
          { interface: 'wan', device: 'eth1', l3_device: 'eth1', 'ipv4-address': [{ address: '203.0.113.2', mask: 24 }] },
        ] } },
        dirs: { '/sys/class/net/eth0': [], '/sys/class/net/eth1': [] },
        system: hardwareCapabilityEntries({ eth0: true, eth1: true }),
      }),
    });
    expect(renderOffloadReport(report)).toBe(shown!.body);
  });
});
