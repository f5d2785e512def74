// Small generated firewall configs around the constructs fw4 renders wrongly: redirects with
// and without ports, protocols and addresses; masq zones with mixed-family subnets.
import { join } from 'node:path';
import type { UciPackage } from '../../../lib/uci/types.js';
import { SHARED } from './cases.js';

export const GENERATED_MOCKS = join(SHARED, 'fw4-corpus/cases/02_zones__02_masq/mocks');

type Options = Record<string, string | string[] | undefined>;

export interface GeneratedConfig {
  label: string;
  firewall: UciPackage;
}

function combos(axes: [string, (string | string[] | undefined)[]][]): Options[] {
  return axes.reduce<Options[]>((acc, [key, values]) => acc.flatMap((o) => values.map((v) => (v === undefined ? o : { ...o, [key]: v }))), [{}]);
}

function firewall(extra: [string, Options][]): UciPackage {
  const sections: [string, Options][] = [
    ['defaults', {}],
    ['zone', { name: 'lan', network: ['lan'], input: 'ACCEPT', output: 'ACCEPT', forward: 'ACCEPT' }],
    ['zone', { name: 'wan', network: ['wan', 'wan6'], input: 'REJECT', output: 'ACCEPT', forward: 'REJECT', masq: '1' }],
    ...extra,
  ];
  return {
    name: 'firewall',
    sections: sections.map(([type, options], index) => ({
      type, name: `cfg${index}`, anonymous: true, index,
      options: new Map(Object.entries(options).filter((e): e is [string, string | string[]] => e[1] !== undefined)),
    })),
  };
}

export function generatedConfigs(): GeneratedConfig[] {
  const out: GeneratedConfig[] = [];
  for (const o of combos([
    ['target', ['DNAT', 'SNAT']], ['proto', ['tcp', 'tcp udp', 'icmp']], ['src_dport', [undefined, '80']],
    ['dest_port', [undefined, '8080']], ['dest_ip', [undefined, '192.168.1.5']], ['src_dip', ['10.0.0.1']],
  ])) {
    const snat = o.target === 'SNAT';
    out.push({ label: `redirect ${JSON.stringify(o)}`, firewall: firewall([['redirect', { src: snat ? 'lan' : 'wan', dest: snat ? 'wan' : 'lan', ...o }]]) });
  }
  for (const o of combos([['masq6', [undefined, '1']], ['subnet', [['10.0.0.0/8'], ['10.0.0.0/8', 'fd00::/64'], ['fd00::/64']]]])) {
    const zone: Options = { name: 'dmz', input: 'ACCEPT', output: 'ACCEPT', forward: 'ACCEPT', masq: '1', ...o };
    out.push({ label: `zone ${JSON.stringify(o)}`, firewall: firewall([['zone', zone], ['forwarding', { src: 'lan', dest: 'dmz' }]]) });
  }
  return out;
}
