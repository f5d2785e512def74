// The scenarios the guest runs: a firewall config whose zones are the guest router's veth
// devices, and the flows sent through it. Each flow names the UCI section whose findings or path
// it demonstrates; the test derives the prediction from `fw4 offload --json`, not from here.
import { HOSTS, ROUTER_WAN } from './topology.js';

export type Proto = 'tcp' | 'udp' | 'icmp';

export interface Flow {
  name: string;
  proto: Proto;
  /** Namespaces of the two ends (topology.ts). */
  client: keyof typeof HOSTS;
  server: keyof typeof HOSTS;
  /** Address and port the client sends to (the router's for a port forward). */
  connect: string;
  port: number;
  /** Port the server listens on (differs from `port` behind a port forward). */
  serverPort: number;
  /** Packets per phase (the flow sends two phases, with a snapshot after each). */
  packets: number;
  /** Zone pair the flow crosses. */
  src: string;
  dest: string;
  /** The section (by name) that accepts, selects or acts on the flow, when one does. */
  section?: string;
}

export interface Scenario {
  name: string;
  title: string;
  firewall: string;
  flows: Flow[];
  /**
   * The report's findings (`section kind`), exactly; each is checked against the guest, or its
   * value says why this scenario cannot show it.
   */
  findings: Record<string, string | null>;
}

const HELPER_ELSEWHERE = "fw4's automatic ftp helper on lan: no flow of this scenario goes to port 21 (scenario per-packet shows it)";

const PACKETS = 10;

function flow(name: string, proto: Proto, client: keyof typeof HOSTS, server: keyof typeof HOSTS, port: number, src: string, dest: string, section?: string): Flow {
  return { name, proto, client, server, connect: HOSTS[server], port, serverPort: port, packets: PACKETS, src, dest, ...(section ? { section } : {}) };
}

const ZONES = `
config zone
	option name 'lan'
	list network 'lan'
	option input 'ACCEPT'
	option output 'ACCEPT'
	option forward 'REJECT'
@LAN@
config zone
	option name 'wan'
	list network 'wan'
	option input 'REJECT'
	option output 'ACCEPT'
	option forward 'REJECT'
@WAN@`;

function zones(lan = '', wan = ''): string {
  return ZONES.replace('@LAN@', lan).replace('@WAN@', wan);
}

function rule(name: string, options: Record<string, string>): string {
  const lines = Object.entries({ name, src: 'lan', dest: 'wan', ...options }).map(([k, v]) => `\toption ${k} '${v}'`);
  return `\nconfig rule\n${lines.join('\n')}\n`;
}

const DEFAULTS = (extra: string) => `
config defaults
	option input 'ACCEPT'
	option output 'ACCEPT'
	option forward 'REJECT'
	option flow_offloading '1'
${extra}`;

