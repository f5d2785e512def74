// `uci-fw4 fw4 offload` as a user runs it: the table, then the findings; --json gives the
// report object the library computes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fw4 } from '../helpers/cli.js';
import { BASE, FTP_HELPER, report, snapshot } from './offload-report.fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'fw4-offload-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = { modules: ['nf_conntrack_ftp'] };
writeFileSync(join(dir, 'firewall'), BASE);
writeFileSync(join(dir, 'helpers'), FTP_HELPER);
writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(snapshot(spec)));

function offload(...args: string[]) {
  return fw4('offload', '--config', dir, '--snapshot', join(dir, 'snapshot.json'), ...args);
}

describe('uci-fw4 fw4 offload', () => {
  it('prints the zone-pair table and the findings', () => {
    const r = offload();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`Flow offloading: software (requested: software)
Flowtable devices: eth0 (lan), eth1 (wan)

FROM  TO   OFFLOAD   WHY
lan   lan  software  @zone[0] (lan): connections with a conntrack helper stay on the slow path
lan   wan  software  @zone[0] (lan): connections with a conntrack helper stay on the slow path
wan   lan  none      nothing is forwarded from wan to lan
wan   wan  none      nothing is forwarded from wan to wan

Findings (1):
- @zone[0] (lan) [conntrack-helper]
  Connections from zone lan to the helpers' ports get the conntrack helper ftp (tcp 21) and are never offloaded: the kernel keeps connections with a helper on the slow path, so they are forwarded through the full firewall at software speed.
`);
  });

  it('--json prints the report the library computes', () => {
    const r = offload('--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(report(BASE, spec, FTP_HELPER));
  });

  it('a missing config is an error, not a report', () => {
    const r = fw4('offload', '--config', join(dir, 'none'), '--snapshot', join(dir, 'snapshot.json'));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`uci-fw4 fw4 offload: ${join(dir, 'none')}: cannot read the confdir: no such file or directory\n`);
  });
});
