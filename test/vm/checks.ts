// What each finding of the offload report looks like on the guest's kernel: a check per kind,
// run against the flows of the finding's section (or the scenario's system facts).
import { expect } from 'vitest';
import type { FindingKind, OffloadFinding } from '../../lib/fw4/index.js';
import type { PreparedScenario } from './job.js';
import { conntrackLine, hookCounters, observedOffload, sectionCounter, type FlowObservation } from './observe.js';
import type { Flow } from './scenarios.js';

export interface CheckContext {
  prepared: PreparedScenario;
  finding: OffloadFinding;
  /** The flows of the finding's section, with their observations. */
  flows: { flow: Flow; index: number; obs: FlowObservation }[];
  /** A file of the scenario's folder in the job. */
  read: (file: string) => string;
  /** The load result of the scenario's hardware variant (flags offload), when it has one. */
  hardware?: { accepted: boolean; errors: string; kinds: string[] };
}

type Check = (c: CheckContext) => string;

function total(obs: FlowObservation): number {
  return obs.sent.at(-1) ?? 0;
}

/** The section's rule counter: the same after both phases, and below what was sent. */
function stoppedCounting(c: CheckContext, flow: Flow, obs: FlowObservation): string {
  const [first, second] = obs.snapshots.map((s) => sectionCounter(s, c.finding.name ?? ''));
  expect(first, `${c.finding.name}: its rule counted nothing`).toBeGreaterThan(0);
  expect(second, `${c.finding.name}: its counter kept growing in phase 2 (${first} -> ${second})`).toBe(first);
  expect(second!).toBeLessThan(total(obs));
  return `rule counter ${first} after phase 1, ${second} after phase 2, of ${total(obs)} sent (${flow.name})`;
}

function one(c: CheckContext) {
  expect(c.flows.length, `flows of ${c.finding.section}`).toBe(1);
  return c.flows[0]!;
}

const DSCP_CS1 = 8 << 2;

export const CHECKS: Partial<Record<FindingKind, Check>> = {
  'per-packet-statement': (c) => {
    const { flow, obs } = one(c);
    const seen = stoppedCounting(c, flow, obs);
    if (/\blimit\b/.test(c.finding.message)) {
      // limit 2/minute burst 2 would let 2 datagrams through on the slow path
      expect(obs.received).toBe(total(obs));
      return `${seen}; the server received ${obs.received}/${total(obs)} although the limit allows 2 a minute`;
    }
    if (/\blog\b/.test(c.finding.message)) {
      const lines = c.read('dmesg.txt').split('\n').filter((l) => l.includes(`${c.finding.name}: `) && l.includes(`DPT=${flow.serverPort} `));
      const counted = sectionCounter(obs.snapshots[1]!, c.finding.name ?? '');
      expect(lines.length).toBe(counted);
      return `${seen}; ${lines.length} log lines for ${total(obs)} packets`;
    }
    return seen;
  },
  'mangle-after-offload': (c) => {
    const { flow, obs } = one(c);
    const seen = stoppedCounting(c, flow, obs);
    if (!/DSCP/.test(c.finding.message)) {
      // veth scrubs skb->mark when a packet changes namespace: the server cannot see the mark
      return `${seen}; the mark itself does not cross into the server's namespace (veth clears it), so the counter shows it`;
    }
    const marked = (obs.tos ?? []).filter((t) => t >> 2 === DSCP_CS1 >> 2).length;
    const counted = sectionCounter(obs.snapshots[1]!, c.finding.name ?? '');
    expect(obs.tos?.slice(0, marked).every((t) => t === DSCP_CS1)).toBe(true);
    expect(obs.tos?.slice(marked).every((t) => t === 0)).toBe(true);
    expect(marked).toBe(counted);
    return `${seen}; the server saw DSCP CS1 on the first ${marked} of ${obs.received} datagrams, 0 on the rest`;
  },
  'not-tcp-udp': (c) => {
    const { flow, index, obs } = one(c);
    return stillSlow(flow, index, obs);
  },
  notrack: (c) => {
    const { flow, index, obs } = one(c);
    expect(conntrackLine(obs.snapshots[1]!.conntrack, flow)).toBeUndefined();
    return `no conntrack entry; ${stillSlow(flow, index, obs)}`;
  },
  'conntrack-helper': (c) => {
    const { flow, index, obs } = one(c);
    const listed = conntrackLine(obs.snapshots[1]!.listing ?? '', flow) ?? '';
    expect(listed).toMatch(/\bhelper=ftp\b/);
    return `\`${listed.trim()}\`; ${stillSlow(flow, index, obs)}`;
  },
  'device-not-in-flowtable': (c) => {
    expect(c.flows.length).toBeGreaterThan(0);
    return c.flows.map(({ flow, index, obs }) => {
      const seen = observedOffload(obs, index, flow);
      const zone = c.finding.name;
      // packets arriving through the zone take the forward chain; the others are offloaded
      expect(seen.offload).toBe(flow.src === zone ? 'none' : 'original');
      return `${flow.name}: ${seen.offload} (forward hook ${seen.hook.map((h) => `${h.original}/${h.reply}`).join(' -> ')})`;
    }).join('; ');
  },
  'hw-fallback': (c) => {
    const rc = c.read('probe.rc').trim();
    expect(rc, "fw4's probe (nft -c, flags offload over the flowtable's devices) in the router").not.toBe('0');
    expect(c.hardware?.accepted).toBe(false);
    expect(c.hardware?.kinds).toContain('hardware-offload');
    const error = c.hardware?.errors.split('\n').find((l) => l.includes('Error:')) ?? '';
    return `fw4's probe exits ${rc}; the ruleset fw4 renders when the probe passes is refused: ${error.replace(/^\S+: /, '')}`;
  },
};

function stillSlow(flow: Flow, index: number, obs: FlowObservation): string {
  const [first, second] = obs.snapshots.map((s) => hookCounters(s, index));
  // TCP adds the acknowledgements of the echoed data
  expect(second!.original - first!.original).toBeGreaterThanOrEqual(flow.packets);
  const line = conntrackLine(obs.snapshots[1]!.conntrack, flow);
  expect(line ?? '').not.toContain('[OFFLOAD]');
  return `forward hook saw ${first!.original} then ${second!.original} packets (${flow.packets} sent in phase 2)`;
}

/** Kinds no scenario can show in a VM, and why. */
export const NOT_OBSERVABLE: Partial<Record<FindingKind, string>> = {
  'nat-port-mapping': 'raised in hardware mode only: needs a NIC whose driver offloads flows (veth refuses `flags offload`); the software flowtable carries the port forward (scenario software)',
  'bridge-isolation': 'raised in hardware mode only: needs an offloading switch with an isolated bridge port',
  ipsec: 'needs IPsec tunnels terminated on the router (xfrm states and policies); not set up in the guest',
  'include-on-offloaded-path': 'needs an nftables include file; not set up in the guest',
  'offload-option-ignored': 'about the config only: the option changes nothing the kernel could show',
};