export const SCENARIOS: Scenario[] = [
  {
    name: 'software',
    title: 'hardware requested on veth (falls back), masquerade, a port forward, a zone without flowtable device',
    firewall: DEFAULTS("\toption flow_offloading_hw '1'\n") + zones('', "\toption masq '1'\n") + `
config zone
	option name 'dmz'
	list device 'dmz'
	option input 'REJECT'
	option output 'ACCEPT'
	option forward 'REJECT'

config forwarding
	option src 'lan'
	option dest 'wan'

config forwarding
	option src 'lan'
	option dest 'dmz'

config redirect
	option name 'SSH-to-client'
	option src 'wan'
	option src_dport '2222'
	option dest 'lan'
	option dest_ip '${HOSTS.c}'
	option dest_port '22'
	option proto 'tcp'
`,
    flows: [
      flow('web (masqueraded)', 'tcp', 'c', 's', 80, 'lan', 'wan'),
      flow('dns (masqueraded)', 'udp', 'c', 's', 53, 'lan', 'wan'),
      flow('web to dmz', 'tcp', 'c', 'd', 80, 'lan', 'dmz'),
      { ...flow('port forward 2222 to 22', 'tcp', 's', 'c', 2222, 'wan', 'lan', 'SSH-to-client'), connect: ROUTER_WAN, serverPort: 22 },
    ],
    findings: {
      '@zone[2] device-not-in-flowtable': null,
      '@defaults[0] hw-fallback': null,
      '@zone[0] conntrack-helper': HELPER_ELSEWHERE,
    },
  },
  {
    name: 'per-packet',
    title: "rules-only lan to wan: limit, log, DSCP, mark, ICMP, fw4's automatic ftp helper, notrack, offload '0'",
    firewall: DEFAULTS('') + zones()
      + rule('Allow-TCP', { proto: 'tcp', dest_port: '5004', target: 'ACCEPT' })
      + rule('Allow-UDP-limited', { proto: 'udp', dest_port: '5003', target: 'ACCEPT', limit: '2/minute', limit_burst: '2' })
      + rule('Allow-UDP-logged', { proto: 'udp', dest_port: '5005', target: 'ACCEPT', log: '1' })
      + rule('Allow-ICMP', { proto: 'icmp', target: 'ACCEPT' })
      + rule('Allow-UDP-5001', { proto: 'udp', dest_port: '5001', target: 'ACCEPT' })
      + rule('Bulk-DSCP', { proto: 'udp', dest_port: '5001', target: 'DSCP', set_dscp: 'CS1' })
      + rule('Allow-TCP-5002', { proto: 'tcp', dest_port: '5002', target: 'ACCEPT' })
      + rule('Mark-5002', { proto: 'tcp', dest_port: '5002', target: 'MARK', set_mark: '0x10' })
      + rule('Allow-FTP', { proto: 'tcp', dest_port: '21', target: 'ACCEPT' })
      + rule('Untracked', { proto: 'udp', dest_port: '5007', target: 'NOTRACK' }).replace("\toption dest 'wan'\n", '')
      + rule('Allow-untracked', { proto: 'udp', dest_port: '5007', target: 'ACCEPT' })
      + rule('Slow-TCP', { proto: 'tcp', dest_port: '5006', target: 'ACCEPT', offload: '0' }),
    flows: [
      flow('tcp accepted by a rule', 'tcp', 'c', 's', 5004, 'lan', 'wan', 'Allow-TCP'),
      flow('udp under a limit', 'udp', 'c', 's', 5003, 'lan', 'wan', 'Allow-UDP-limited'),
      flow('udp logged', 'udp', 'c', 's', 5005, 'lan', 'wan', 'Allow-UDP-logged'),
      flow('icmp echo', 'icmp', 'c', 's', 0, 'lan', 'wan', 'Allow-ICMP'),
      flow('udp with DSCP set', 'udp', 'c', 's', 5001, 'lan', 'wan', 'Bulk-DSCP'),
      flow('tcp with mark set', 'tcp', 'c', 's', 5002, 'lan', 'wan', 'Mark-5002'),
      flow('ftp control (helper)', 'tcp', 'c', 's', 21, 'lan', 'wan', 'lan'),
      flow('udp not tracked', 'udp', 'c', 's', 5007, 'lan', 'wan', 'Untracked'),
      flow("tcp with offload '0'", 'tcp', 'c', 's', 5006, 'lan', 'wan', 'Slow-TCP'),
    ],
    findings: {
      '@rule[3] not-tcp-udp': null,
      '@zone[0] conntrack-helper': null,
      '@rule[1] per-packet-statement': null,
      '@rule[2] per-packet-statement': null,
      '@rule[5] per-packet-statement': null,
      '@rule[7] per-packet-statement': null,
      '@rule[5] mangle-after-offload': null,
      '@rule[7] mangle-after-offload': null,
      '@rule[9] notrack': null,
    },
  },
  {
    name: 'selective',
    title: "the seed's example: only TCP 80 and 443 offloaded (option offload '1')",
    firewall: DEFAULTS('') + zones() + `
config forwarding
	option src 'lan'
	option dest 'wan'
` + rule('Offload-Web', { proto: 'tcp', dest_port: '80 443', target: 'ACCEPT', offload: '1' }),
    flows: [
      flow('tcp 80', 'tcp', 'c', 's', 80, 'lan', 'wan', 'Offload-Web'),
      flow('tcp 443', 'tcp', 'c', 's', 443, 'lan', 'wan', 'Offload-Web'),
      flow('tcp 8080', 'tcp', 'c', 's', 8080, 'lan', 'wan'),
    ],
    findings: { '@zone[0] conntrack-helper': HELPER_ELSEWHERE },
  },
];
